"""How this `tutor` was run, so hints print commands that work as printed.

After `make demo` the command is `.venv/bin/tutor` (not on PATH) with a `TUTOR_HOME`
set for the demo; a hint saying `tutor edit ...` would then fail or act on another
home. Hints are written once, in `tutor ...` form, and rewritten here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

_COMMAND = re.compile(r"`tutor(?=[ `])")


def program() -> str:
    """The program to type: `tutor` when that runs this one, else the path it was run by."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if Path(argv0).name != "tutor":
        return "tutor"  # `python -m tutor_core.cli`, tests: the installed name is the best bet
    on_path = shutil.which("tutor")
    try:
        if on_path is not None and Path(on_path).resolve() == Path(argv0).resolve():
            return "tutor"
    except OSError:
        pass
    return shlex.quote(argv0 if os.sep in argv0 else f".{os.sep}{argv0}")


def prefix() -> str:
    """What to type before the arguments: `TUTOR_HOME=... ` when set, then the program."""
    home = os.environ.get("TUTOR_HOME")
    env = f"TUTOR_HOME={shlex.quote(home)} " if home else ""
    return env + program()


def command(args: str) -> str:
    """A full command line, e.g. `command('show')` → `TUTOR_HOME=demo .venv/bin/tutor show`."""
    return f"{prefix()} {args}".rstrip()


def rewrite(text: str) -> str:
    """Rewrite every backquoted `tutor ...` command in `text` to run as this one was run."""
    return _COMMAND.sub(lambda _: "`" + prefix(), text)
