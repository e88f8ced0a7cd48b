"""PyAV media: probe, mux, stream-copy concat (real encodes, tiny videos)."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from tutor_core import media
from tutor_core.errors import MediaError
from tutor_core.hashing import sha256_file
from tutor_core.models import SentenceTiming

pytestmark = pytest.mark.slow


def _tone(path: Path, seconds: float, rate: int = 22050, channels: int = 1) -> Path:
    """A 440 Hz sine WAV (16-bit) at an odd rate, so `mux` has to resample."""
    t = np.arange(round(seconds * rate)) / rate
    pcm = (0.4 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.repeat(pcm, channels).tobytes())
    return path


def _video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def _audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        blocks = [f.to_ndarray().reshape(-1) for f in container.decode(stream)]
    return np.concatenate(blocks), rate


def _decode_all_video(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for frame in container.decode(video=0) if frame.to_ndarray().size)


@pytest.fixture(scope="module")
def chunks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three muxed chunks: silent, a tone longer than the video, a short tone."""
    root = tmp_path_factory.mktemp("chunks")
    plan = [(1.0, None), (0.5, 2.0), (1.2, 0.3)]
    out: list[Path] = []
    for index, (seconds, tone) in enumerate(plan):
        video = media.make_test_video(root / f"v{index}.mp4", seconds, color=(60 * index, 90, 160))
        audio = _tone(root / f"t{index}.wav", tone) if tone else None
        out.append(root / f"c{index}.mp4")
        media.mux(video, audio, out[-1])
    return out


def test_probe_counts_frames_of_generated_video(tmp_path: Path) -> None:
    path = media.make_test_video(tmp_path / "v.mp4", 1.5, size=(320, 240), fps=24)
    info = media.probe(path)
    assert (info.frames, info.fps, info.width, info.height) == (36, 24.0, 320, 240)
    assert info.duration == pytest.approx(1.5)
    assert info.codec == "h264" and not info.has_audio and info.audio_codec is None
    assert _decode_all_video(path) == 36
    assert sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_probe_refuses_what_is_not_a_video(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 50)
    with pytest.raises(MediaError, match=r"cannot read junk\.mp4") as info:
        media.probe(junk)
    assert info.value.hint
    with pytest.raises(MediaError, match="not found"):
        media.probe(tmp_path / "missing.mp4")
    with pytest.raises(MediaError, match="no video stream"):
        media.probe(_tone(tmp_path / "t.wav", 0.2))


def test_mux_copies_video_and_fits_audio_to_it(tmp_path: Path) -> None:
    video = media.make_test_video(tmp_path / "v.mp4", 1.0)
    for name, audio in [("long", _tone(tmp_path / "t.wav", 1.7, channels=2)), ("none", None)]:
        out = media.mux(video, audio, tmp_path / f"{name}.mp4")
        info = media.probe(tmp_path / f"{name}.mp4")
        assert info == out
        assert info.frames == 30 and info.has_audio and info.audio_codec == "aac"
        assert _video_packets(tmp_path / f"{name}.mp4") == _video_packets(video)  # no re-encode
        samples, rate = _audio(tmp_path / f"{name}.mp4")
        assert rate == media.AUDIO_RATE
        # The decoder rounds up to whole AAC frames (1024 samples).
        assert samples.size / rate == pytest.approx(1.0, abs=1024 / rate)
        loud = np.abs(samples).max()
        assert loud > 0.2 if name == "long" else loud < 1e-3
        data = (tmp_path / f"{name}.mp4").read_bytes()
        assert data.find(b"moov") < data.find(b"mdat")  # +faststart


def test_mux_pads_short_audio_and_honours_duration(tmp_path: Path) -> None:
    video = media.make_test_video(tmp_path / "v.mp4", 1.0)
    media.mux(video, _tone(tmp_path / "t.wav", 0.25), tmp_path / "short.mp4")
    samples, rate = _audio(tmp_path / "short.mp4")
    assert samples.size / rate == pytest.approx(1.0, abs=1024 / rate)
    loud = np.flatnonzero(np.abs(samples) > 0.05)
    assert loud[-1] / rate == pytest.approx(0.25, abs=0.03)  # silence after the tone

    media.mux(video, None, tmp_path / "half.mp4", duration=0.5)
    with av.open(str(tmp_path / "half.mp4")) as container:
        stream = container.streams.audio[0]
        assert float(stream.duration * stream.time_base) == pytest.approx(0.5)
    with pytest.raises(MediaError, match="positive"):
        media.mux(video, None, tmp_path / "bad.mp4", duration=0)


def test_concat_stream_copies_and_keeps_sync(chunks: list[Path], tmp_path: Path) -> None:
    infos = [media.probe(c) for c in chunks]
    out = tmp_path / "all.mp4"
    info = media.concat(chunks, out)
    assert info.frames == sum(i.frames for i in infos) == 81
    assert info.duration == pytest.approx(sum(i.duration for i in infos))
    assert info.has_audio and info.audio_codec == "aac"
    assert _decode_all_video(out) == 81
    # Stream copy: the joined video packets are exactly the chunks' packets.
    assert _video_packets(out) == [p for c in chunks for p in _video_packets(c)]
    samples, rate = _audio(out)
    assert samples.size / rate == pytest.approx(info.duration, abs=2048 / rate)
    # Chunk 0 is silent; chunk 1's tone fills exactly its 0.5 s starting at 1.0 s;
    # chunk 2's 0.3 s tone starts at 1.5 s. Audio stays on the video's timeline.
    loud = np.abs(samples) > 0.05
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    assert onsets[0] / rate == pytest.approx(1.0, abs=0.03)
    assert np.flatnonzero(loud[int(1.0 * rate) : int(1.6 * rate)]).size > 0.4 * rate
    assert not loud[int(1.85 * rate) :].any()
    assert not loud[: int(0.97 * rate)].any()
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")


def test_concat_names_the_chunk_that_differs(chunks: list[Path], tmp_path: Path) -> None:
    other = media.make_test_video(tmp_path / "small.mp4", 0.5, size=(640, 360))
    media.mux(other, None, tmp_path / "small-muxed.mp4")
    with pytest.raises(MediaError, match=r"chunk 2 \(small-muxed\.mp4\).*size 640x360") as info:
        media.concat([chunks[0], chunks[1], tmp_path / "small-muxed.mp4"], tmp_path / "x.mp4")
    assert "reencode_concat" in str(info.value)
    silent_only = media.make_test_video(tmp_path / "raw.mp4", 0.5)  # no audio track
    with pytest.raises(MediaError, match=r"chunk 1 \(raw\.mp4\).*audio"):
        media.concat([chunks[0], silent_only], tmp_path / "y.mp4")
    with pytest.raises(MediaError, match="nothing"):
        media.concat([], tmp_path / "z.mp4")
    assert not (tmp_path / "x.mp4").exists() and not (tmp_path / "y.mp4").exists()


def test_reencode_concat_matches_frame_count(chunks: list[Path], tmp_path: Path) -> None:
    info = media.reencode_concat(chunks, tmp_path / "re.mp4")
    assert info.frames == 81 and info.has_audio
    assert _decode_all_video(tmp_path / "re.mp4") == 81
    samples, rate = _audio(tmp_path / "re.mp4")
    assert samples.size / rate == pytest.approx(2.7, abs=2048 / rate)


def test_make_test_video_refuses_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="even"):
        media.make_test_video(tmp_path / "odd.mp4", 1.0, size=(101, 100))
    with pytest.raises(MediaError, match="positive"):
        media.make_test_video(tmp_path / "zero.mp4", 0.0)


def test_concat_writes_the_subtitles_as_a_mov_text_track(
    chunks: list[Path], tmp_path: Path
) -> None:
    parts = [
        ([SentenceTiming(text="Two sides <a> & b.", start=0.1, end=0.9)], 0.0),
        ([SentenceTiming(text="The hypotenuse is é-long.", start=0.0, end=0.4)], 1.0),
    ]
    cues = media.subtitle_cues(parts)
    joined = tmp_path / "subtitled.mp4"
    media.concat(chunks, joined, subtitles=cues)
    with av.open(str(joined)) as container:
        text = container.streams.subtitles[0]
        assert text.codec_context.name == "mov_text"
        samples = [
            (int(p.pts * p.time_base * 1000), bytes(p)[2:].decode())
            for p in container.demux(text)
            if p.size > 2
        ]
    assert samples == [(100, "Two sides <a> & b."), (1000, "The hypotenuse is é-long.")]
    assert media.probe(joined).frames == sum(media.probe(c).frames for c in chunks)
    assert "&amp;" in media.merge_webvtt(parts), "the .vtt keeps its own escaping"
