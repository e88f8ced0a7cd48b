# ruff: noqa: E501
"""Hostile scene code against the lint layers and the fallback isolation.

The first part feeds a corpus of attacks to the static policy. The second part runs
attacks *past* the policy to show what the runtime guard and the fallback layers
(used where bubblewrap cannot run) each hold on their own. The OS boundary itself is
tested with both lint layers off in `test_hostile_boundary.py`.
"""

from __future__ import annotations

import json
import socket
import textwrap
import threading
from pathlib import Path

import anyio
import pytest

from tutor_render_manim.policy import check_code
from tutor_render_manim.sandbox import MIB, SandboxLimits, run_sandboxed
from tutor_render_manim.unshare import filesystem_isolation_available, network_isolation_available

HEAD = "from manim import *\n"


def scene(body: str, head: str = HEAD) -> str:
    """Wrap statements into the construct() of a one-scene file."""
    return (
        head
        + "class Attack(Scene):\n    def construct(self):\n"
        + textwrap.indent(textwrap.dedent(body).strip() + "\n", " " * 8)
    )


# (id, code, problem codes of which at least one must be reported)
CORPUS: list[tuple[str, str, set[str]]] = [
    ("read-etc-passwd", scene("t = open('/etc/passwd').read()"), {"forbidden-call"}),
    ("write-outside", scene("open('/tmp/pwned', 'w').write('x')"), {"forbidden-call"}),
    ("import-os", scene("os.system('id')", head=HEAD + "import os\n"), {"forbidden-import"}),
    ("from-os", scene("system('id')", head=HEAD + "from os import system\n"), {"forbidden-import"}),
    ("import-sys", scene("sys.modules['os'].system('id')", head=HEAD + "import sys\n"), {"forbidden-import"}),
    ("subprocess", scene("subprocess.run(['id'])", head=HEAD + "import subprocess\n"), {"forbidden-import"}),
    ("socket", scene("socket.socket().connect(('127.0.0.1', 80))", head=HEAD + "import socket\n"), {"forbidden-import"}),
    ("dunder-import", scene("__import__('os').system('id')"), {"dunder-access"}),
    ("importlib", scene("importlib.import_module('os')", head=HEAD + "import importlib\n"), {"forbidden-import"}),
    ("builtins-module", scene("builtins.open('/etc/passwd')", head=HEAD + "import builtins\n"), {"forbidden-import"}),
    ("getattr-builtins", scene("getattr(__builtins__, 'open')('/etc/passwd')"), {"dunder-access"}),
    ("getattr-dynamic", scene("getattr(self, '_' + '_class__')"), {"dynamic-attribute"}),
    ("getattr-dunder-literal", scene("getattr(self, '__class__')"), {"dunder-access"}),
    ("getattr-as-value", scene("g = getattr\ng(self, 'x')"), {"dynamic-attribute"}),
    ("setattr-config", scene("setattr(config, 'media_dir', '/tmp')"), {"config-write"}),
    ("delattr-dynamic", scene("delattr(self, name)"), {"dynamic-attribute"}),
    ("sys-modules-via-name", scene("sys.modules['os']"), {"forbidden-name"}),
    ("subclasses-walk", scene("().__class__.__base__.__subclasses__()"), {"dunder-access"}),
    ("mro-walk", scene("x = type(self).mro()"), {"forbidden-attribute"}),
    ("globals", scene("globals()['__builtins__']"), {"forbidden-call"}),
    ("locals", scene("locals()"), {"forbidden-call"}),
    ("vars", scene("vars(self)"), {"forbidden-call"}),
    ("eval", scene("eval('1+1')"), {"forbidden-call"}),
    ("exec", scene("exec('import os')"), {"forbidden-call"}),
    ("compile", scene("compile('x', 'f', 'exec')"), {"forbidden-call"}),
    ("lambda-default-open", scene("f = lambda o=open: o('/etc/passwd')"), {"forbidden-call"}),
    ("type-3-args", scene("T = type('T', (object,), {'x': 1})"), {"dynamic-class"}),
    ("decorator-exec", "from manim import *\n@exec\nclass Attack(Scene): pass\n", {"forbidden-call"}),
    ("fstring-dunder", scene("t = f'{self.__class__}'"), {"dunder-access"}),
    ("format-string-field", scene("t = '{0.__class__.__mro__}'.format(self)"), {"dunder-access"}),
    ("format-map", scene("t = '{x}'.format_map(d)"), {"forbidden-attribute"}),
    ("pickle", scene("pickle.loads(b'')", head=HEAD + "import pickle\n"), {"forbidden-import"}),
    ("ctypes", scene("ctypes.CDLL(None).system(b'id')", head=HEAD + "import ctypes\n"), {"forbidden-import"}),
    ("np-load", scene("a = np.load('/etc/passwd')", head=HEAD + "import numpy as np\n"), {"forbidden-attribute"}),
    ("np-save", scene("np.save('/tmp/x.npy', [1])", head=HEAD + "import numpy as np\n"), {"forbidden-attribute"}),
    ("np-fromfile", scene("np.fromfile('/etc/passwd')", head=HEAD + "import numpy as np\n"), {"forbidden-attribute"}),
    ("np-tofile", scene("np.zeros(3).tofile('/tmp/x')", head=HEAD + "import numpy as np\n"), {"forbidden-attribute"}),
    ("np-ctypeslib", scene("np.ctypeslib.load_library('libc', '/lib')", head=HEAD + "import numpy as np\n"), {"forbidden-attribute"}),
    ("np-ctypeslib-import", scene("pass", head=HEAD + "import numpy.ctypeslib\n"), {"forbidden-import"}),
    ("np-star", scene("fromfile('/etc/passwd')", head=HEAD + "from numpy import *\n"), {"forbidden-import"}),
    ("manim-file-ops", scene("open_file('/etc/passwd')"), {"forbidden-name"}),
    ("manim-file-ops-module", scene("manim.utils.file_ops.open_file('x')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("manim-file-ops-import", scene("pass", head=HEAD + "from manim.utils import file_ops\n"), {"forbidden-import"}),
    ("manim-commands", scene("capture(['id'])"), {"forbidden-name"}),
    ("add-sound", scene("self.add_sound('/etc/passwd')"), {"forbidden-attribute"}),
    ("config-media-dir", scene("config.media_dir = '/'"), {"config-write"}),
    ("svg-file", scene("SVGMobject('/etc/passwd')"), {"forbidden-name"}),
    ("image-file", scene("ImageMobject('secret.png')"), {"forbidden-name"}),
    ("code-file", scene("Code(code_file='/etc/passwd')"), {"file-access"}),
    ("random-os", scene("random._os.system('id')", head=HEAD + "import random\n"), {"dunder-access"}),
    ("typing-get-type-hints", scene("typing.get_type_hints(f)", head=HEAD + "import typing\n"), {"forbidden-attribute"}),
    ("frame-globals", scene("g = (x for x in [1]).gi_frame.f_globals"), {"forbidden-attribute"}),
    ("os-environ-attr", scene("t = x.environ"), {"forbidden-attribute"}),
    ("relative-import", scene("pass", head=HEAD + "from . import secrets\n"), {"forbidden-import"}),
    ("unknown-module", scene("pass", head=HEAD + "import requests\n"), {"forbidden-import"}),
    ("metaclass", "from manim import *\nclass Attack(Scene, metaclass=M): pass\n", {"dynamic-class"}),
    ("dunder-def", "from manim import *\nclass Attack(Scene):\n    def __getattr__(self, n): pass\n", {"dunder-access"}),
    ("breakpoint", scene("breakpoint()"), {"forbidden-call"}),
    ("input", scene("input()"), {"forbidden-call"}),
    ("unicode-eval", scene("\uff45val('1')"), {"forbidden-call"}),
    ("tempconfig", scene("with tempconfig({'media_dir': '/'}): pass"), {"forbidden-name"}),
    ("renderer-internals", scene("self.renderer.file_writer"), {"forbidden-attribute"}),
    ("private-attr", scene("self._original_skipping_status = 1"), {"dunder-access"}),
    ("gc-objects", scene("gc.get_objects()", head=HEAD + "import gc\n"), {"forbidden-import"}),
    ("inspect", scene("inspect.currentframe()", head=HEAD + "import inspect\n"), {"forbidden-import"}),
    ("operator-attrgetter", scene("operator.attrgetter('__class__')(self)", head=HEAD + "import operator\n"), {"forbidden-import"}),
    # re-exports in allowed modules: a builtins alias, operator's getter factories
    ("enum-bltns-eval", scene("enum.bltns.eval('1')", head=HEAD + "import enum\n"), {"forbidden-attribute"}),
    ("typing-operator", scene("typing.operator.attrgetter('__class__')(self)", head=HEAD + "import typing\n"), {"forbidden-attribute"}),
    ("fractions-operator", scene("f = fractions.operator.methodcaller('mro')", head=HEAD + "import fractions\n"), {"forbidden-attribute"}),
    ("manim-op-alias", scene("manim.mobject.mobject.op.attrgetter('__class__')(self)", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("attrgetter-name", scene("g = attrgetter('x')", head=HEAD + "from typing import *\n"), {"forbidden-name"}),
    ("json-codecs-open", scene("manim.utils.hashing.json.codecs.open('/etc/passwd')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("closure-cell", scene("x = self.construct.cell_contents"), {"forbidden-attribute"}),
    # C libraries reachable through Manim's modules open files without audit events
    ("manim-av-open", scene("manim.scene.video_segment_encoder.av.open('/etc/passwd')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("manim-cairo-png", scene("manim.camera.camera.cairo.ImageSurface.create_from_png('/x.png')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("manim-pil-open", scene("manim.camera.camera.Image.open('/x.png')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("manimpango-font", scene("manim.mobject.text.text_mobject.manimpango.register_font('/x')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("register-font", scene("with register_font('/etc/passwd'):\n    pass"), {"forbidden-name"}),
    ("networkx-read", scene("manim.mobject.graph.nx.read_edgelist('/etc/passwd')", head=HEAD + "import manim\n"), {"forbidden-attribute"}),
    ("any-open-attribute", scene("f = self.open('/etc/passwd')"), {"forbidden-attribute"}),
    # TeX engines other than latex: Lua and XeTeX read files past kpathsea's checks
    ("tex-compiler-keyword", scene("config.tex_template = TexTemplate(tex_compiler='lualatex')"), {"forbidden-tex"}),
    ("tex-output-format", scene("t = TexTemplate(output_format='.pdf')"), {"forbidden-tex"}),
    ("tex-compiler-attribute", scene("t = TexTemplate()\nt.tex_compiler = 'lualatex'"), {"forbidden-attribute"}),
    ("tex-template-library", scene("config.tex_template = TexTemplateLibrary.ctex"), {"forbidden-name"}),
    ("manim-plugins", scene("x = plugins"), {"forbidden-name"}),
]  # fmt: skip


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 80
    assert len({c[0] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("name", "code", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_policy_refuses(name: str, code: str, expected: set[str]) -> None:
    problems = check_code(code)
    found = {p.code for p in problems}
    assert found & expected, f"{name}: expected one of {expected}, got {problems}"
    for p in problems:
        assert p.line is not None or p.code in {"no-scene", "many-scenes"}
        assert len(p.message) > 20  # says what is wrong, and what to do


# ------------------------------------------------------------- past the policy


def sandbox(code: str, tmp_path: Path, **kwargs: object) -> object:
    out = tmp_path / "out.mp4"

    async def go() -> object:
        return await run_sandboxed(code, out_path=out, **kwargs)  # type: ignore[arg-type]

    return anyio.run(go)


GUARD_PROBE = r"""
import os, json, sys
from manim import *
SECRET_FILE = {secret!r}
OUTSIDE = {outside!r}
PORT = {port}
report = {{}}
def attempt(name, fn):
    try:
        fn()
        report[name] = "ALLOWED"
    except BaseException as exc:
        report[name] = "blocked:" + type(exc).__name__

attempt("read-secret", lambda: open(SECRET_FILE).read())
attempt("write-outside", lambda: open(OUTSIDE, "w").write("pwned"))
attempt("os-open-write", lambda: os.open(OUTSIDE, os.O_WRONLY | os.O_CREAT))
attempt("system", lambda: os.system("touch " + OUTSIDE))
attempt("popen", lambda: __import__("subprocess").run(["touch", OUTSIDE]))
attempt("fork", lambda: os.fork())
attempt("socket", lambda: __import__("socket").create_connection(("127.0.0.1", PORT), 2))
attempt("ctypes", lambda: __import__("ctypes").CDLL(None))
attempt("remove-outside", lambda: os.remove(SECRET_FILE))
attempt("listdir-outside", lambda: os.listdir(os.path.dirname(SECRET_FILE)))
attempt("np-save", lambda: __import__("numpy").save(OUTSIDE, [1]))
attempt("np-load", lambda: __import__("numpy").load(SECRET_FILE))
NP_DIR = os.path.dirname(__import__("numpy").__file__)
attempt("np-ctypeslib", lambda: __import__("numpy.ctypeslib").ctypeslib.load_library("__init__.py", NP_DIR))
attempt("manim-open-file", lambda: __import__("manim").utils.file_ops.open_file(SECRET_FILE))
attempt("kill-parent", lambda: os.kill(os.getppid(), 0))
attempt("setrlimit", lambda: __import__("resource").setrlimit(0, (-1, -1)))
def raw_spawn():
    r, w = os.pipe()
    args = [[b"/usr/bin/touch", OUTSIDE.encode()], [b"/usr/bin/touch"], True, (), None, None,
            -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, -1, -1, None, False]
    __import__("_posixsubprocess").fork_exec(*args)
attempt("posixsubprocess", raw_spawn)
raise RuntimeError("REPORT" + json.dumps(report))
"""


def _listener() -> tuple[socket.socket, list[object], threading.Thread]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    hits: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        for _ in range(600):  # bounded: at most ~120 s
            if stop.is_set():
                return
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            hits.append(conn)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    thread.stop = stop  # type: ignore[attr-defined]
    return server, hits, thread


@pytest.mark.slow
def test_runtime_guard_blocks_everything(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    outside = tmp_path / "pwned.txt"
    server, hits, thread = _listener()
    try:
        code = GUARD_PROBE.format(
            secret=str(secret), outside=str(outside), port=server.getsockname()[1]
        )
        # no boundary, no namespaces: the guard alone must stop everything
        run = sandbox(
            code, tmp_path, time_limit=120, boundary=False, isolate_network=False,
            isolate_filesystem=False,
        )  # fmt: skip
    finally:
        thread.stop.set()  # type: ignore[attr-defined]
        thread.join()
        server.close()
    error = run.error  # type: ignore[attr-defined]
    assert error is not None and "REPORT" in error.message, error
    report = json.loads(error.message.split("REPORT", 1)[1])
    allowed = {k: v for k, v in report.items() if v != "blocked:GuardViolation"}
    assert allowed == {}, f"the guard let these through: {allowed}"
    assert len(report) == 17
    assert not outside.exists()
    assert secret.read_text() == "TOP-SECRET-FILE-CONTENT"
    assert hits == []
    assert "TOP-SECRET" not in json.dumps(error.model_dump())
    assert str(tmp_path) not in (error.traceback or "").replace(str(secret), "")


FS_PROBE = r"""
import os, json
SECRET_FILE = {secret!r}
OUTSIDE = {outside!r}
report = {{}}
def attempt(name, fn):
    try:
        fn()
        report[name] = "ALLOWED"
    except OSError as exc:
        report[name] = "blocked:" + (os.strerror(exc.errno) if exc.errno else str(exc))
attempt("write-outside", lambda: open(OUTSIDE, "w").write("pwned"))
attempt("remove-secret", lambda: os.remove(SECRET_FILE))
attempt("append-secret", lambda: open(SECRET_FILE, "a").write("pwned"))
attempt("write-home", lambda: open(os.path.expanduser("~root/.tutor-pwned"), "w").write("x"))
attempt("write-work", lambda: open("inside.txt", "w").write("fine"))
# Remounting writable is refused: the mounts are locked by a nested user namespace.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for target in (os.path.dirname(OUTSIDE), "/"):
    libc.mount(None, target.encode(), None, 32 | 4096, None)  # MS_REMOUNT | MS_BIND
attempt("write-after-remount", lambda: open(OUTSIDE, "w").write("pwned"))
os.system("touch " + OUTSIDE)
raise RuntimeError("REPORT" + json.dumps(report))
"""


@pytest.mark.slow
def test_fallback_read_only_file_system_without_guard(tmp_path: Path) -> None:
    assert filesystem_isolation_available(), "this machine supports mount namespaces"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    outside = tmp_path / "pwned.txt"
    code = FS_PROBE.format(secret=str(secret), outside=str(outside))
    # Policy and guard both off, no bubblewrap: only the locked read-only mounts stand.
    run = sandbox(
        code, tmp_path, time_limit=120, guard=False, boundary=False, isolate_network=False,
        isolate_filesystem=True,
    )  # fmt: skip
    error = run.error  # type: ignore[attr-defined]
    assert error is not None and "REPORT" in error.message, error
    report = json.loads(error.message.split("REPORT", 1)[1])
    assert report.pop("write-work") == "ALLOWED", "the work directory stays writable"
    assert report == dict.fromkeys(report, "blocked:Read-only file system"), report
    assert not outside.exists()
    assert secret.read_text() == "TOP-SECRET-FILE-CONTENT"
    assert not Path("~root/.tutor-pwned").expanduser().exists()


@pytest.mark.slow
def test_fallback_network_namespace_without_guard(tmp_path: Path) -> None:
    if not network_isolation_available():
        pytest.skip(reason="unshare --user --net does not work on this machine")
    server, hits, thread = _listener()
    try:
        code = (
            "import socket\n"
            f"socket.create_connection(('127.0.0.1', {server.getsockname()[1]}), 3)\n"
        )
        run = sandbox(
            code, tmp_path, time_limit=60, guard=False, boundary=False, isolate_network=True
        )
    finally:
        thread.stop.set()  # type: ignore[attr-defined]
        thread.join()
        server.close()
    error = run.error  # type: ignore[attr-defined]
    assert error is not None
    assert error.exception_type in {"ConnectionRefusedError", "OSError", "TimeoutError"}
    assert hits == []


@pytest.mark.slow
def test_env_secrets_not_visible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "AKIA-VERY-SECRET-1234")
    monkeypatch.setenv("TUTOR_API_TOKEN", "tutor-token-5678")
    code = "import os\nraise RuntimeError(repr(dict(os.environ)))\n"
    run = sandbox(code, tmp_path, time_limit=60, guard=False)
    error = run.error  # type: ignore[attr-defined]
    assert error is not None and "HOME" in error.message
    assert "AKIA-VERY-SECRET" not in error.message
    assert "tutor-token" not in error.message
    assert "TUTOR_" not in error.message and "AWS_" not in error.message


@pytest.mark.slow
def test_infinite_loop_is_killed(tmp_path: Path) -> None:
    code = scene("while True:\n    pass")
    run = sandbox(code, tmp_path, time_limit=2.5)
    error = run.error  # type: ignore[attr-defined]
    assert run.timed_out  # type: ignore[attr-defined]
    assert error is not None and error.kind == "timeout"
    assert "longer than 2.5 s" in error.message


@pytest.mark.slow
def test_memory_bomb_is_contained(tmp_path: Path) -> None:
    code = "blocks = []\nwhile True:\n    blocks.append(bytearray(256 * 1024 * 1024))\n"
    limits = SandboxLimits(address_space=2 * 1024 * MIB)
    run = sandbox(code, tmp_path, time_limit=60, limits=limits)
    error = run.error  # type: ignore[attr-defined]
    assert error is not None
    assert error.kind in {"resource-limit", "crash"}, error
    assert run.outcome is None  # type: ignore[attr-defined]


@pytest.mark.slow
def test_huge_file_is_capped(tmp_path: Path) -> None:
    # Inside the work dir the guard allows writes; RLIMIT_FSIZE stops the file.
    code = (
        "with open('big.bin', 'wb') as fh:\n"
        "    for _ in range(64):\n"
        "        fh.write(b'x' * (1024 * 1024))\n"
    )
    run = sandbox(code, tmp_path, time_limit=60, limits=SandboxLimits(file_size=4 * MIB))
    error = run.error  # type: ignore[attr-defined]
    assert error is not None and error.kind == "resource-limit", error
    assert "File too large" in error.message


@pytest.mark.slow
def test_fork_bomb_is_contained(tmp_path: Path) -> None:
    marker = tmp_path / "forked"
    code = (
        "import os\n"
        "for _ in range(50):\n"
        "    pid = os.fork()\n"
        f"    if pid == 0:\n        open({str(marker)!r}, 'a').write('x')\n"
    )
    run = sandbox(code, tmp_path, time_limit=60)
    error = run.error  # type: ignore[attr-defined]
    assert error is not None and error.kind == "policy"
    assert "os.fork" in error.message
    assert not marker.exists()
