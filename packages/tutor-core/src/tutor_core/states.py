"""State machines for sessions and scenes: the only place transitions are declared.

Session: idle → queued → generating → rendering → ready, any → error; a ready or
errored session goes back to rendering when a scene is edited or retried, and back to
queued when it is regenerated.

Scene: queued → generating_code → rendering → uploading → ready, any → error;
ready → generating_code on edit, and straight back (generating_code → ready) when
the edit is refused before anything is rendered; error → queued on retry. A render that fails is
repaired in place (rendering → generating_code).

A record in a *busy* status is held by a job (its `job_id` and `lease_expires_at`);
*settled* statuses (ready, error) are held by nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from tutor_core.errors import InvalidTransition
from tutor_core.models import SceneStatus, SessionStatus

S = TypeVar("S", SessionStatus, SceneStatus)


class StateMachine(Generic[S]):
    """A set of allowed transitions between the members of one status enum."""

    def __init__(self, name: str, transitions: Mapping[S, frozenset[S]]) -> None:
        self.name = name
        self.transitions: dict[S, frozenset[S]] = dict(transitions)

    def allowed(self, source: S) -> frozenset[S]:
        """Statuses reachable from `source` in one step."""
        return self.transitions.get(source, frozenset())

    def can(self, source: S, target: S) -> bool:
        return target in self.allowed(source)

    def check(self, source: S, target: S) -> S:
        """Return `target` if `source → target` is declared, else raise InvalidTransition."""
        if not self.can(source, target):
            raise InvalidTransition(self.name, str(source), str(target))
        return target


_Se = SessionStatus
SESSION = StateMachine[SessionStatus](
    "session",
    {
        _Se.IDLE: frozenset({_Se.QUEUED, _Se.ERROR}),
        _Se.QUEUED: frozenset({_Se.GENERATING, _Se.ERROR}),
        _Se.GENERATING: frozenset({_Se.RENDERING, _Se.ERROR}),
        _Se.RENDERING: frozenset({_Se.READY, _Se.ERROR}),
        _Se.READY: frozenset({_Se.RENDERING, _Se.QUEUED, _Se.ERROR}),
        _Se.ERROR: frozenset({_Se.RENDERING, _Se.QUEUED}),
    },
)

_Sc = SceneStatus
SCENE = StateMachine[SceneStatus](
    "scene",
    {
        _Sc.QUEUED: frozenset({_Sc.GENERATING_CODE, _Sc.ERROR}),
        _Sc.GENERATING_CODE: frozenset({_Sc.RENDERING, _Sc.READY, _Sc.ERROR}),
        _Sc.RENDERING: frozenset({_Sc.UPLOADING, _Sc.GENERATING_CODE, _Sc.ERROR}),
        _Sc.UPLOADING: frozenset({_Sc.READY, _Sc.ERROR}),
        _Sc.READY: frozenset({_Sc.GENERATING_CODE, _Sc.ERROR}),
        _Sc.ERROR: frozenset({_Sc.QUEUED, _Sc.GENERATING_CODE}),
    },
)


BUSY_SCENE: frozenset[SceneStatus] = frozenset(
    {_Sc.QUEUED, _Sc.GENERATING_CODE, _Sc.RENDERING, _Sc.UPLOADING}
)
"""Scene statuses in which a job holds the scene (under a lease)."""
BUSY_SESSION: frozenset[SessionStatus] = frozenset({_Se.QUEUED, _Se.GENERATING, _Se.RENDERING})
"""Session statuses in which some job is still working on the session."""
SETTLED_SCENE: frozenset[SceneStatus] = frozenset({_Sc.READY, _Sc.ERROR})
"""Scene statuses no job holds: a new job may claim the scene."""


def session_transition(source: SessionStatus, target: SessionStatus) -> SessionStatus:
    """Check a session status change."""
    return SESSION.check(source, target)


def scene_transition(source: SceneStatus, target: SceneStatus) -> SceneStatus:
    """Check a scene status change."""
    return SCENE.check(source, target)
