"""Storage keys: the seed's versioned layout, and validation so no key escapes a root."""

from __future__ import annotations

import re

from tutor_core.errors import InvalidInput

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
MAX_KEY_LENGTH = 1024


def validate_key(key: str) -> str:
    """Return `key` if it is a safe relative object key, else raise InvalidInput.

    A key is `/`-separated segments of letters, digits, `.`, `_` and `-`, none of them
    starting with `.` (so no `..`), no empty segment, not absolute, no NUL or backslash.
    """
    if not isinstance(key, str) or not key:
        raise InvalidInput("empty storage key", hint="keys look like projects/p1/sessions/s1/...")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"storage key longer than {MAX_KEY_LENGTH} characters")
    if "\x00" in key or "\\" in key:
        raise InvalidInput(f"storage key {key!r} contains a NUL byte or a backslash")
    if key.startswith("/"):
        raise InvalidInput(f"storage key {key!r} is absolute; keys are relative")
    for segment in key.split("/"):
        if not _SEGMENT.match(segment):
            raise InvalidInput(
                f"storage key {key!r} has a bad segment {segment!r}",
                hint="segments use letters, digits, '.', '_' and '-', and do not start with '.'",
            )
    return key


def scene_prefix(project_id: str, session_id: str, index: int) -> str:
    return validate_key(f"projects/{project_id}/sessions/{session_id}/scenes/{index}")


def chunk_key(project_id: str, session_id: str, index: int, version: int) -> str:
    """`projects/{p}/sessions/{s}/scenes/{i}/v{n}.mp4` (chunks bucket)."""
    return f"{scene_prefix(project_id, session_id, index)}/v{version}.mp4"


def source_key(project_id: str, session_id: str, index: int, version: int) -> str:
    """`.../v{n}.py`: the Manim code that was rendered (sources bucket)."""
    return f"{scene_prefix(project_id, session_id, index)}/v{version}.py"


def spec_key(project_id: str, session_id: str, index: int, version: int) -> str:
    """`.../v{n}.json`: the scene source document and narration (sources bucket)."""
    return f"{scene_prefix(project_id, session_id, index)}/v{version}.json"


def subtitles_key(project_id: str, session_id: str, index: int, version: int) -> str:
    """`.../v{n}.vtt`: WebVTT subtitles of the narration (chunks bucket)."""
    return f"{scene_prefix(project_id, session_id, index)}/v{version}.vtt"
