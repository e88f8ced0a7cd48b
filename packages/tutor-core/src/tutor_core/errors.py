"""One exception hierarchy for tutor: every error says what was wrong and what to do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor_core.models import Problem, RenderError


class TutorError(Exception):
    """Base class of every error tutor raises on purpose.

    Attributes:
        hint: what the user can do about it (shown after the message).
    """

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class ConfigurationError(TutorError):
    """A setting is missing or wrong."""


class InvalidInput(TutorError, ValueError):
    """A user-supplied value (prompt, scene count, spec, key...) is not acceptable."""


class NotFound(TutorError, LookupError):
    """A user, project, session or scene does not exist (or is not yours)."""


class ConflictError(TutorError):
    """A compare-and-set update lost the race: the record changed since it was read."""


class Busy(ConflictError):
    """A scene or session is held by another job (it is being made or changed)."""


class InvalidTransition(TutorError):
    """A status change that the state machine does not allow."""

    def __init__(self, machine: str, source: str, target: str) -> None:
        self.machine = machine
        self.source = source
        self.target = target
        super().__init__(
            f"{machine} cannot go from {source!r} to {target!r}",
            hint="this is a bug in the caller: only declared transitions are allowed "
            "(see tutor_core.states)",
        )


class UnknownPluginError(TutorError, KeyError):
    """No plugin of that kind is registered under that name."""

    def __init__(self, kind: str, name: str, available: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.available = sorted(available)
        close = get_close_matches(name, self.available, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        hint += (
            f"available {kind}s: {', '.join(self.available) or '(none)'}; "
            "`tutor plugins` lists everything installed"
        )
        super().__init__(f"unknown {kind} {name!r}", hint=hint)

    def __str__(self) -> str:  # KeyError would repr() the message
        return TutorError.__str__(self)


class MissingDependency(TutorError, ImportError):
    """An optional package is needed for this feature."""

    def __init__(self, feature: str, install: str) -> None:
        super().__init__(f"{feature} needs an optional package", hint=f"run: {install}")


class PolicyViolation(TutorError):
    """Generated code was refused by the code policy before it ran."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "; ".join(p.describe() for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(
            f"scene code refused: {lines}{more}",
            hint="remove the disallowed constructs (each problem names its line and what "
            "is allowed instead)",
        )


class RenderFailed(TutorError):
    """A render ran and failed (exception, timeout, resource limit)."""

    def __init__(self, error: RenderError) -> None:
        self.error = error
        super().__init__(error.describe(), hint=error.hint)


class AgentError(TutorError):
    """The agent could not plan, write or edit a scene."""


class EditNotUnderstood(AgentError):
    """An edit instruction that the agent cannot apply (never a silent no-op).

    A refusal is an answer, not a failure: the scene is unchanged, and the fields
    below let a CLI, a server or a web app show what does work without parsing text.

    Attributes:
        suggestions: a few instructions that do work on this scene.
        nearest: the supported phrasing closest to what was asked, if one is close.
        clause: the part of the instruction that was not understood.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        suggestions: Sequence[str] = (),
        nearest: str | None = None,
        clause: str | None = None,
    ) -> None:
        self.suggestions = list(suggestions)
        self.nearest = nearest
        self.clause = clause
        if hint is None and (self.suggestions or nearest):
            hint = refusal_hint(self.suggestions, nearest)
        super().__init__(message, hint=hint)


def refusal_hint(suggestions: Sequence[str], nearest: str | None) -> str:
    """One short line: the nearest phrasing, then a few that work."""
    parts = [f'did you mean "{nearest}"?'] if nearest else []
    others = [s for s in suggestions if s != nearest][:3]
    if others:
        parts.append("try: " + ", ".join(f'"{s}"' for s in others))
    return " ".join(parts)


class NarrationError(TutorError):
    """Speech synthesis failed."""


class StorageError(TutorError):
    """A storage backend could not put, get or delete an object."""


class IntegrityError(StorageError):
    """Stored bytes do not match their recorded checksum."""


class MediaError(TutorError):
    """A media file could not be probed, muxed or concatenated."""


class JobCancelled(TutorError):
    """The job was cancelled."""


class InvalidSignature(TutorError):
    """A signed request (e.g. a job webhook) has a missing, malformed, wrong or stale signature."""
