"""The edit grammar: which phrasings mean which operation (see docs/edit-grammar.md).

An instruction is split into clauses; each clause is matched against the rules in
order, and the first rule that matches applies its operation. Rules are tried from
the most specific to the catch-alls ("add X" plots X, "change X to Y" sets a text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tutor_core.agents.lesson import ops
from tutor_core.agents.lesson.draft import Draft
from tutor_core.agents.lesson.targets import COLOR_RE, describe, parse_color, resolve
from tutor_core.agents.lesson.text import clip
from tutor_core.agents.lesson.variants import longer, shorter, simpler
from tutor_core.agents.lesson.worked import add_example, parse_numbers
from tutor_core.errors import EditNotUnderstood

# ------------------------------------------------------------------ splitting

_VERBS = (
    r"make|colou?r|paint|turn|change|set|rename|retitle|replace|swap|remove|delete|drop|hide|"
    r"erase|get rid of|take out|add|also|plot|graph|draw|put|place|say|narrate|move|shift|"
    r"speed|slow|go|play|use|call|enlarge|shrink|grow|double|halve|twice|half|slower|faster|"
    r"quicker|show|overlay|insert|include|update|rewrite|title|name|explain|simplify|shorten|"
    r"lengthen|elaborate|expand|give|increase|decrease|bigger|smaller|larger|keep|cut|trim|"
    r"work through|try"
)
_SPLIT = re.compile(
    r"\s*(?:,\s*(?:and\s+)?(?:then\s+)?|;\s*|\s+and\s+then\s+|\s+then\s+|\s+and\s+)"
    rf"(?=(?:please\s+)?(?:{_VERBS})\b)",
    re.IGNORECASE,
)
_CARRY = re.compile(
    rf"^(?P<verb>make|turn|colou?r|paint)\s+(?P<first>.+?\s+(?:{COLOR_RE}|bigger|smaller|larger))"
    r"\s*(?:,\s*and|,|and)\s+"
    r"(?P<rest>(?:the|a|an)\s.+)$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"([\"“'‘])(.+?)([\"”'’])(?=\W|$)")
_NARRATION_START = re.compile(
    r"^(?:please\s+)?(?:(?:say|narrate)(?!\s+(?:less|more|it\b))|(?:change|set|replace|make|update|rewrite)\s+the\s+"
    r"(?:narration|voice-?over|voice over|script)\s+(?:to|with|into|as)\b|"
    r"the\s+narration\s+should)",
    re.IGNORECASE,
)


def split_clauses(instruction: str) -> list[str]:
    """Split an instruction into clauses at 'and' / ',' / 'then' before a new verb.

    Quoted text is never split, and a narration clause ("say: ...") takes the rest
    of the instruction, since narration naturally contains 'and' and commas.
    """
    masked: list[str] = []

    def _mask(m: re.Match[str]) -> str:
        masked.append(m.group(0))
        return f"\x00{len(masked) - 1}\x00"

    text = _QUOTED.sub(_mask, instruction.strip())
    clauses: list[str] = []
    rest = text
    while rest:
        if _NARRATION_START.match(rest):
            clauses.append(rest)
            break
        m = _SPLIT.search(rest)
        if m is None:
            clauses.append(rest)
            break
        clauses.append(rest[: m.start()])
        rest = rest[m.end() :]

    def _unmask(s: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: masked[int(m.group(1))], s)

    out: list[str] = []
    for clause in clauses:
        # "make the triangle blue and the equation red": the verb carries over.
        while m := _CARRY.match(clause):
            out.append(f"{m.group('verb')} {m.group('first')}")
            clause = f"{m.group('verb')} {m.group('rest')}"
        out.append(clause)
    out = [_unmask(c).strip(" \t\n.!,;") for c in out]
    return [c for c in out if c]


# ------------------------------------------------------------------ the rules

Handler = Callable[[Draft, "re.Match[str]"], str]
RULES: list[tuple[re.Pattern[str], Handler]] = []


def _rule(pattern: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        RULES.append((re.compile(pattern, re.IGNORECASE), fn))
        return fn

    return deco


_ANY = r"(?P<text>.+)"
_TARGET = r"(?P<target>.+?)"
_COLOR = rf"(?P<color>{COLOR_RE})(?:\s+colou?r)?"
_IT = r"(?:it|this|that|this scene|the scene|the narration|the explanation|the voice-?over|" \
      r"the script|the text|things|everything)"  # fmt: skip
_COLOR_HINT = "use a colour name like blue, dark blue, red, green, yellow, orange, or #1e90ff"


# -- narration variants


def _variant(d: Draft, kind: str) -> str:
    before = d.narration
    if kind == "simpler":
        retold = simpler(before, d.topic)
        refusal = "the narration is already in plain words"
    elif kind == "shorter":
        retold = shorter(before)
        refusal = "the narration is a single sentence already"
    else:
        retold = longer(before, d.topic)
        refusal = "there is nothing more the offline agent can add to this narration"
    if retold.narration.strip() == before.strip():
        raise EditNotUnderstood(
            refusal, hint="write the narration yourself with 'say: ...' (put it last)"
        )
    ops.retell(d, retold)
    return {"simpler": "narration simpler", "shorter": "narration shorter",
            "longer": "narration longer"}[kind]  # fmt: skip


@_rule(
    r"^(?:(?:explain|say|tell|narrate|put|make|word|phrase|rewrite)\s+(?:" + _IT + r"\s+)?)?"
    r"(?:(?:much|a bit|a little|even)\s+)?(?:more\s+simply|simpler|more\s+simple|"
    r"in\s+simpler\s+(?:words|terms|language)|in\s+plain(?:er)?\s+(?:english|words|language)|"
    r"more\s+plainly|plainer|for\s+(?:a\s+child|kids|children|beginners)|"
    r"like\s+i'?m\s+(?:five|5|a\s+child)|less\s+technical(?:ly)?|easier(?:\s+to\s+understand)?)$"
)
@_rule(r"^(?:simplify|dumb\s+down)(?:\s+" + _IT + r")?(?:\s+please)?$")
@_rule(r"^dumb\s+(?:it|this)\s+down$")
@_rule(r"^use\s+(?:simpler|easier|plainer|simple|easy|plain)\s+(?:words|language|terms)$")
def _r_simpler(d: Draft, m: re.Match[str]) -> str:
    return _variant(d, "simpler")


@_rule(
    r"^(?:(?:make|keep)\s+(?:" + _IT + r"\s+)?)?(?:(?:much|a bit|a little|even)\s+)?"
    r"(?:shorter|briefer|more\s+(?:concise|brief)|brief|concise)$"
)
@_rule(r"^(?:shorten|trim|cut\s+down|condense)(?:\s+" + _IT + r")?(?:\s+down)?$")
@_rule(r"^(?:say|talk)\s+less$|^less\s+(?:talking|text|narration|words)$")
@_rule(r"^(?:be\s+)?(?:more\s+)?(?:brief|concise)(?:ly)?$|^(?:say\s+it\s+)?more\s+briefly$")
def _r_shorter(d: Draft, m: re.Match[str]) -> str:
    return _variant(d, "shorter")


@_rule(
    r"^(?:(?:make|explain)\s+(?:" + _IT + r"\s+)?)?(?:(?:much|a bit|a little|even)\s+)?"
    r"(?:longer|in\s+more\s+(?:detail|depth)|more\s+(?:fully|thoroughly|deeply)|"
    r"with\s+more\s+detail)$"
)
@_rule(r"^(?:explain|say|tell\s+me)\s+more(?:\s+about\s+" + _IT + r")?$")
@_rule(r"^(?:elaborate|expand|go\s+deeper|lengthen)(?:\s+on)?(?:\s+" + _IT + r")?$")
@_rule(r"^(?:add\s+)?more\s+(?:details?|explanation|depth)$|^add\s+(?:more\s+)?detail$")
def _r_longer(d: Draft, m: re.Match[str]) -> str:
    return _variant(d, "longer")


# -- narration: the person's own words (takes the rest of the instruction)


@_rule(r"^(?:say|narrate)\s*[:,]?\s*" + _ANY + "$")
@_rule(
    r"^(?:change|set|replace|make|update|rewrite)\s+the\s+(?:narration|voice-?over|voice over|"
    r"script)\s+(?:to|with|into|as)\s*:?\s*" + _ANY + "$"
)
@_rule(r"^the\s+narration\s+should\s+(?:be|say)\s*:?\s*" + _ANY + "$")
def _r_narration(d: Draft, m: re.Match[str]) -> str:
    return ops.set_narration(d, m.group("text"))


# -- worked examples


@_rule(
    r"^(?:add|show|give(?:\s+me)?|include|insert|work\s+through|try|do|use)\s+"
    r"(?:an?|another|one\s+more|a\s+new|the|some)?\s*(?:worked\s+|numeric(?:al)?\s+)?examples?"
    r"(?:\s+(?:with|using|for|of|where|on)\s+(?P<nums>.+))?$"
)
@_rule(r"^(?:use|try|with)\s+(?:the\s+)?(?:numbers|values)\s+(?P<nums>.+)$")
@_rule(
    r"^(?:change|redo|replace|update|rework|do)\s+(?:the\s+)?(?:worked\s+)?example\s+"
    r"(?:again\s+)?(?:to|with|using|for|into)\s+(?:the\s+)?(?:numbers\s+|values\s+)?(?P<nums>.+)$"
)
def _r_example(d: Draft, m: re.Match[str]) -> str:
    text = m.group("nums") or ""
    numbers = parse_numbers(text)
    if text.strip() and not numbers:
        raise EditNotUnderstood(
            f"I see no numbers in {text.strip()!r}",
            hint="give numbers, e.g. 'add an example with numbers 5, 12, 13'",
        )
    return add_example(d, numbers)


# -- colour


@_rule(
    r"^(?:make|change|set|turn|paint|colou?r)\s+(?:the\s+)?background(?:\s+colou?r)?\s+"
    r"(?:to\s+|into\s+)?(?P<color>.+)$"
)
@_rule(r"^(?:use|give it|put it on|switch to)\s+(?:a|an)\s+(?P<color>.+?)\s+background$")
def _r_background(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    if color is None:
        raise EditNotUnderstood(f"{m.group('color')!r} is not a colour I know", hint=_COLOR_HINT)
    return ops.set_background(d, color)


@_rule(
    r"^(?:make|turn|colou?r|paint)\s+(?:everything|it all|all(?: elements| of it)?|"
    r"the whole scene|all the elements|all elements)\s+(?:to\s+|in\s+)?" + _COLOR + "$"
)
def _r_everything(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    assert color is not None  # the pattern only matches known colours
    return ops.color_everything(d, color)


# Decorators register bottom-up: the specific "colour of X" forms must be tried first.
@_rule(r"^change\s+" + _TARGET + r"\s+(?:to|into)\s+" + _COLOR + "$")
@_rule(r"^(?:make|turn|colou?r|paint)\s+" + _TARGET + r"\s+(?:to\s+|in\s+|into\s+)?" + _COLOR + "$")
@_rule(r"^(?:change|set)\s+" + _TARGET + r"(?:'s)?\s+colou?r\s+to\s+" + _COLOR + "$")
@_rule(r"^(?:change|set)\s+(?:the\s+)?colou?r\s+of\s+" + _TARGET + r"\s+to\s+" + _COLOR + "$")
def _r_color(d: Draft, m: re.Match[str]) -> str:
    color = parse_color(m.group("color"))
    assert color is not None
    return ops.set_color(d, resolve(m.group("target"), d.data), color)


# -- titles and texts


@_rule(
    r"^(?:change|rename|set|update|make|retitle|replace)\s+(?:the\s+)?(?:scene\s+)?"
    r"(?:title|heading|headline)(?:\s+text)?\s*(?:to\b|as\b|into\b|with\b|:)\s*" + _ANY + "$"
)
@_rule(r"^(?:call|title|name|retitle)\s+(?:it|the scene|this scene)\s+(?:as\s+)?:?\s*" + _ANY + "$")
@_rule(r"^(?:the\s+)?(?:new\s+)?title\s*(?::|should be|is)\s*" + _ANY + "$")
def _r_title(d: Draft, m: re.Match[str]) -> str:
    return ops.set_title(d, m.group("text"))


@_rule(
    r"^(?:replace|change|swap)\s+[\"“'‘](?P<old>.+?)[\"”'’]\s+(?:with|to|by|for|into)\s+"
    r"(?P<new>.+)$"
)
def _r_replace(d: Draft, m: re.Match[str]) -> str:
    return ops.replace_everywhere(d, m.group("old"), ops.unquote(m.group("new")))


# -- speed

_DEGREE = {"a bit": 1.25, "a little": 1.25, "slightly": 1.25, "much": 2.0, "a lot": 2.0,
           "way": 2.0, "far": 2.0, "even": 1.5}  # fmt: skip
_DEGREE_RE = r"(?:(?P<degree>a bit|a little|slightly|much|a lot|way|far|even)\s+)?"


def _by_degree(m: re.Match[str], slower: bool) -> float:
    degree = (m.groupdict().get("degree") or "").lower()
    factor = _DEGREE.get(degree, 1.5)
    return factor if slower else 1 / factor


@_rule(
    r"^(?:make\s+(?:it|the scene|everything|the animations?|this|the video|things)\s+|"
    r"play\s+(?:it\s+)?|go\s+|run\s+(?:it\s+)?|animate\s+(?:it\s+)?|move\s+)?"
    + _DEGREE_RE
    + r"(?P<dir>slower|faster|quicker|more slowly|more quickly|slow|fast|speedier)"
    r"(?:\s+please)?$"
)
@_rule(
    r"^(?P<dir>slow|speed)(?:\s+(?:it|everything|the animations?|the scene|things))?\s+"
    r"(?:down|up)(?:\s+(?P<degree>a bit|a little|slightly|a lot))?$"
)
@_rule(r"^(?:make\s+(?:it|the animations?)\s+)?(?P<dir>take longer|take less time)$")
def _r_speed(d: Draft, m: re.Match[str]) -> str:
    word = m.group("dir").lower()
    slower = word in {"slower", "more slowly", "slow", "take longer"}
    return ops.speed(d, _by_degree(m, slower))


_TIMES = {"twice": 2.0, "two times": 2.0, "double": 2.0, "three times": 3.0, "thrice": 3.0,
          "half": 0.5, "half as": 0.5}  # fmt: skip


@_rule(
    r"^(?:make\s+(?:it|the scene|the animations?)\s+|play\s+(?:it\s+)?|animate\s+(?:it\s+)?)?"
    r"(?P<n>twice|two times|three times|thrice|half|\d+(?:\.\d+)?\s*(?:x|×|times))\s+"
    r"(?:as\s+)?(?P<dir>fast|faster|quick|quicker|slow|slower)(?:\s+as before)?$"
)
def _r_times(d: Draft, m: re.Match[str]) -> str:
    n_text = m.group("n").lower()
    n = _TIMES.get(n_text) or float(re.sub(r"[^\d.]", "", n_text))
    if n <= 0:
        raise EditNotUnderstood("the speed factor must be positive", hint="say 'twice as fast'")
    fast = m.group("dir").lower().startswith(("fast", "quick"))
    return ops.speed(d, 1 / n if fast else n)


@_rule(r"^(?:play\s+(?:it\s+)?)?(?:at\s+)?(?P<n>half|double)\s+(?:the\s+)?speed$")
@_rule(r"^(?:play\s+(?:it\s+)?)?(?:at\s+)?(?P<x>\d+(?:\.\d+)?)\s*(?:x|×)(?:\s+speed)?$")
def _r_half_speed(d: Draft, m: re.Match[str]) -> str:
    if m.groupdict().get("x"):
        x = float(m.group("x"))
        if not 0.1 <= x <= 10:
            raise EditNotUnderstood("pick a speed between 0.1x and 10x", hint="e.g. 'play at 2x'")
        return ops.speed(d, 1 / x)
    return ops.speed(d, 2.0 if m.group("n").lower() == "half" else 0.5)


# -- remove


@_rule(
    r"^(?:remove|delete|drop|hide|erase|get rid of|take out|take away)\s+" + _TARGET
    + r"(?:\s+from the scene)?$"
)  # fmt: skip
def _r_remove(d: Draft, m: re.Match[str]) -> str:
    return ops.remove(d, resolve(m.group("target"), d.data))


# -- size

_FONT = r"(?:the\s+)?(?:font(?:\s+size)?|text\s+size|font\s+sizes|lettering|writing|words)"
_BIG = r"(?:bigger|larger|big|large|huge|greater)"
_SMALL = r"(?:smaller|tinier|small|tiny)"


@_rule(r"^(?:use|with|try|give\s+it)\s+(?:a\s+)?(?:much\s+)?(?P<dir>" + _BIG + "|" + _SMALL
       + r")\s+(?:font|text|letters|font size|type)$")  # fmt: skip
@_rule(r"^(?:make\s+)?" + _FONT + r"\s+(?P<dir>" + _BIG + "|" + _SMALL + r")$")
@_rule(r"^(?P<dir>increase|decrease|enlarge|reduce|raise|lower)\s+" + _FONT + "$")
@_rule(r"^(?P<dir>" + _BIG + "|" + _SMALL + r")\s+(?:font|text|letters|writing)$")
@_rule(r"^make\s+(?:all\s+)?(?:the\s+)?(?:texts?|words|writing|everything)\s+(?P<dir>"
       + _BIG + "|" + _SMALL + r")$")  # fmt: skip
def _r_font(d: Draft, m: re.Match[str]) -> str:
    word = m.group("dir").lower()
    bigger = re.fullmatch(_BIG, word) is not None or word in {"increase", "enlarge", "raise"}
    text_elements = [el for el in d.data["elements"] if el["kind"] == "text"]
    clause = m.group(0).lower()
    if re.search(r"\btexts?\b", clause) and text_elements and "everything" not in clause:
        targets = resolve("the text", d.data)
        return ops.resize(d, targets, bigger)
    return ops.font_size(d, bigger)


# -- add


_SAYING = r"\s*(?::|saying|that says|reading|with the text|with)?\s*"


@_rule(
    r"^(?:add|insert|include)\s+(?:a\s+|another\s+|one more\s+|the\s+)?"
    r"(?:bullet(?:\s+point)?|point|item|list item)" + _SAYING + _ANY + "$"
)
def _r_add_bullet(d: Draft, m: re.Match[str]) -> str:
    text = clip(ops.unquote(m.group("text")), 200)
    bullets = next((el for el in d.data["elements"] if el["kind"] == "bullets"), None)
    if bullets is not None and len(bullets["items"]) < 8:
        bullets["items"].append(text)
        d.append_animation("indicate", bullets["id"])
    else:
        d.add_element({"kind": "bullets", "id": d.new_id("bullets"), "items": [text]}, "fade_in")
    return f"added bullet {clip(text, 40)!r}"


@_rule(
    r"^(?:add|insert|include|show)\s+(?:an\s+|the\s+|another\s+)?(?:equation|formula)"
    + _SAYING
    + _ANY
    + "$"
)
def _r_add_equation(d: Draft, m: re.Match[str]) -> str:
    latex = clip(ops.unquote(m.group("text")), 300)
    d.add_element({"kind": "equation", "id": d.new_id("equation"), "latex": latex}, "write")
    return f"added equation {clip(latex, 40)!r}"


@_rule(
    r"^(?:add|insert|include)\s+(?:a\s+|the\s+|some\s+|another\s+)?(?:(?P<size>small|big|large)"
    r"\s+)?(?:note|text|caption|line of text|sentence|subtitle|comment|remark)"
    + _SAYING
    + _ANY
    + "$"
)
def _r_add_note(d: Draft, m: re.Match[str]) -> str:
    text = clip(ops.unquote(m.group("text")), 400)
    size = {"small": "small", "big": "large", "large": "large"}.get(
        (m.group("size") or "").lower(), "small"
    )
    el = {"kind": "text", "id": d.new_id("note"), "text": text, "size": size}
    d.add_element(el, "fade_in")
    return f"added note {clip(text, 40)!r}"


_SHAPES = r"circle|square|rectangle|triangle|arrow|dot|ellipse"


@_rule(
    r"^(?:add|draw|insert)\s+(?:a|an|another|one more)\s+(?:(?P<color>" + COLOR_RE + r")\s+)?"
    r"(?P<shape>" + _SHAPES + r")$"
)
def _r_add_shape(d: Draft, m: re.Match[str]) -> str:
    shape = m.group("shape").lower()
    el: dict[str, object] = {"kind": "shape", "id": d.new_id(shape), "shape": shape}
    if shape == "triangle":
        el["points"] = [(0.0, 0.0), (2.0, 0.0), (1.0, 1.7)]
    elif shape == "arrow":
        el["points"] = [(0.0, 0.0), (2.0, 0.0)]
    if m.group("color"):
        el["color"] = parse_color(m.group("color"))
    d.add_element(el, "create")
    return f"added {m.group('color') + ' ' if m.group('color') else ''}{shape}"


@_rule(
    r"^(?:also\s+)?(?:plot|graph|draw|add|show|overlay)\s+(?:also\s+)?(?:a\s+|the\s+|another\s+)?"
    r"(?:(?:graph|plot|curve)\s+(?:of\s+)?|function\s+)?(?P<expr>.+)$"
)
def _r_plot(d: Draft, m: re.Match[str]) -> str:
    return ops.plot(d, m.group("expr"))


# -- size of one part, place


@_rule(
    r"^make\s+" + _TARGET + r"\s+(?:(?:a\s+bit|a\s+little|much)\s+)?"
    r"(?P<dir>bigger|larger|smaller|tinier|big|large|small|huge|tiny)(?:\s+please)?$"
)
@_rule(r"^(?P<dir>enlarge|grow|shrink)\s+" + _TARGET + "$")
@_rule(r"^(?P<dir>increase|decrease)\s+the\s+size\s+of\s+" + _TARGET + "$")
def _r_size(d: Draft, m: re.Match[str]) -> str:
    bigger = m.group("dir").lower() in {
        "bigger", "larger", "big", "large", "enlarge", "grow", "huge", "increase",
    }  # fmt: skip
    target = m.group("target")
    if re.fullmatch(r"(?:the\s+)?(?:texts?|words|writing|font)", target.strip(), re.I) and not any(
        el["kind"] == "text" for el in d.data["elements"]
    ):
        # "make the text bigger" in a scene of lists and formulas: every text.
        return ops.font_size(d, bigger)
    return ops.resize(d, resolve(target, d.data), bigger)


@_rule(
    r"^(?:move|put|place|shift)\s+" + _TARGET + r"\s+(?:to\s+the\s+|to\s+|on\s+the\s+|on\s+|"
    r"in\s+the\s+)?(?P<dir>left|right|up|down|center|centre|middle)(?:\s+side)?$"
)
def _r_move(d: Draft, m: re.Match[str]) -> str:
    return ops.move(d, resolve(m.group("target"), d.data), m.group("dir").lower())


@_rule(
    r"^(?:change|set|rewrite|update|edit)\s+" + _TARGET + r"\s+(?:to|into|as)\s*:?\s*" + _ANY + "$"
)
def _r_change_text(d: Draft, m: re.Match[str]) -> str:
    return ops.change_text(d, resolve(m.group("target"), d.data), ops.unquote(m.group("text")))


# ------------------------------------------------------------------ applying


class NotMatched(EditNotUnderstood):
    """No rule matches the clause at all (as opposed to a rule refusing it)."""


def apply_clause(d: Draft, clause: str) -> None:
    """Apply one clause to the draft, or raise EditNotUnderstood."""
    text = re.sub(r"^(?:please|pls|now|also,?|and|can you|could you)\s+", "", clause.strip(),
                  flags=re.I)  # fmt: skip
    text = re.sub(r"\s+please$", "", text, flags=re.I)
    for pattern, handler in RULES:
        m = pattern.match(text)
        if m is None:
            continue
        try:
            d.changes.append(handler(d, m))
            return
        except EditNotUnderstood as exc:
            # The plot rule is a catch-all for "add X": report it as not understood.
            if handler is _r_plot and text.lower().startswith(("add", "show", "draw")):
                break
            if exc.clause is None:
                exc.clause = clause
            raise
    raise NotMatched(f"I do not understand {clause!r}", clause=clause)


__all__ = ["RULES", "NotMatched", "apply_clause", "describe", "split_clauses"]
