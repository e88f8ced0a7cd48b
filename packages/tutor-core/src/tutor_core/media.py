"""Media with PyAV: probe, mux narration, concatenate chunks, write subtitles.

Every chunk that `mux` writes has the same two streams: the renderer's H.264 video
(copied, never re-encoded) and AAC-LC audio at **48 kHz mono**, exactly as long as
the video. Fixing one audio layout for every chunk is what lets `concat` join
chunks by stream copy.

The video's timestamps are rewritten too: frame *k* is shown at exactly *k*/30 s in
the time base 1/15360 (what FFmpeg's mp4 muxer picks for 30 fps), each frame lasting
512 ticks. Renderers join their own segments by seconds, so a segment whose length
is not a whole number of frames (an animation slowed by 1.5) leaves one short frame
and an average rate like 378880/12629; rewriting makes every chunk constant-rate
by construction, and `check_chunk` refuses any that is not.
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error
import numpy as np
import numpy.typing as npt

from tutor_core.errors import MediaError
from tutor_core.models import FPS, MediaInfo, SentenceTiming

__all__ = [
    "AUDIO_BIT_RATE",
    "AUDIO_CODEC",
    "AUDIO_LAYOUT",
    "AUDIO_RATE",
    "VIDEO_TIME_BASE",
    "check_chunk",
    "concat",
    "subtitle_cues",
    "make_test_video",
    "merge_webvtt",
    "mux",
    "is_faststart",
    "probe",
    "reencode_concat",
    "webvtt",
]

AUDIO_CODEC = "aac"
AUDIO_RATE = 48_000
"""Hz; every chunk's audio uses this rate so chunks concatenate by stream copy."""
AUDIO_LAYOUT = "mono"
AUDIO_BIT_RATE = 96_000
_AAC_FRAME = 1024
"""Samples per AAC-LC frame."""
VIDEO_TIME_BASE = Fraction(1, FPS * 512)
"""The video time base of every chunk (1/15360 s); one frame is 512 ticks."""
_FRAME_TICKS = int(1 / (VIDEO_TIME_BASE * FPS))
REORDER_FRAMES = 2
"""Decode timestamps of every chunk start this many frames before 0 (x264's B-frame
delay). The same delay in every chunk keeps decode order increasing across joins."""
_MP4_OPTIONS = {"movflags": "+faststart"}
"""Put the index first so browsers start playing before the whole file arrives."""

Samples = npt.NDArray[np.float32]


# ------------------------------------------------------------------------ helpers


@contextmanager
def _atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path next to `out`; rename it to `out` only on success."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=out.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp creates 0600 files; chunks are served to others, so make them readable.
        tmp.chmod(0o644)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _open_input(path: Path) -> Any:
    """Open a media file for reading, as a MediaError when it cannot be read."""
    if not Path(path).is_file():
        raise MediaError(f"media file not found: {path}", hint="check the path")
    try:
        return av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(
            f"cannot read {Path(path).name}: {exc}",
            hint="the file is not a media file PyAV understands, or it is truncated",
        ) from exc


def _video_stream(container: Any, path: Path) -> Any:
    if not container.streams.video:
        raise MediaError(
            f"{Path(path).name} has no video stream",
            hint="pass a video chunk (H.264 mp4), not an audio file",
        )
    return container.streams.video[0]


def _fps(stream: Any) -> Fraction:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate:
        raise MediaError(
            "cannot tell the frame rate of the video",
            hint="render at a constant frame rate (30 fps)",
        )
    return Fraction(rate)


# -------------------------------------------------------------------------- probe


def probe(path: Path) -> MediaInfo:
    """Describe a video file: exact frame count, fps, size, duration, codecs.

    Frames come from the stream header when the container records them, else from
    counting the video packets (one packet is one frame for H.264 in mp4).
    `duration` is the video's length, `frames / fps`.

    Raises:
        MediaError: the file is missing, unreadable or has no video.
    """
    path = Path(path)
    with _open_input(path) as container:
        video = _video_stream(container, path)
        fps = _fps(video)
        frames = int(video.frames or 0)
        if frames <= 0:
            try:
                frames = sum(
                    1 for packet in container.demux(video) if packet.size and packet.pts is not None
                )
            except av.error.FFmpegError as exc:
                raise MediaError(
                    f"cannot read the packets of {path.name}: {exc}",
                    hint="the file is truncated or corrupted; render it again",
                ) from exc
        audio = container.streams.audio[0] if container.streams.audio else None
        return MediaInfo(
            frames=frames,
            fps=float(fps),
            width=video.codec_context.width,
            height=video.codec_context.height,
            duration=float(frames / fps),
            codec=video.codec_context.name,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )


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


# ---------------------------------------------------------------------------- mux


def _read_audio(path: Path) -> Samples:
    """Decode any audio file to float32 mono samples at `AUDIO_RATE`."""
    resampler = av.AudioResampler(format="fltp", layout=AUDIO_LAYOUT, rate=AUDIO_RATE)
    blocks: list[Samples] = []
    with _open_input(path) as container:
        if not container.streams.audio:
            raise MediaError(
                f"{Path(path).name} has no audio stream",
                hint="pass the narration WAV, or None for a silent track",
            )
        try:
            for frame in container.decode(container.streams.audio[0]):
                frame.pts = None
                for out in resampler.resample(frame):
                    blocks.append(out.to_ndarray()[0].astype(np.float32, copy=False))
            for out in resampler.resample(None):
                blocks.append(out.to_ndarray()[0].astype(np.float32, copy=False))
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"cannot decode the audio {Path(path).name}: {exc}",
                hint="the narration WAV is broken; synthesize it again",
            ) from exc
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


def _fit(samples: Samples, count: int) -> Samples:
    """Trim or pad with silence to exactly `count` samples."""
    if samples.size >= count:
        return samples[:count]
    return np.concatenate([samples, np.zeros(count - samples.size, dtype=np.float32)])


def _add_audio_stream(container: Any) -> Any:
    stream = container.add_stream(AUDIO_CODEC, rate=AUDIO_RATE)
    stream.codec_context.layout = AUDIO_LAYOUT
    stream.codec_context.format = "fltp"
    stream.codec_context.bit_rate = AUDIO_BIT_RATE
    return stream


def _encode_audio(container: Any, stream: Any, samples: Samples) -> None:
    """Encode mono float samples as AAC into `stream`, then flush the encoder."""
    for start in range(0, samples.size, _AAC_FRAME):
        block = np.ascontiguousarray(samples[start : start + _AAC_FRAME].reshape(1, -1))
        frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=AUDIO_LAYOUT)
        frame.sample_rate = AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AUDIO_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def mux(video: Path, audio: Path | None, out: Path, *, duration: float | None = None) -> MediaInfo:
    """Add narration to a silent video chunk: video copied, audio encoded as AAC.

    The audio is resampled to 48 kHz mono and padded with silence or trimmed so it
    lasts exactly as long as the video; `audio=None` gives a silent track of the
    same length, so every chunk has the same streams. The output has `+faststart`.

    Args:
        video: an H.264 mp4 (the rendered chunk).
        audio: a WAV (or any audio file PyAV reads), or None for silence.
        out: where to write the mp4 (written atomically).
        duration: seconds of audio to write instead of the video's length. Leave
            it None for chunks that will be concatenated, so audio and video stay
            in sync across joins.

    Raises:
        MediaError: an input cannot be read or the output cannot be written.
    """
    video, out = Path(video), Path(out)
    info = probe(video)
    if duration is not None and duration <= 0:
        raise MediaError(f"audio duration must be positive, got {duration}", hint="pass None")
    seconds = Fraction(duration) if duration is not None else Fraction(info.frames) / _fps_of(video)
    count = round(seconds * AUDIO_RATE)
    samples = _read_audio(Path(audio)) if audio is not None else np.zeros(0, dtype=np.float32)
    samples = _fit(samples, count)
    with _atomic_output(out) as tmp:
        try:
            with (
                _open_input(video) as source,
                av.open(str(tmp), "w", format="mp4", options=_MP4_OPTIONS) as target,
            ):
                in_video = _video_stream(source, video)
                out_video = target.add_stream_from_template(in_video)
                out_video.time_base = VIDEO_TIME_BASE
                out_audio = _add_audio_stream(target)
                # the demuxer's empty end-of-stream packet has no dts
                packets = [p for p in source.demux(in_video) if p.dts is not None]
                for packet in _constant_rate(packets):
                    packet.stream = out_video
                    target.mux(packet)
                _encode_audio(target, out_audio, samples)
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"cannot mux {video.name} with narration: {exc}",
                hint="check that the chunk is a valid H.264 mp4 (tutor_core.media.probe)",
            ) from exc
    return probe(out)


def _constant_rate(packets: list[Any]) -> list[Any]:
    """Re-time video packets (decode order) to exactly FPS in VIDEO_TIME_BASE.

    The k-th frame in presentation order gets pts k * 512; decode timestamps keep
    the decode order, shifted back by REORDER_FRAMES (as x264 writes them), so
    dts <= pts holds for every packet and every chunk starts decoding alike.

    Raises:
        MediaError: the stream reorders frames deeper than REORDER_FRAMES.
    """
    order = sorted(range(len(packets)), key=lambda i: (packets[i].pts, i))
    rank = [0] * len(packets)
    for position, index in enumerate(order):
        rank[index] = position
    needed = max((i - rank[i] for i in range(len(packets))), default=0)
    if needed > REORDER_FRAMES:
        raise MediaError(
            f"the video reorders frames {needed} deep (at most {REORDER_FRAMES} can be joined)",
            hint="encode with x264's default B-frame settings",
        )
    delay = REORDER_FRAMES
    for i, packet in enumerate(packets):
        packet.time_base = VIDEO_TIME_BASE
        packet.pts = rank[i] * _FRAME_TICKS
        packet.dts = (i - delay) * _FRAME_TICKS
        packet.duration = _FRAME_TICKS
    return packets


def check_chunk(path: Path, reference: Path | None = None) -> MediaInfo:
    """Refuse a chunk that `concat` could not join by stream copy.

    Checks that the video is exactly `FPS` frames per second in `VIDEO_TIME_BASE`,
    every frame one frame long, with 48 kHz mono AAC audio; with `reference` (a
    chunk already accepted), that every codec parameter matches it too.

    Returns:
        The chunk's probe.

    Raises:
        MediaError: what differs, so the chunk is never stored.
    """
    path = Path(path)
    info = probe(path)
    problems: list[str] = []
    with _open_input(path) as container:
        video = _video_stream(container, path)
        if Fraction(video.time_base) != VIDEO_TIME_BASE:
            problems.append(f"video time base {video.time_base} != {VIDEO_TIME_BASE}")
        if _fps(video) != FPS:
            problems.append(f"fps {_fps(video)} != {FPS}")
        packets = [(p.pts, p.dts, p.duration) for p in container.demux(video) if p.pts is not None]
        if packets and packets[0][1] != -REORDER_FRAMES * _FRAME_TICKS:
            problems.append(f"decoding starts at {packets[0][1]}, not {-REORDER_FRAMES * 512}")
        times = sorted((pts, duration) for pts, _, duration in packets)
        steps = {b[0] - a[0] for a, b in itertools.pairwise(times)}
        if steps - {_FRAME_TICKS} or any(d != _FRAME_TICKS for _, d in times):
            problems.append(f"frames are not evenly {_FRAME_TICKS} ticks apart")
    with _open_input(path) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        if audio is None:
            problems.append("no audio track")
        else:
            ctx = audio.codec_context
            if (ctx.name, ctx.sample_rate, ctx.layout.nb_channels) != (AUDIO_CODEC, AUDIO_RATE, 1):
                problems.append(f"audio is {ctx.name} {ctx.sample_rate} Hz {ctx.layout.name}")
    if not problems and reference is not None:
        ours, theirs = _signature(path), _signature(Path(reference))
        problems += [
            f"{key} differs from {Path(reference).name}"
            for key, value in theirs.items()
            if ours.get(key) != value
        ]
    if problems:
        raise MediaError(
            f"{path.name} would not join the other chunks by stream copy: " + "; ".join(problems),
            hint="mux every chunk with tutor_core.media.mux (it makes them constant-rate)",
        )
    return info


def _fps_of(path: Path) -> Fraction:
    with _open_input(path) as container:
        return _fps(_video_stream(container, path))


# ------------------------------------------------------------------------- concat


def _signature(path: Path) -> dict[str, object]:
    """The codec parameters that must match for stream-copy concatenation."""
    with _open_input(path) as container:
        video = _video_stream(container, path)
        ctx = video.codec_context
        sig: dict[str, object] = {
            "video codec": ctx.name,
            "size": f"{ctx.width}x{ctx.height}",
            "fps": str(_fps(video)),
            "pixel format": ctx.pix_fmt,
            "video profile": ctx.profile,
            "video extradata": bytes(ctx.extradata or b""),
        }
        if container.streams.audio:
            actx = container.streams.audio[0].codec_context
            sig["audio"] = (
                f"{actx.name} {actx.sample_rate} Hz {actx.layout.name} "
                f"({actx.layout.nb_channels} ch)"
            )
            sig["audio extradata"] = bytes(actx.extradata or b"")
        else:
            sig["audio"] = "none"
        return sig


def _check_compatible(chunks: Sequence[Path]) -> None:
    first = _signature(chunks[0])
    for index, chunk in enumerate(chunks[1:], start=1):
        sig = _signature(chunk)
        for key, expected in first.items():
            if sig.get(key) != expected:
                shown = "differs" if "extradata" in key else f"{sig.get(key)} != {expected}"
                raise MediaError(
                    f"chunk {index} ({chunk.name}) cannot be joined by stream copy: "
                    f"{key} {shown} (chunk 0 is {chunks[0].name})",
                    hint="render every scene at the same quality and mux each with "
                    "tutor_core.media.mux, or use reencode_concat",
                )


def concat(
    chunks: Sequence[Path],
    out: Path,
    *,
    subtitles: Sequence[tuple[int, int, str]] = (),
) -> MediaInfo:
    """Join chunks end to end by stream copy (no re-encode).

    Each chunk's packets are shifted by the total video length of the chunks
    before it; audio is anchored to the same offsets, so narration never drifts
    from the picture however many chunks are joined. An AAC packet that would
    overlap the previous chunk's audio (the encoder's priming frame) is dropped.

    Args:
        chunks: mp4 files with identical codec parameters (e.g. from `mux`).
        out: the joined mp4, written atomically with `+faststart`.
        subtitles: (start ms, end ms, text) cues (see `subtitle_cues`), written as a
            mov_text track so players show them without the `.vtt` beside the file.

    Returns:
        The probe of the result; its frame count is the sum of the chunks'.

    Raises:
        MediaError: no chunks, an unreadable chunk, or one whose parameters differ
            from the first (the message names it and the difference).
    """
    chunks = [Path(c) for c in chunks]
    if not chunks:
        raise MediaError("nothing to concatenate", hint="pass at least one chunk")
    _check_compatible(chunks)
    offset = Fraction(0)  # seconds of video written so far
    with _atomic_output(Path(out)) as tmp:
        try:
            with av.open(str(tmp), "w", format="mp4", options=_MP4_OPTIONS) as target:
                out_video: Any = None
                out_audio: Any = None
                out_text: Any = None
                last_dts: dict[str, int] = {}
                for chunk in chunks:
                    with _open_input(chunk) as source:
                        in_video = _video_stream(source, chunk)
                        in_audio = source.streams.audio[0] if source.streams.audio else None
                        if out_video is None:
                            out_video = target.add_stream_from_template(in_video)
                            if in_audio is not None:
                                out_audio = target.add_stream_from_template(in_audio)
                            # Every stream must exist before the first packet is written.
                            out_text = _add_subtitle_stream(target) if subtitles else None
                        streams = [s for s in (in_video, in_audio) if s is not None]
                        end = offset
                        for packet in source.demux(streams):
                            if packet.dts is None or packet.pts is None:
                                continue
                            is_video = packet.stream.type == "video"
                            tb = packet.time_base
                            shift = round(offset / tb)
                            packet.pts += shift
                            packet.dts += shift
                            kind = "video" if is_video else "audio"
                            if kind in last_dts and packet.dts <= last_dts[kind]:
                                if is_video:
                                    raise MediaError(
                                        f"video timestamps of {chunk.name} go backwards",
                                        hint="re-render the chunk; or use reencode_concat",
                                    )
                                continue
                            last_dts[kind] = packet.dts
                            if is_video:
                                end = max(end, (packet.pts + packet.duration) * tb)
                            packet.stream = out_video if is_video else out_audio
                            target.mux(packet)
                        offset = end
                if out_text is not None:
                    _mux_subtitles(target, out_text, subtitles)
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"cannot concatenate chunks: {exc}",
                hint="check each chunk with tutor_core.media.probe, or use reencode_concat",
            ) from exc
    return probe(Path(out))


_ASS_HEADER = (
    "[Script Info]\r\nScriptType: v4.00+\r\nPlayResX: 384\r\nPlayResY: 288\r\n\r\n"
    "[V4+ Styles]\r\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
    "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\r\n"
    "Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0"
    "\r\n\r\n[Events]\r\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    "Effect, Text\r\n"
)
"""FFmpeg's mov_text encoder must be opened with an ASS header (its default style)."""


def _add_subtitle_stream(target: Any) -> Any:
    stream = target.add_stream("mov_text")
    stream.codec_context.subtitle_header = _ASS_HEADER.encode()
    stream.time_base = Fraction(1, 1000)
    stream.metadata["language"] = "eng"
    return stream


def _mux_subtitles(target: Any, stream: Any, cues: Sequence[tuple[int, int, str]]) -> None:
    """Write the mov_text samples: each is a 16-bit length and the UTF-8 text."""
    last = -1
    for start, end, text in cues:
        start = max(start, last)
        if end <= start:
            continue
        data = text.encode("utf-8")[:65535]
        packet = av.Packet(len(data).to_bytes(2, "big") + data)
        packet.stream = stream
        packet.time_base = Fraction(1, 1000)
        packet.pts = packet.dts = start
        packet.duration = end - start
        target.mux(packet)
        last = end


def reencode_concat(chunks: Sequence[Path], out: Path) -> MediaInfo:
    """Join chunks by decoding and re-encoding everything (slow; for benchmarks).

    Video is re-encoded with libx264 at the first chunk's size and frame rate;
    each chunk's audio is fitted to its video length, as in `mux`.

    Raises:
        MediaError: no chunks or an unreadable chunk.
    """
    chunks = [Path(c) for c in chunks]
    if not chunks:
        raise MediaError("nothing to concatenate", hint="pass at least one chunk")
    first = probe(chunks[0])
    fps = _fps_of(chunks[0])
    with _atomic_output(Path(out)) as tmp:
        try:
            with av.open(str(tmp), "w", format="mp4", options=_MP4_OPTIONS) as target:
                out_video = target.add_stream("libx264", rate=fps)
                out_video.width, out_video.height = first.width, first.height
                out_video.pix_fmt = "yuv420p"
                out_audio = _add_audio_stream(target)
                index = 0
                audio_parts: list[Samples] = []
                for chunk in chunks:
                    frames = 0
                    with _open_input(chunk) as source:
                        for frame in source.decode(_video_stream(source, chunk)):
                            image = frame.reformat(
                                width=first.width, height=first.height, format="yuv420p"
                            )
                            image.pts = index
                            image.time_base = Fraction(1) / fps
                            target.mux(out_video.encode(image))
                            index += 1
                            frames += 1
                        has_audio = bool(source.streams.audio)
                    count = round(Fraction(frames) / fps * AUDIO_RATE)
                    samples = _read_audio(chunk) if has_audio else np.zeros(0, np.float32)
                    audio_parts.append(_fit(samples, count))
                target.mux(out_video.encode(None))
                _encode_audio(target, out_audio, np.concatenate(audio_parts))
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"cannot re-encode chunks: {exc}",
                hint="check each chunk with tutor_core.media.probe",
            ) from exc
    return probe(Path(out))


# ----------------------------------------------------------------------- test video


def make_test_video(
    out: Path,
    seconds: float,
    *,
    size: tuple[int, int] = (854, 480),
    fps: int = 30,
    color: tuple[int, int, int] = (40, 90, 160),
) -> Path:
    """Write a small silent H.264 (yuv420p, constant frame rate) mp4.

    A white bar sweeps across a plain background so frames differ. Used by test
    fakes and tests in place of a real render.

    Args:
        out: where to write the mp4.
        seconds: length; rounded to whole frames (at least one).
        size: (width, height), both even.
        fps: frames per second.
        color: background RGB.

    Raises:
        MediaError: odd size, non-positive length or fps.
    """
    width, height = size
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise MediaError(f"video size must be positive and even, got {width}x{height}")
    if seconds <= 0 or fps <= 0:
        raise MediaError(f"seconds and fps must be positive, got {seconds} s at {fps} fps")
    frames = max(1, round(seconds * fps))
    background = np.empty((height, width, 3), dtype=np.uint8)
    background[:] = np.array(color, dtype=np.uint8)
    bar = max(2, width // 40)
    with (
        _atomic_output(Path(out)) as tmp,
        av.open(str(tmp), "w", format="mp4", options=_MP4_OPTIONS) as container,
    ):
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.options = {"preset": "veryfast", "crf": "30"}
        for index in range(frames):
            image = background.copy()
            x = (index * width) // frames
            image[:, x : x + bar] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return Path(out)


# ---------------------------------------------------------------------- subtitles

_LINE_WIDTH = 42
_LINES_PER_CUE = 2


def _timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # "&", "<" and ">" are markup in WebVTT; escaping ">" also rules out "-->".
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cues(sentences: Sequence[SentenceTiming], offset: float) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) cues of at most two ~42-character lines each.

    A long sentence is split into several cues whose durations are proportional
    to their number of characters.
    """
    cues: list[tuple[int, int, str]] = []
    for sentence in sentences:
        lines = textwrap.wrap(
            " ".join(sentence.text.split()),
            width=_LINE_WIDTH,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if not lines:
            continue
        start = round((sentence.start + offset) * 1000)
        end = max(start, round((sentence.end + offset) * 1000))
        groups = [lines[i : i + _LINES_PER_CUE] for i in range(0, len(lines), _LINES_PER_CUE)]
        if end - start < len(groups):
            # Too short to split into distinct cues: one cue (or a 1 ms one) keeps the text.
            groups = [lines]
            end = max(end, start + 1)
        weights = [sum(len(line) for line in group) for group in groups]
        total = sum(weights)
        done = 0
        cue_start = start
        for index, (group, weight) in enumerate(zip(groups, weights, strict=True)):
            done += weight
            cue_end = start + math.floor((end - start) * done / total)
            # Every cue lasts at least 1 ms and leaves at least 1 ms for each one after it.
            cue_end = min(max(cue_end, cue_start + 1), end - (len(groups) - 1 - index))
            cues.append((cue_start, cue_end, "\n".join(_escape(line) for line in group)))
            cue_start = cue_end
    return cues


def _render(cues: Sequence[tuple[int, int, str]]) -> str:
    blocks = ["WEBVTT"]
    for start, end, text in cues:
        blocks.append(f"{_timestamp(start)} --> {_timestamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def webvtt(sentences: Sequence[SentenceTiming], offset: float = 0.0) -> str:
    """WebVTT subtitles for one scene's narration.

    Args:
        sentences: timings from a narrator (seconds from the scene start).
        offset: seconds added to every time (the scene's start in a longer video).

    Returns:
        A WebVTT document with `HH:MM:SS.mmm` times, lines wrapped at about 42
        characters and at most two lines per cue.
    """
    return _render(_cues(sentences, offset))


def subtitle_cues(
    parts: Sequence[tuple[Sequence[SentenceTiming], float]],
) -> list[tuple[int, int, str]]:
    """The cues of `merge_webvtt` as plain text (for the mp4's mov_text track).

    Args:
        parts: (sentences, offset in seconds) per scene, in playback order.
    """
    cues = [cue for sentences, offset in parts for cue in _cues(sentences, offset)]
    return [(start, end, _unescape(text)) for start, end, text in cues]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def merge_webvtt(parts: Sequence[tuple[Sequence[SentenceTiming], float]]) -> str:
    """One WebVTT document for a whole video from each scene's timings and offset.

    Args:
        parts: (sentences, offset in seconds) per scene, in playback order.
    """
    cues: list[tuple[int, int, str]] = []
    for sentences, offset in parts:
        cues.extend(_cues(sentences, offset))
    return _render(cues)
