"""Where the CLI last exported each session, so `show` can say where the video is.

A small JSON file in the data directory (`<TUTOR_HOME>/exports.json`), replaced
atomically; an unreadable file is treated as empty (it is only a convenience).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

FILE = "exports.json"


def _path(home: Path) -> Path:
    return home / FILE


def load(home: Path) -> dict[str, str]:
    """Session id → absolute path of its last export."""
    try:
        data = json.loads(_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def last_export(home: Path, session_id: str) -> Path | None:
    """The last export of a session, if the file is still there."""
    found = load(home).get(session_id)
    return Path(found) if found and Path(found).is_file() else None


def record(home: Path, session_id: str, path: Path) -> None:
    """Remember `path` as the session's last export (best effort, never raises)."""
    data = load(home)
    data[session_id] = str(Path(path).resolve())
    try:
        fd, tmp = tempfile.mkstemp(dir=home, prefix=".exports-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
        os.replace(tmp, _path(home))
    except OSError:
        pass
