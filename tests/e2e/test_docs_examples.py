"""The Python examples in the README and the pipeline guide run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "docs" / "pipeline.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_examples_run(doc: Path, tmp_path: Path, tutor_home: Path) -> None:
    blocks = python_blocks(doc)
    assert blocks, f"{doc.name} has a runnable example"
    for n, code in enumerate(blocks):
        script = tmp_path / f"example_{n}.py"
        script.write_text(code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env={**os.environ, "TUTOR_HOME": str(tutor_home)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{doc.name} example {n}:\n{done.stderr[-3000:]}"
        assert list(tmp_path.glob("*.mp4")), "the example wrote its video"
