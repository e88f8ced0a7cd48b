r"""LaTeX for compiled scenes: the TeX template, TeX detection, and a no-TeX fallback.

Manim's stock TeX template uses `standalone.cls`, which a minimal TeX install
(`texlive-latex-base`) lacks; a template on the `article` class with
`\pagestyle{empty}` (no page number in the tight SVG box) works with just `latex`
and `dvisvgm`.

Without TeX, formulas are shown as plain `Text` (Pango): `latex_to_text` maps the
common commands to Unicode (`\frac{a}{b}` → `a/b`, `x^2` → `x²`, `\pi` → `π`...), so
an equation always renders, only less beautifully.
"""

from __future__ import annotations

import re
import shutil

__all__ = [
    "TEX_DOCUMENTCLASS",
    "TEX_PREAMBLE",
    "is_safe_latex",
    "latex_to_text",
    "tex_available",
]

TEX_DOCUMENTCLASS = r"\documentclass{article}"
"""Document class of the template (the stock `standalone` is often not installed)."""
TEX_PREAMBLE = "\n".join(
    [
        r"\usepackage[english]{babel}",
        r"\usepackage{amsmath}",
        r"\usepackage{amssymb}",
        r"\pagestyle{empty}",
    ]
)
"""Preamble of the template: the packages Manim's stock template loads."""


def tex_available() -> bool:
    """Whether `latex` and `dvisvgm` (all Manim needs for MathTex) are on PATH."""
    return shutil.which("latex") is not None and shutil.which("dvisvgm") is not None


# Primitives that read or write files, run programs or redefine TeX itself. Spec
# LaTeX comes from an LLM: a formula using one is shown with the text fallback and
# never reaches `latex`. `^^` is TeX's hex notation (`^^5cinput` is `\input`).
_UNSAFE = re.compile(
    r"\\(?:input|include|openin|openout|read|write|immediate|special|csname|catcode|"
    r"def|edef|gdef|xdef|let|newcommand|renewcommand|providecommand|usepackage|"
    r"RequirePackage|directlua|luaexec|ShellEscape|verbatiminput|lstinputlisting|"
    r"makeatletter|endinput|jobname|loop|expandafter)(?![A-Za-z])|\^\^|@",
)


def is_safe_latex(latex: str) -> bool:
    """Whether a formula is harmless to compile with LaTeX (no file, shell or macro tricks)."""
    return _UNSAFE.search(latex) is None


# ------------------------------------------------------------------ fallback

_SYMBOLS: dict[str, str] = {
    # Greek, lower then upper case
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators and relations
    "int": "∫", "iint": "∬", "oint": "∮", "sum": "Σ", "prod": "∏", "partial": "∂",
    "nabla": "∇", "infty": "∞", "cdot": "·", "times": "×", "div": "÷", "pm": "±",
    "mp": "∓", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠",
    "approx": "≈", "equiv": "≡", "sim": "∼", "simeq": "≃", "propto": "∝",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "iff": "⇔", "implies": "⇒", "mapsto": "↦",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀", "exists": "∃",
    "neg": "¬", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "angle": "∠",
    "perp": "⊥", "parallel": "∥", "circ": "∘", "degree": "°", "ldots": "…",
    "cdots": "⋯", "dots": "…", "prime": "′", "star": "⋆", "ast": "∗", "mid": "|",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "hbar": "ℏ", "ell": "ℓ", "Re": "ℜ", "Im": "ℑ",
    "aleph": "ℵ",
    # spacing and sizing commands that only change looks
    "quad": "  ", "qquad": "   ", "left": "", "right": "", "big": "", "Big": "",
    "bigg": "", "Bigg": "", "displaystyle": "", "limits": "", "nolimits": "",
}  # fmt: skip
_FUNCTIONS = frozenset(
    {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh",
     "cosh", "tanh", "log", "ln", "exp", "lim", "max", "min", "det", "gcd", "deg"}
)  # fmt: skip
_ACCENTS: dict[str, str] = {"vec": "\u20d7", "hat": "\u0302", "bar": "\u0304", "dot": "\u0307"}
_SPACES: dict[str, str] = {",": " ", ";": " ", ":": " ", "!": "", " ": " "}

_SUPER = dict(zip("0123456789+-=()niaxyk", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃˣʸᵏ", strict=True))
_SUB = dict(zip("0123456789+-=()aeoxijnkmprst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₙₖₘₚᵣₛₜ", strict=True))


class _Reader:
    """A cursor over LaTeX source that converts it to Unicode text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _group(self) -> str:
        """Read one argument: a `{...}` group, a command, or one character."""
        n = len(self.text)
        while self.pos < n and self.text[self.pos] == " ":
            self.pos += 1
        if self.pos >= n:
            return ""
        ch = self.text[self.pos]
        if ch == "{":
            depth, start = 0, self.pos + 1
            while self.pos < n:
                c = self.text[self.pos]
                if c == "\\":
                    self.pos += 2
                    continue
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                self.pos += 1
            inner = self.text[start : self.pos]
            self.pos += 1
            return _Reader(inner).convert()
        if ch == "\\":
            return self._command()
        self.pos += 1
        return "" if ch == "}" else ch

    def _optional(self) -> str | None:
        """Read an optional `[...]` argument if one follows."""
        if self.pos < len(self.text) and self.text[self.pos] == "[":
            end = self.text.find("]", self.pos)
            if end != -1:
                inner = self.text[self.pos + 1 : end]
                self.pos = end + 1
                return _Reader(inner).convert()
        return None

    def _command(self) -> str:
        """Convert the command at the cursor (which points at the backslash)."""
        self.pos += 1
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isalpha():
            self.pos += 1
        name = self.text[start : self.pos]
        if not name:  # a control symbol: \, \{ \% \\ ...
            if self.pos >= len(self.text):
                return ""
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "\\":
                return "  "
            return _SPACES.get(ch, ch)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num, den = self._group(), self._group()
            return f"{_wrap(num)}/{_wrap(den)}"
        if name == "sqrt":
            index = self._optional()
            body = self._group()
            root = "∛" if index == "3" else "∜" if index == "4" else "√"
            return f"{root}{_wrap(body)}"
        if name in ("text", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "textbf",
                    "textit", "operatorname", "mathbb", "mathcal", "boldsymbol", "overline",
                    "underline"):  # fmt: skip
            return self._group()
        if name in _ACCENTS:
            body = self._group()
            return body + _ACCENTS[name] if len(body) == 1 else body
        if name in _FUNCTIONS:
            return name
        return _SYMBOLS.get(name, name)

    def convert(self) -> str:
        """Convert the whole text."""
        out: list[str] = []
        n = len(self.text)
        while self.pos < n:
            ch = self.text[self.pos]
            if ch in "^_":
                self.pos += 1
                arg = self._group()
                out.append(_script(arg, _SUPER if ch == "^" else _SUB, ch))
            elif ch in "{\\":
                out.append(self._group())
            elif ch == "}":
                self.pos += 1
            elif ch in "~&":
                out.append(" ")
                self.pos += 1
            else:
                out.append(ch)
                self.pos += 1
        return "".join(out)


def _wrap(part: str) -> str:
    """Parenthesize a fraction or root operand made of more than one symbol."""
    stripped = part.strip()
    if len(stripped) <= 1 or stripped.isalnum():
        return stripped
    if stripped.startswith("(") and stripped.endswith(")"):
        return stripped
    return f"({stripped})"


def _script(arg: str, table: dict[str, str], mark: str) -> str:
    """Write an exponent or index with Unicode scripts, or `^(...)` when impossible."""
    arg = arg.strip()
    if arg and all(c in table for c in arg):
        return "".join(table[c] for c in arg)
    if arg == "′" and mark == "^":
        return arg
    if len(arg) == 1:
        return f"{mark}{arg}"
    return f"{mark}({arg})" if arg else ""


def latex_to_text(latex: str) -> str:
    r"""Render LaTeX math as readable Unicode text, for showing it without TeX.

    Args:
        latex: LaTeX math, without surrounding `$`.

    Returns:
        Plain text, never empty and without backslashes, e.g. `\frac{1}{2}\pi r^2`
        becomes `1/2πr²`.
    """
    text = _Reader(latex).convert().replace("\\", "")
    text = " ".join(text.split())
    return text or "?"
