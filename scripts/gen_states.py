"""Write `contracts/states.json` from `tutor_core.states` (or check that it is current).

The Convex functions import the same file, so the status values and transitions of the
Python pipeline and of Convex come from one source: the Python state machines.

    python scripts/gen_states.py          # rewrite contracts/states.json
    python scripts/gen_states.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tutor_core import states
from tutor_core.models import SceneStatus, SessionStatus

PATH = Path(__file__).resolve().parents[1] / "contracts" / "states.json"


def document() -> dict[str, Any]:
    """The JSON document: each machine's statuses (in declaration order) and transitions."""

    def machine(m: states.StateMachine[Any], enum: type[SessionStatus | SceneStatus]) -> Any:
        return {
            "statuses": [s.value for s in enum],
            "transitions": {s.value: sorted(t.value for t in m.allowed(s)) for s in enum},
        }

    return {
        "description": (
            "Status values and allowed transitions of video sessions and scenes. "
            "Generated from tutor_core.states by scripts/gen_states.py; do not edit by hand."
        ),
        "session": machine(states.SESSION, SessionStatus),
        "scene": machine(states.SCENE, SceneStatus),
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PATH.read_text("utf-8") if PATH.exists() else ""
        if current != text:
            print(f"{PATH.name} is out of date: run python scripts/gen_states.py", file=sys.stderr)
            return 1
        return 0
    PATH.write_text(text, "utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
