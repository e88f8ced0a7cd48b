"""espeak-ng narration: robotic but tiny and everywhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import ClassVar

from tutor_core.errors import NarrationError
from tutor_core.narration.base import CachedNarrator

__all__ = ["EspeakNarrator"]

_BINARY = "espeak-ng"
_INSTALL_HINT = "install it: `apt-get install espeak-ng` (or use the `silent` narrator)"


class EspeakNarrator(CachedNarrator):
    """Speaks with `espeak-ng -v en-us -s 165` (22.05 kHz mono)."""

    name: str = "espeak"
    voice_id: ClassVar[str] = "espeak:en-us:165"
    timeout: ClassVar[float] = 60.0
    """Seconds one sentence may take before the process is killed."""

    def __init__(self, cache_dir: Path) -> None:
        """Find the `espeak-ng` binary.

        Raises:
            NarrationError: `espeak-ng` is not on PATH.
        """
        binary = shutil.which(_BINARY)
        if binary is None:
            raise NarrationError("espeak-ng is not installed (not on PATH)", hint=_INSTALL_HINT)
        self.binary = binary
        super().__init__(cache_dir)

    @classmethod
    def is_available(cls) -> bool:
        """True when `espeak-ng` is on PATH."""
        return shutil.which(_BINARY) is not None

    def _speak(self, sentence: str, wav: Path) -> None:
        # Text goes through stdin so a sentence starting with "-" is never an option.
        command = [self.binary, "-v", "en-us", "-s", "165", "-w", str(wav), "--stdin"]
        try:
            result = subprocess.run(
                command,
                input=" ".join(sentence.split()),
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise NarrationError(
                f"espeak-ng took more than {self.timeout:.0f} s for one sentence",
                hint="shorten the sentence, or check that espeak-ng runs: `espeak-ng hello`",
            ) from exc
        except OSError as exc:
            raise NarrationError(f"cannot run espeak-ng: {exc}", hint=_INSTALL_HINT) from exc
        if result.returncode != 0:
            raise NarrationError(
                f"espeak-ng failed (exit {result.returncode}): {result.stderr.strip()[:300]}",
                hint="check that the en-us voice is installed: `espeak-ng --voices=en`",
            )
