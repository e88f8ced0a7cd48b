"""The result channel from a render child to its parent: one pipe, parsed with bounds.

The child writes one JSON header line, then, on success, exactly `size` bytes of
the movie. The parent opened the pipe; it never opens a file the child named, so a
child cannot make it read anything else (no symlink, FIFO or `/proc` tricks), and it
keeps at most `HEADER_LIMIT` bytes of header and `max_movie` bytes of movie.

Both sides live here; this module must not import tutor_core (the child imports it).
"""

from __future__ import annotations

import json
import os
from typing import Any

HEADER_LIMIT = 256 * 1024
"""Largest header the parent accepts (an error's message and traceback fit easily)."""


class ProtocolError(ValueError):
    """The child sent something that is not a well-formed result."""


def send_result(fd: int, doc: dict[str, Any], movie: str | None = None) -> None:
    """Child side: write the header (with the movie's size) and then the movie bytes."""
    payload = dict(doc)
    handle = None
    if movie is not None:
        handle = open(movie, "rb")  # noqa: SIM115 - closed below, after streaming
        payload["size"] = os.fstat(handle.fileno()).st_size
    try:
        _write_all(fd, json.dumps(payload).encode("utf-8") + b"\n")
        if handle is not None:
            while block := handle.read(1 << 20):
                _write_all(fd, block)
    finally:
        if handle is not None:
            handle.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class ResultParser:
    """Parent side: fed the pipe's bytes as they arrive; splits header and movie.

    Attributes:
        header: the decoded header, once complete.
        expected: the movie size the header announced.
        received: movie bytes returned by `feed` so far.
        done: True once the header and all announced movie bytes arrived.
    """

    def __init__(self, *, max_movie: int) -> None:
        self._max_movie = max_movie
        self._buffer = bytearray()
        self.header: dict[str, Any] | None = None
        self.expected = 0
        self.received = 0
        self.done = False

    def feed(self, chunk: bytes) -> bytes:
        """Take the next bytes; return the movie bytes among them.

        Raises:
            ProtocolError: the stream is malformed or over a limit.
        """
        if self.done:
            return b""  # anything after the announced movie is ignored
        if self.header is None:
            self._buffer += chunk
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > HEADER_LIMIT:
                    raise ProtocolError(f"the result header is over {HEADER_LIMIT} bytes")
                return b""
            if end > HEADER_LIMIT:
                raise ProtocolError(f"the result header is over {HEADER_LIMIT} bytes")
            self.header = _decode(bytes(self._buffer[:end]))
            size = self.header.get("size", 0) if self.header.get("ok") is True else 0
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ProtocolError("the result announces an invalid movie size")
            if size > self._max_movie:
                raise ProtocolError(
                    f"the movie is {size} bytes, over the limit of {self._max_movie}"
                )
            self.expected = size
            chunk = bytes(self._buffer[end + 1 :])
            self._buffer = bytearray()
        take = chunk[: self.expected - self.received]
        self.received += len(take)
        self.done = self.received >= self.expected
        return take

    def finish(self) -> dict[str, Any]:
        """The header after the stream ended; raise ProtocolError if it was cut short."""
        if self.header is None:
            raise ProtocolError("the render process ended without a result")
        if self.received < self.expected:
            raise ProtocolError(
                f"the movie was cut short ({self.received} of {self.expected} bytes)"
            )
        return self.header


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError("the result header is not JSON") from exc
    if not isinstance(doc, dict):
        raise ProtocolError("the result header is not a JSON object")
    return doc
