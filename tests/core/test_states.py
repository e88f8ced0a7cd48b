"""State machines: only declared transitions, clear errors, edit and retry paths exist."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core import states
from tutor_core.errors import InvalidTransition
from tutor_core.models import SceneStatus, SessionStatus

MACHINES = [(states.SESSION, SessionStatus), (states.SCENE, SceneStatus)]


@pytest.mark.parametrize(("machine", "enum"), MACHINES)
def test_every_status_is_covered_and_can_fail(machine: states.StateMachine, enum: type) -> None:  # type: ignore[type-arg]
    assert set(machine.transitions) == set(enum)
    for status in enum:
        if status.value != "error":
            assert machine.can(status, enum("error")), f"{status} cannot fail"
    # the happy path ends in ready and ready is reachable from the start
    start = next(iter(enum))
    frontier, seen = [start], {start}
    while frontier:
        for nxt in machine.allowed(frontier.pop()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(enum)


@given(data=st.data(), steps=st.integers(1, 40))
def test_random_walks_never_take_an_undeclared_step(data: st.DataObject, steps: int) -> None:
    for machine, enum in MACHINES:
        current = data.draw(st.sampled_from(list(enum)))
        for _ in range(steps):
            target = data.draw(st.sampled_from(list(enum)))
            if machine.can(current, target):
                assert machine.check(current, target) is target
                current = target
            else:
                with pytest.raises(InvalidTransition):
                    machine.check(current, target)
            assert current in machine.transitions


@given(source=st.sampled_from(list(SceneStatus)), target=st.sampled_from(list(SceneStatus)))
def test_undeclared_scene_transition_names_both_states(
    source: SceneStatus, target: SceneStatus
) -> None:
    if states.SCENE.can(source, target):
        assert states.scene_transition(source, target) is target
        return
    with pytest.raises(InvalidTransition) as info:
        states.scene_transition(source, target)
    err = info.value
    assert (err.machine, err.source, err.target) == ("scene", str(source), str(target))
    assert repr(str(source)) in str(err) and repr(str(target)) in str(err)
    assert err.hint


def test_session_invalid_transition_message() -> None:
    with pytest.raises(InvalidTransition, match="session cannot go from 'idle' to 'ready'"):
        states.session_transition(SessionStatus.IDLE, SessionStatus.READY)


def test_happy_paths_edit_retry_and_repair_exist() -> None:
    sc, se = SceneStatus, SessionStatus
    happy = [sc.QUEUED, sc.GENERATING_CODE, sc.RENDERING, sc.UPLOADING, sc.READY]
    for a, b in zip(happy, happy[1:], strict=False):
        assert states.SCENE.can(a, b)
    assert states.SCENE.can(sc.READY, sc.GENERATING_CODE)  # edit
    assert states.SCENE.can(sc.ERROR, sc.QUEUED)  # retry
    assert states.SCENE.can(sc.RENDERING, sc.GENERATING_CODE)  # repair
    session_happy = [se.IDLE, se.QUEUED, se.GENERATING, se.RENDERING, se.READY]
    for a, b in zip(session_happy, session_happy[1:], strict=False):
        assert states.SESSION.can(a, b)
    assert states.SESSION.can(se.READY, se.RENDERING)  # a scene is edited
    assert states.SESSION.can(se.ERROR, se.RENDERING)  # a scene is retried
    assert not states.SCENE.can(sc.QUEUED, sc.READY)
