"""Probe a rendered chunk with PyAV and hash it (no decoding: packets are counted)."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import av

from tutor_core.errors import MediaError
from tutor_core.models import MediaInfo


def probe_video(path: Path) -> MediaInfo:
    """Frames, frame rate, size, duration and codec of a video file.

    Frames are counted from the packets of the video stream (one per frame for
    H.264 in mp4), so the count is exact and cheap; duration is frames / fps.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(
                    f"{path.name} has no video stream",
                    hint="render the scene again; the output is not a video",
                )
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.base_rate or Fraction(30)
            frames = sum(1 for p in container.demux(stream) if p.size > 0)
            audio = container.streams.audio[0] if container.streams.audio else None
            fps = float(rate)
            return MediaInfo(
                frames=frames,
                fps=fps,
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                duration=frames / fps if fps else 0.0,
                codec=stream.codec_context.name,
                has_audio=audio is not None,
                audio_codec=audio.codec_context.name if audio is not None else None,
            )
    except av.error.FFmpegError as exc:
        raise MediaError(
            f"cannot read {path.name}: {exc}",
            hint="the file is not a valid video; render the scene again",
        ) from exc


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_faststart(path: Path) -> bool:
    """True when the mp4 index (`moov`) comes before the media data (`mdat`)."""
    with path.open("rb") as fh:
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return False
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = int.from_bytes(fh.read(8), "big") - 8
            elif size < 8:
                return False
            fh.seek(size - 8, 1)
