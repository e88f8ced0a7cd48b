"""The OS boundary holds against hostile scene code, with the lint layers off and on.

Every attack of `hostile_corpus` runs in three modes:

- `off`: code policy and runtime guard both off; only the boundary stands (bubblewrap,
  the per-render cgroup, pipes to the parent);
- `guard`: the runtime guard on, the policy off (batched attacks only);
- `on`: as in production: the policy checks the code first; what it accepts runs with
  the guard on.

Each test fails if its attack succeeds: a secret marker in the error text, the log or
the video (bytes or the colour of the attack's cell in the decoded frame), a change
on the host (files, processes, sockets, signals), a process left behind, or a limit
exceeded as measured from the host.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import av
import pytest

from tests.render_manim.hostile_corpus import (
    ALL,
    ATTACKS,
    CAPABILITY,
    SOLO,
    VICTIM_RENDER,
    Attack,
    Evidence,
    batch_script,
    cell_centre,
    scene_form,
    solo_script,
)
from tutor_render_manim.boundary import boundary_status
from tutor_render_manim.policy import check_code
from tutor_render_manim.sandbox import MIB, SandboxLimits, SandboxRun, run_sandboxed

pytestmark = pytest.mark.slow

TIME_LIMIT = 120.0


def launch(
    code: str, out: Path, *, guard: bool, time_limit: float = TIME_LIMIT,
    limits: SandboxLimits | None = None,
) -> SandboxRun:  # fmt: skip
    """Run code in the sandbox under test (the OS boundary is required)."""

    async def go() -> SandboxRun:
        return await run_sandboxed(
            code, out_path=out, guard=guard, boundary=True, time_limit=time_limit, limits=limits
        )

    return anyio.run(go)


# ------------------------------------------------------------------ the host side


class _Listener:
    """A loopback TCP/UDP/unix listener that counts what reaches it (bounded loop)."""

    def __init__(self, family: int, kind: int, address: Any) -> None:
        self.sock = socket.socket(family, kind)
        self.sock.bind(address)
        if kind == socket.SOCK_STREAM:
            self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.hits = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for _ in range(20_000):  # bounded: at most ~70 minutes
            if self.stop.is_set():
                return
            try:
                if self.sock.type == socket.SOCK_STREAM:
                    conn, _ = self.sock.accept()
                    conn.close()
                else:
                    self.sock.recvfrom(64)
            except OSError:
                continue
            self.hits += 1

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def _pids_with(token: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _leftovers(token: str) -> list[int]:
    """Processes with `token` in their command line, after a bounded wait for them to go."""
    for _ in range(50):
        left = _pids_with(token.encode())
        if not left:
            return []
        time.sleep(0.1)
    return left


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        kids = [p for p, pp in parents.items() if pp == pid]
        found += kids
        todo += kids
    return found


def _status_field(pid: int, name: str) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


class Monitor:
    """Samples the host every 20 ms while a render runs and keeps the peak of `measure`."""

    def __init__(self, measure: Callable[[], int]) -> None:
        self.measure = measure
        self.peak = 0
        self.host_could_spawn: bool | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for i in range(30_000):  # bounded: at most ~10 minutes
            if self.stop.is_set():
                return
            value = self.measure()
            self.peak = max(self.peak, value)
            if value and self.host_could_spawn is None and i > 5:
                # While the render is at its worst the host can still start processes.
                proc = subprocess.run(["true"], check=False, timeout=30)
                self.host_could_spawn = proc.returncode == 0
            time.sleep(0.02)

    def __enter__(self) -> Monitor:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


@dataclass
class Host:
    """Everything the attacks aim at, and what they would change."""

    root: Path
    constants: dict[str, Any]
    markers: dict[str, str]
    hostname: str
    tcp: _Listener
    tcp6: _Listener | None
    udp: _Listener
    unix: _Listener
    abstract: _Listener
    victims: dict[str, subprocess.Popen[bytes]]
    signals: list[int]
    parent_environ: list[str]
    cleanup: list[Path] = field(default_factory=list)
    memory_secret: str = ""
    evidence: dict[str, Evidence] = field(default_factory=dict)

    @property
    def c(self) -> dict[str, Any]:
        return self.constants


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    status = boundary_status()
    assert status.enforced, f"these tests need the OS boundary: {status.bwrap.detail}"
    assert status.cgroups.pids and status.cgroups.memory, status.cgroups.detail
    token = secrets.token_hex(4)

    def marker(kind: str) -> str:
        return f"TUTORSECRET{token}-{kind}"

    root = tmp_path_factory.mktemp("hostile")
    secret_dir = root / "secrets"
    secret_dir.mkdir(mode=0o700)
    markers = {k: marker(k) for k in ("file", "json", "png", "tmp", "home", "env", "venv",
                                      "proc", "mem", "other")}  # fmt: skip
    secret_file = secret_dir / "secret.txt"
    secret_file.write_text(f"api_key = {markers['file']}\n")
    secret_json = secret_dir / "secret.json"
    secret_json.write_text(f'{{"ok": false, "kind": "exception", "message": "{markers["json"]}"}}')
    secret_png = secret_dir / "secret.png"
    from PIL import Image

    png = Image.new("RGB", (len(markers["png"]), 1))
    for i, byte in enumerate(markers["png"].encode()):
        png.putpixel((i, 0), (byte, 0, 0))
    png.save(secret_png)
    tmp_secret = Path("/tmp") / f"tutor-secret-{token}"
    tmp_secret.write_text(markers["tmp"])
    home_secret = Path("/root") / f".tutor-secret-{token}"
    home_secret.write_text(markers["home"])
    host_dir = root / "host-dir"
    host_dir.mkdir()
    existing = host_dir / "existing.txt"
    existing.write_text("ORIGINAL")
    existing.chmod(0o644)
    (host_dir / "delete-me.txt").write_text("keep")
    (host_dir / "rename-me.txt").write_text("keep")
    site_packages = next(p for p in sys.path if p.endswith("site-packages") and sys.prefix in p)
    import tutor_render_manim

    src_dir = str(Path(tutor_render_manim.__file__).parent.parent)
    from tutor_core.settings import Settings

    cache_dir = str(Settings().cache_root / "renders")

    # The parent holds the secret open, keeps one in memory and in its environment.
    parent_fd = os.open(secret_file, os.O_RDONLY)
    memory_secret = marker("mem")
    saved_env = {k: os.environ.get(k) for k in ("TUTOR_TEST_SECRET", "AWS_SECRET_ACCESS_KEY")}
    os.environ["TUTOR_TEST_SECRET"] = markers["env"]
    os.environ["AWS_SECRET_ACCESS_KEY"] = markers["env"]
    signals: list[int] = []
    previous = signal.signal(signal.SIGUSR2, lambda signum, frame: signals.append(signum))

    tcp = _Listener(socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", 0))
    tcp6 = None
    with contextlib.suppress(OSError):
        tcp6 = _Listener(socket.AF_INET6, socket.SOCK_STREAM, ("::1", 0))
    udp = _Listener(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 0))
    unix_path = root / "tutor.sock"
    unix = _Listener(socket.AF_UNIX, socket.SOCK_STREAM, str(unix_path))
    abstract_name = f"tutor-hostile-{token}"
    abstract = _Listener(socket.AF_UNIX, socket.SOCK_STREAM, "\0" + abstract_name)

    victim_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VICTIM_SECRET": markers["venv"]}
    victim = [sys.executable, "-c", "import time\ntime.sleep(3600)\n"]
    victims = {
        "kill": subprocess.Popen([*victim, f"victim-kill-{token}"], env=victim_env),
        "scan": subprocess.Popen(
            [*victim, f"victim-scan-{token}", markers["proc"]], env=victim_env
        ),
    }
    parent_environ = [
        e for e in Path("/proc/self/environ").read_text(errors="replace").split("\0") if len(e) > 12
    ]

    names = {
        "pth_name": f"tutor_pwned_{token}.pth",
        "remount_pth_name": f"tutor_pwned_remount_{token}.pth",
        "src_name": f"tutor_pwned_{token}.py",
        "home_pwn_name": f".tutor-pwned-{token}",
        "etc_pwn_name": f"tutor-pwned-{token}",
        "tmp_pwn_name": f"tutor-pwned-{token}",
        "shm_pwn_name": f"tutor-pwned-{token}",
        "vartmp_pwn_name": f"tutor-pwned-{token}",
        "cache_pwn_name": f"tutor-pwned-{token}",
        "cwd_pwn_name": f"tutor-pwned-{token}",
        "cgroup_pwn_name": f"tutor-pwned-{token}",
    }
    constants: dict[str, Any] = {
        **names,
        "secret_file": str(secret_file),
        "secret_json": str(secret_json),
        "secret_png": str(secret_png),
        "host_dir": str(host_dir),
        "existing": str(existing),
        "existing_del": str(host_dir / "delete-me.txt"),
        "existing_ren": str(host_dir / "rename-me.txt"),
        "site_packages": site_packages,
        "src_dir": src_dir,
        "cache_dir": cache_dir,
        "parent_pid": os.getpid(),
        "parent_secret_fd": parent_fd,
        "secret_from_parent_cwd": os.path.relpath(secret_file, os.getcwd()),
        "victim_kill_pid": victims["kill"].pid,
        "victim_scan_token": f"victim-scan-{token}",
        "tcp_port": tcp.sock.getsockname()[1],
        "tcp6_port": tcp6.sock.getsockname()[1] if tcp6 else 9,
        "udp_port": udp.sock.getsockname()[1],
        "unix_path": str(unix_path),
        "abstract_name": abstract_name,
        "sleep_setsid": f"3171.{int(token, 16) % 9973}",
        "sleep_pgrp": f"3172.{int(token, 16) % 9973}",
        "sleep_timeout": f"3173.{int(token, 16) % 9973}",
        "sleep_bomb": f"3174.{int(token, 16) % 9973}",
        "memory_token": f"tutor-memory-{token}",
        "bomb_count": 300,
        "memory_procs": 4,
        "memory_each": 400 * MIB,
        "disk_files": 8,
        "disk_file_mib": 16,
        "scan_seconds": 8,
        "victim_seconds": 6,
        "other_secret_hex": markers["other"].encode().hex(),
        "markers_hex": [m.encode().hex() for m in markers.values()],
        "cols": 10,
        "rows": 8,
    }
    cleanup = [
        Path(site_packages) / names["pth_name"], Path(site_packages) / names["remount_pth_name"],
        Path(src_dir) / names["src_name"], Path("/root") / names["home_pwn_name"],
        Path("/etc") / names["etc_pwn_name"], Path("/tmp") / names["tmp_pwn_name"],
        Path("/dev/shm") / names["shm_pwn_name"], Path("/var/tmp") / names["vartmp_pwn_name"],
        Path(cache_dir) / names["cache_pwn_name"], Path.cwd() / names["cwd_pwn_name"],
        tmp_secret, home_secret,
    ]  # fmt: skip
    made = Host(
        root=root, constants=constants, markers=markers, hostname=socket.gethostname(),
        tcp=tcp, tcp6=tcp6, udp=udp, unix=unix, abstract=abstract, victims=victims,
        signals=signals, parent_environ=parent_environ, cleanup=cleanup,
        memory_secret=memory_secret,
    )  # fmt: skip
    try:
        yield made
    finally:
        for victim in victims.values():
            victim.kill()
            victim.wait(10)
        for listener in (tcp, tcp6, udp, unix, abstract):
            if listener is not None:
                listener.close()
        signal.signal(signal.SIGUSR2, previous)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.close(parent_fd)
        for path in cleanup:
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(OSError):
            os.rmdir(f"/sys/fs/cgroup/pids/{names['cgroup_pwn_name']}")
        for token_key in ("sleep_setsid", "sleep_pgrp", "sleep_timeout", "sleep_bomb"):
            for pid in _pids_with(str(constants[token_key]).encode()):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ evidence


def _texts(run: SandboxRun) -> list[str]:
    texts = [run.stderr_tail]
    if run.error is not None:
        texts += [run.error.message, run.error.traceback or "", run.error.hint or ""]
    return texts


def _last_frame(path: Path) -> Any:
    with av.open(str(path)) as box:
        frame = None
        for frame in box.decode(video=0):  # noqa: B007 - keep the last one
            pass
        assert frame is not None, "the video has no frames"
        return frame.to_ndarray(format="rgb24")


def _collect(run: SandboxRun, evidence: Evidence) -> None:
    evidence.texts += _texts(run)
    if run.outcome is not None:
        data = run.outcome.path.read_bytes()
        evidence.videos.append(data)
        if data[4:8] == b"ftyp":
            evidence.frame = _last_frame(run.outcome.path)


def batch(host: Host, mode: str) -> Evidence:
    """Run every batched attack in `mode` once per module (two renders), cached."""
    key = f"batch-{mode}"
    if key in host.evidence:
        return host.evidence[key]
    evidence = Evidence()
    attacks = ATTACKS
    if mode == "on":
        for attack in ATTACKS:
            problems = check_code(scene_form(attack))
            if problems:
                evidence.refused[attack.name] = [p.code for p in problems]
        attacks = [x for x in ATTACKS if x.name not in evidence.refused]
    evidence.extra["names"] = [x.name for x in attacks]
    if attacks:
        out = host.root / f"batch-{mode}"
        for channel in ("error", "frames"):
            code = batch_script(attacks, host.c, channel)
            run = launch(code, out / f"{channel}.mp4", guard=mode != "off")
            _collect(run, evidence)
            if channel == "error":
                assert run.error is not None and "ATTACK RESULTS" in run.error.message, (
                    f"the error-channel run did not report: {run.error}\n{run.stderr_tail[-3000:]}"
                )
            else:
                assert run.outcome is not None, (
                    f"the frame-channel run made no video: {run.error}\n{run.stderr_tail[-3000:]}"
                )
    host.evidence[key] = evidence
    return evidence


def _leaks(host: Host, evidence: Evidence, attack: Attack) -> list[str]:
    """Secrets (and capability reports) a user could see, as far as `attack` is concerned.

    In a batch, each attack reports on lines that start with its name; those lines and
    every line no attack claims (tracebacks, library output) count for it.
    """
    names = evidence.extra.get("names", [])
    others = [n for n in names if n != attack.name]
    lines = [
        line
        for text in evidence.texts
        for line in text.splitlines()
        if not any(line.startswith(n + " ") for n in others)
    ]
    text = "\n".join(lines)
    blobs = [text.encode(), *evidence.videos]
    found = [m for m in [*host.markers.values(), CAPABILITY] if any(m.encode() in b for b in blobs)]
    found += [f"parent env {e[:20]}..." for e in host.parent_environ if e in text]
    return found


def _cell(evidence: Evidence, name: str) -> tuple[int, int, int]:
    frame = evidence.frame
    index = evidence.extra["names"].index(name)
    x, y = cell_centre(index, frame.shape[1], frame.shape[0])
    r, g, b = (int(v) for v in frame[y, x])
    return r, g, b


def _missing(path: str | Path) -> str | None:
    return f"{path} was created on the host" if os.path.lexists(path) else None


def _host_checks(host: Host) -> dict[str, Callable[[], str | None]]:
    c = host.c

    def unchanged() -> str | None:
        existing = Path(c["existing"])
        if existing.read_text() != "ORIGINAL":
            return f"{existing} was changed: {existing.read_text()[:40]!r}"
        return None

    def alive(which: str) -> Callable[[], str | None]:
        return lambda: None if host.victims[which].poll() is None else f"the {which} victim died"

    def hits(listener: _Listener | None, what: str) -> Callable[[], str | None]:
        def check() -> str | None:
            return (
                f"{listener.hits} {what} reached the host" if listener and listener.hits else None
            )

        return check

    def gone(key: str) -> Callable[[], str | None]:
        def check() -> str | None:
            left = _leftovers(str(c[key]))
            return f"processes left behind: {left}" if left else None

        return check

    return {
        "write-host-dir": lambda: _missing(Path(c["host_dir"]) / "pwned-write"),
        "append-host-file": unchanged,
        "truncate-host-file": unchanged,
        "os-open-create-host": lambda: _missing(Path(c["host_dir"]) / "pwned-osopen"),
        "write-venv-pth": lambda: _missing(Path(c["site_packages"]) / c["pth_name"]),
        "write-workspace-src": lambda: _missing(Path(c["src_dir"]) / c["src_name"]),
        "write-root-home": lambda: _missing(Path("/root") / c["home_pwn_name"]),
        "write-etc": lambda: _missing(Path("/etc") / c["etc_pwn_name"]),
        "write-host-tmp": lambda: _missing(Path("/tmp") / c["tmp_pwn_name"]),
        "write-dev-shm": lambda: _missing(Path("/dev/shm") / c["shm_pwn_name"]),
        "write-var-tmp": lambda: _missing(Path("/var/tmp") / c["vartmp_pwn_name"]),
        "poison-render-cache": lambda: _missing(Path(c["cache_dir"]) / c["cache_pwn_name"]),
        "chmod-host-file": lambda: (
            None
            if stat.S_IMODE(os.stat(c["existing"]).st_mode) == 0o644
            else "the host file's mode changed"
        ),
        "delete-host-file": lambda: None if Path(c["existing_del"]).exists() else "deleted",
        "rename-host-file": lambda: None if Path(c["existing_ren"]).exists() else "renamed",
        "symlink-into-host-dir": lambda: _missing(Path(c["host_dir"]) / "pwned-link"),
        "remount-rw-then-write": lambda: _missing(Path(c["site_packages"]) / c["remount_pth_name"]),
        "write-through-proc-root": lambda: _missing(Path(c["host_dir"]) / "pwned-procroot"),
        "write-through-parent-cwd": lambda: _missing(Path.cwd() / c["cwd_pwn_name"]),
        "mkdir-host-cgroup": lambda: _missing(f"/sys/fs/cgroup/pids/{c['cgroup_pwn_name']}"),
        "sethostname": lambda: (
            None if socket.gethostname() == host.hostname else "the host name changed"
        ),
        "tcp-loopback": hits(host.tcp, "TCP connections"),
        "tcp-ipv6-loopback": hits(host.tcp6, "TCP connections"),
        "udp-loopback": hits(host.udp, "UDP datagrams"),
        "unix-socket-path": hits(host.unix, "unix socket connections"),
        "unix-socket-abstract": hits(host.abstract, "abstract socket connections"),
        "kill-host-process": alive("kill"),
        "kill-host-process-by-scan": alive("scan"),
        "signal-parent": lambda: f"the parent got {host.signals}" if host.signals else None,
        "leftover-after-exit-setsid": gone("sleep_setsid"),
        "leftover-after-exit-pgrp": gone("sleep_pgrp"),
    }


def _problems(host: Host, attack: Attack, evidence: Evidence) -> list[str]:
    found = [f"leaked {m}" for m in _leaks(host, evidence, attack)]
    check = _host_checks(host).get(attack.name)
    if check is not None and (problem := check()):
        found.append(problem)
    return found


# ------------------------------------------------------------------ the corpus


def test_corpus_covers_every_class() -> None:
    assert len(ALL) >= 60
    assert len({x.name for x in ALL}) == len(ALL)
    classes = {x.cls for x in ALL}
    assert classes >= {
        "host file write", "secret file read", "env read", "TCP", "unix socket",
        "leftover process", "other renders' directories", "disk fill", "process count",
        "memory", "symlink tricks on the parent", "policy bypass",
    }  # fmt: skip


@pytest.mark.parametrize("mode", ["off", "guard", "on"])
@pytest.mark.parametrize("attack", ATTACKS, ids=[x.name for x in ATTACKS])
def test_batched_attack_is_contained(host: Host, attack: Attack, mode: str) -> None:
    evidence = batch(host, mode)
    if attack.name in evidence.refused:
        assert evidence.refused[attack.name], "refused without a reason"
    else:
        assert evidence.frame is not None
        r, g, b = _cell(evidence, attack.name)
        assert g > 150 and r < 100, f"the attack's cell is not green: {(r, g, b)}"
    assert _problems(host, attack, evidence) == []


SOLO_BY_NAME = {x.name: x for x in SOLO}


def _policy_refuses(attack: Attack) -> bool:
    return bool(check_code(scene_form(attack)))


def _solo(host: Host, attack: Attack, mode: str, run: Callable[[bool], Evidence]) -> Evidence:
    """Run a solo scenario once per (attack, mode); mode 'on' only if the policy accepts it."""
    key = f"solo-{attack.name}-{mode}"
    if key not in host.evidence:
        if mode == "on" and _policy_refuses(attack):
            codes = [p.code for p in check_code(scene_form(attack))]
            host.evidence[key] = Evidence(refused={attack.name: codes})
        else:
            host.evidence[key] = run(mode != "off")
    return host.evidence[key]


MODES = ["off", "on"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["timeout-infinite-loop", "leftover-after-timeout"])
def test_timeout_leaves_nothing_running(host: Host, name: str, mode: str) -> None:
    attack = SOLO_BY_NAME[name]

    def go(guard: bool) -> Evidence:
        evidence = Evidence()
        code = solo_script(attack, host.c)
        run = launch(code, host.root / f"{name}-{mode}.mp4", guard=guard, time_limit=8)
        _collect(run, evidence)
        evidence.extra["timed_out"] = run.timed_out
        evidence.extra["kind"] = run.error.kind if run.error else None
        return evidence

    evidence = _solo(host, attack, mode, go)
    if not evidence.refused:
        assert evidence.extra["timed_out"] and evidence.extra["kind"] == "timeout"
    assert _leftovers(str(host.c["sleep_timeout"])) == []
    assert _problems(host, attack, evidence) == []


def _new_processes(before: set[int]) -> list[int]:
    """This process's descendants that were not there before (the render's, here)."""
    return [p for p in _descendants(os.getpid()) if p not in before]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["fork-bomb", "thread-bomb"])
def test_process_bombs_stop_at_the_cap(host: Host, name: str, mode: str) -> None:
    attack = SOLO_BY_NAME[name]
    cap = 64

    def go(guard: bool) -> Evidence:
        evidence = Evidence()
        code = solo_script(attack, host.c)

        # Other tests' services (Redis, S3...) may be children of this process too.
        before = set(_descendants(os.getpid()))

        def tasks() -> int:
            return sum(_status_field(p, "Threads") for p in _new_processes(before))

        with Monitor(tasks) as seen:
            out = host.root / f"{name}-{mode}.mp4"
            run = launch(code, out, guard=guard, limits=SandboxLimits(pids=cap))
        _collect(run, evidence)
        evidence.extra["peak"] = seen.peak
        evidence.extra["spawn"] = seen.host_could_spawn
        return evidence

    evidence = _solo(host, attack, mode, go)
    if not evidence.refused:
        # Every task of the render counts: the launcher, bwrap, its init, the child...
        assert 0 < evidence.extra["peak"] <= cap, evidence.extra
        assert evidence.extra["spawn"] is not False, "the host could not start a process"
        assert "FORKED" in evidence.all_text() or "THREADS" in evidence.all_text()
    assert _leftovers(str(host.c["sleep_bomb"])) == []
    assert _problems(host, attack, evidence) == []


@pytest.mark.parametrize("mode", MODES)
def test_memory_of_all_processes_is_capped(host: Host, mode: str) -> None:
    attack = SOLO_BY_NAME["memory-many-processes"]
    cap = 768 * MIB
    token = host.c["memory_token"].encode()

    def rss() -> int:
        return 1024 * sum(_status_field(p, "VmRSS") for p in _pids_with(token))

    def go(guard: bool) -> Evidence:
        evidence = Evidence()
        code = solo_script(attack, host.c)
        limits = SandboxLimits(memory=cap, address_space=2 * 1024 * MIB)
        with Monitor(rss) as seen:
            run = launch(code, host.root / f"memory-{mode}.mp4", guard=guard, limits=limits)
        _collect(run, evidence)
        evidence.extra["peak"] = seen.peak
        return evidence

    evidence = _solo(host, attack, mode, go)
    if not evidence.refused:
        # 4 x 400 MiB asked for; RSS counts shared library pages once per process.
        assert 0 < evidence.extra["peak"] <= cap + 96 * MIB, evidence.extra
    assert _leftovers(host.c["memory_token"]) == []
    assert _problems(host, attack, evidence) == []


@pytest.mark.parametrize("mode", MODES)
def test_total_disk_is_capped(host: Host, mode: str) -> None:
    attack = SOLO_BY_NAME["disk-fill-many-files"]
    cap = 64 * MIB

    def go(guard: bool) -> Evidence:
        evidence = Evidence()
        code = solo_script(attack, host.c)
        limits = SandboxLimits(disk=cap, file_size=32 * MIB)
        run = launch(code, host.root / f"disk-{mode}.mp4", guard=guard, limits=limits)
        _collect(run, evidence)
        return evidence

    evidence = _solo(host, attack, mode, go)
    if not evidence.refused:
        text = evidence.all_text()
        assert "WROTE " in text, text[-2000:]
        wrote = int(text.split("WROTE ", 1)[1].split()[0].strip("'\"."))
        asked = host.c["disk_files"] * host.c["disk_file_mib"] * MIB
        assert wrote <= cap < asked, f"wrote {wrote} bytes with a cap of {cap}"
    assert _problems(host, attack, evidence) == []


def _two_renders(host: Host, guard: bool) -> Evidence:
    evidence = Evidence()
    victim_code = VICTIM_RENDER.replace("__CONSTANTS__", repr(__import__("json").dumps(host.c)))
    attacker = solo_script(SOLO_BY_NAME["other-render-read"], host.c)
    runs: dict[str, SandboxRun] = {}

    async def go() -> None:
        async def one(name: str, code: str, delay: float) -> None:
            await anyio.sleep(delay)
            runs[name] = await run_sandboxed(
                code, out_path=host.root / f"two-{name}-{guard}.mp4", guard=guard,
                boundary=True, time_limit=TIME_LIMIT,
            )  # fmt: skip

        async with anyio.create_task_group() as tg:
            tg.start_soon(one, "victim", victim_code, 0.0)
            tg.start_soon(one, "attacker", attacker, 1.0)

    anyio.run(go)
    _collect(runs["attacker"], evidence)
    victim = runs["victim"]
    assert victim.outcome is not None, f"the victim render failed: {victim.error}"
    evidence.extra["victim_frame"] = _last_frame(victim.outcome.path)
    evidence.extra["attacker"] = runs["attacker"].error
    return evidence


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["other-render-read", "other-render-tamper"])
def test_other_renders_are_out_of_reach(host: Host, name: str, mode: str) -> None:
    attack = SOLO_BY_NAME[name]
    key = f"solo-two-renders-{mode}"
    if key not in host.evidence:
        host.evidence[key] = _solo(host, attack, mode, lambda guard: _two_renders(host, guard))
    evidence = host.evidence[key]
    if not evidence.refused:
        attacker = evidence.extra["attacker"]
        assert attacker is not None and "FOUND" in attacker.message, attacker
        frame = evidence.extra["victim_frame"]
        r, g, b = (int(v) for v in frame[frame.shape[0] // 2, frame.shape[1] // 2])
        assert b > 150 and r < 100, f"the victim saw its files changed: {(r, g, b)}"
    assert _problems(host, attack, evidence) == []


SYMLINK_TRICKS = [
    "symlink-logs-to-parent-environ",
    "symlink-logs-to-parent-fd",
    "symlink-logs-through-proc-self-cwd",
    "symlink-result-to-secret",
    "hardlink-movie-to-secret",
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SYMLINK_TRICKS)
def test_parent_never_follows_the_childs_files(host: Host, name: str, mode: str) -> None:
    attack = SOLO_BY_NAME[name]

    def go(guard: bool) -> Evidence:
        evidence = Evidence()
        run = launch(solo_script(attack, host.c), host.root / f"{name}-{mode}.mp4", guard=guard)
        _collect(run, evidence)
        evidence.extra["error"] = run.error
        return evidence

    evidence = _solo(host, attack, mode, go)
    if not evidence.refused:
        assert evidence.extra["error"] is not None, "the trick produced a 'successful' render"
    assert _problems(host, attack, evidence) == []


def test_boundary_status_reports_what_is_in_force() -> None:
    status = boundary_status()
    assert status.enforced
    layers = " ".join(status.layers())
    assert "bubblewrap" in layers and "process cap" in layers and "memory cap" in layers
    assert status.missing() == []


def test_every_solo_attack_has_a_test() -> None:
    tested = {
        "timeout-infinite-loop", "leftover-after-timeout", "fork-bomb", "thread-bomb",
        "memory-many-processes", "disk-fill-many-files", "other-render-read",
        "other-render-tamper", *SYMLINK_TRICKS,
    }  # fmt: skip
    assert tested == set(SOLO_BY_NAME)
