"""Environment checks shown by `tutor doctor`; plugins add theirs with `doctor_checks`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal


@dataclass(frozen=True)
class Check:
    """One line of `tutor doctor`: what was checked, whether it is fine, and the fix."""

    name: str
    status: Literal["ok", "missing", "warning"]
    detail: str
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
