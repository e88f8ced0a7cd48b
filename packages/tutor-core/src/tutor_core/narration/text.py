"""Narration text: split it into sentences and make math speakable.

`split_sentences` cuts prose at sentence ends without being fooled by
abbreviations ("e.g.", "Dr."), decimals ("3.14"), initials or ellipses that run on.
`speakable` rewrites a small, documented set of math notations as words, so a
speech engine reads `a^2 + b^2 = c^2` as "a squared plus b squared equals c squared".
"""

from __future__ import annotations

import re

__all__ = ["ends_sentence_after", "split_sentences", "speakable"]

# Words ending in "." that almost never end a sentence (compared lower-case, no dot).
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "cf", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "approx"}
    | {"resp", "al", "ca"}
)
# Abbreviations that only count as such before a number ("No. 5", "Fig. 2"): "No." on
# its own is usually the word "no".
_NUMBER_ABBREVIATIONS = frozenset(
    {"no", "nos", "fig", "figs", "eq", "eqs", "p", "pp", "vol", "ch", "sec"}
)

# A run of terminators, optionally followed by closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"([.!?\u2026]+)([\"'\u2019\u201d)\]]*)(\s+)")


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the terminator run in `match` ends a sentence."""
    marks = match.group(1)
    rest = text[match.end() :]
    if not rest:
        return True
    if "!" in marks or "?" in marks:
        return True
    # After "." or an ellipsis a lower-case continuation means the sentence runs on
    # ("wait... and then", "e.g. this").
    if rest[0].islower():
        return False
    if marks == ".":
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        word = word.lstrip("\"'(\u201c\u2018[").lower()
        if word in _ABBREVIATIONS:
            return False
        if word in _NUMBER_ABBREVIATIONS and rest[0].isdigit():
            return False
        # A single-letter initial ("J. S. Bach", "John F. Kennedy"), but not a point
        # or variable ending a sentence ("... equals L. It means"): an initial follows
        # a name, another initial or the start, or comes before another initial.
        if len(word) == 1 and word.isalpha() and text[match.start() - 1].isupper():
            before = text[: match.start() - 1].split()
            previous = before[-1].lstrip("\"'(\u201c\u2018[") if before else ""
            after = rest.split(None, 1)[0] if rest.split() else ""
            if (
                not previous
                or previous[:1].isupper()
                or re.fullmatch(r"[A-Z]\.", after.rstrip(",;:")) is not None
            ):
                return False
    return True


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences.

    Every sentence is a stripped slice of `text`, so joining them keeps every
    non-space character in order. Blank lines always separate sentences.

    Args:
        text: narration prose.

    Returns:
        The sentences, none empty (an empty list for blank text).
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if _ends_sentence(paragraph, match):
                piece = paragraph[start : match.end()].strip()
                if piece:
                    sentences.append(piece)
                start = match.end()
        piece = paragraph[start:].strip()
        if piece:
            sentences.append(piece)
    return sentences


def ends_sentence_after(text: str) -> bool:
    """Whether a full stop right after `text` ends a sentence.

    False when `text` ends in something the splitter reads as an abbreviation or an
    initial ("... vs", "... RESP", "... J"), so a sentence ending in it runs on.
    """
    return split_sentences(f"{text}. Next")[-1] == "Next"


# ------------------------------------------------------------------ speakable math

_SUPERSCRIPTS = str.maketrans(
    {
        "\u2070": "^0",
        "\u00b9": "^1",
        "\u00b2": "^2",
        "\u00b3": "^3",
        "\u2074": "^4",
        "\u2075": "^5",
        "\u2076": "^6",
        "\u2077": "^7",
        "\u2078": "^8",
        "\u2079": "^9",
        "\u207f": "^n",
    }
)

_SYMBOLS: dict[str, str] = {
    "\u03c0": " pi ",
    "\u03b8": " theta ",
    "\u03b1": " alpha ",
    "\u03b2": " beta ",
    "\u03b3": " gamma ",
    "\u03bb": " lambda ",
    "\u03bc": " mu ",
    "\u03c3": " sigma ",
    "\u0394": " delta ",
    "\u2206": " delta ",
    "\u221e": " infinity ",
    "\u2248": " is approximately ",
    "\u2260": " is not equal to ",
    "\u2264": " is less than or equal to ",
    "\u2265": " is greater than or equal to ",
    "\u00d7": " times ",
    "\u00b7": " times ",
    "\u00f7": " divided by ",
    "\u2212": "-",
    "\u00b0": " degrees",
}

_FUNCTION_NAMES = {
    "sin": "sine",
    "cos": "cosine",
    "tan": "tangent",
    "log": "log",
    "ln": "natural log",
    "exp": "exp",
}

# "Preceded by an operand": a digit, ")" or a single letter (not the end of a word).
_AFTER_OPERAND = r"(?:(?<=\d)|(?<=\))|(?<=[A-Za-z])(?<![A-Za-z]{2}))"

_SQRT = re.compile(r"(?:\bsqrt|\u221a)\s*(?:\(([^()]*)\)|(\w+))")
_FUNCTION = re.compile(r"(?<![A-Za-z])(sin|cos|tan|log|ln|exp|[A-Za-z])\(([^()]{1,40})\)")
_POWER = re.compile(r"\^\s*(?:\{([^{}]*)\}|\(([^()]*)\)|(-?\w+))")
_COMPARISONS = (
    (re.compile(r"<="), " is less than or equal to "),
    (re.compile(r">="), " is greater than or equal to "),
    (re.compile(r"!="), " is not equal to "),
    (re.compile(r"(?<=[\w)\s])\s*<\s*(?=[\w(\-])"), " is less than "),
    (re.compile(r"(?<=[\w)\s])\s*>\s*(?=[\w(\-])"), " is greater than "),
    (re.compile(r"="), " equals "),
)
_PLUS = re.compile(r"\s*\+\s*")
_TIMES = re.compile(r"(?<=[\w)])\s*\*\s*(?=[\w(])")
_OVER = re.compile(rf"{_AFTER_OPERAND}\s*/\s*(?=\d|[A-Za-z](?![A-Za-z])|\()")
_MINUS_BINARY = re.compile(rf"{_AFTER_OPERAND}\s*-\s*(?=\d|[A-Za-z](?![A-Za-z])|\()|\s+-\s+")
_MINUS_UNARY = re.compile(r"(?<![\w)])-(?=\d|[A-Za-z](?![A-Za-z]))")
_PI = re.compile(r"(?<=\d)(?=pi\b)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")


def _power(match: re.Match[str]) -> str:
    exponent = next(g for g in match.groups() if g is not None).strip()
    if exponent == "2":
        return " squared"
    if exponent == "3":
        return " cubed"
    return f" to the power of {exponent}"


def _function(match: re.Match[str]) -> str:
    name, argument = match.group(1), match.group(2)
    return f"{_FUNCTION_NAMES.get(name, name)} of {argument}"


def speakable(text: str) -> str:
    """Rewrite math notation as words a speech engine reads naturally.

    The rules, applied in this order:

    - superscripts `²`, `³` (and `⁰`-`⁹`, `ⁿ`) become `^2`, `^3`, ...;
    - Greek letters and symbols: `π` → "pi", `θ` → "theta", `≈` → "is approximately",
      `≠`, `≤`, `≥`, the multiplication signs, `÷`, `∞`, `°`;
    - `sqrt(x)`, `√x`, `√(x+1)` → "the square root of ...";
    - `f(x)` (a single letter or sin/cos/tan/log/ln/exp before parentheses) → "f of x",
      "sine of x";
    - `^2` → "squared", `^3` → "cubed", `^n`, `^{n+1}` → "to the power of ...";
    - `=`, `<`, `>`, `<=`, `>=`, `!=` → "equals", "is less than", ...;
    - `+` → "plus", `*` → "times"; `/` and `-` between numbers or single letters
      → "over" and "minus" (so "and/or" and "well-known" stay as they are);
      a `-` before a number → "minus";
    - `2pi` → "2 pi".

    Args:
        text: one sentence or more of narration.

    Returns:
        The text with math replaced by words and spaces normalised.
    """
    out = text.translate(_SUPERSCRIPTS)
    for symbol, words in _SYMBOLS.items():
        out = out.replace(symbol, words)
    out = _SQRT.sub(lambda m: f" the square root of {m.group(1) or m.group(2)}", out)
    # Repeat so nested calls such as f(g(x)) are read from the inside out.
    for _ in range(3):
        out, count = _FUNCTION.subn(_function, out)
        if not count:
            break
    out = _POWER.sub(_power, out)
    for pattern, words in _COMPARISONS:
        out = pattern.sub(words, out)
    out = _PLUS.sub(" plus ", out)
    out = _TIMES.sub(" times ", out)
    out = _OVER.sub(" over ", out)
    out = _MINUS_BINARY.sub(" minus ", out)
    out = _MINUS_UNARY.sub("minus ", out)
    out = _PI.sub(" ", out)
    out = " ".join(out.split())
    return _SPACE_BEFORE_PUNCT.sub(r"\1", out)
