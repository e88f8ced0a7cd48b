"""Default narrators: Piper (neural, offline), espeak-ng, silent; `auto` picks the best."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _piper(settings: Settings) -> Any:
    from tutor_core.narration.piper import PiperNarrator

    return PiperNarrator(cache_dir=settings.cache_root / "audio")


def _espeak(settings: Settings) -> Any:
    from tutor_core.narration.espeak import EspeakNarrator

    return EspeakNarrator(cache_dir=settings.cache_root / "audio")


def _silent(settings: Settings) -> Any:
    from tutor_core.narration.silent import SilentNarrator

    return SilentNarrator()


def _auto(settings: Settings) -> Any:
    from tutor_core.narration import best_available

    return best_available(settings)


@hookimpl(trylast=True)
def register_narrators(register: Callable[..., None]) -> None:
    register("auto", _auto, "the best installed: piper, then espeak, then silent")
    register("piper", _piper, "Piper neural voice en_US-joe-medium (offline)")
    register("espeak", _espeak, "espeak-ng (offline)")
    register("silent", _silent, "no audio; timings from reading speed")
