# ruff: noqa: E501
"""Hostile scene code for the boundary tests: attacks, the batch harness, host evidence.

Every attack is the body of a function that tries one thing an adversary would try
from inside a render and returns what it got (a read attack returns the data it
read; a capability probe returns `GOT(...)` only if the kernel let it through).
Attacks that need a render of their own (timeouts, fork bombs, memory, disk, two
renders at once, tricks on the parent's files) are `solo`.

Batches run all non-solo attacks in one render, twice: once raising an error that
carries everything the attacks got (the error-text channel), once drawing one cell
per attack into the video, red when the attack got a secret (the frame channel);
both print what they got to stderr (the log channel). A test then looks for every
secret marker in the error text, the log tail and the video bytes, checks its cell's
colour in the decoded frame, and checks the host for the attack's side effect.

Secrets never appear literally in the scene code: the harness gets them hex-encoded,
so a traceback line cannot carry one by accident.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

COLS = 10
ROWS = 8
CAPABILITY = "CAPA" + "BILITY"


@dataclass(frozen=True)
class Attack:
    """One hostile case.

    Attributes:
        name: test id.
        cls: the issue's class of attack (for the report).
        body: statements of a function; `C` holds the constants (paths, ports...).
        solo: needs a render (or two) of its own; `body` is then a whole script.
    """

    name: str
    cls: str
    body: str
    solo: bool = False


def a(name: str, cls: str, body: str, *, solo: bool = False) -> Attack:
    return Attack(name, cls, textwrap.dedent(body).strip("\n"), solo)


OTHER_RENDER = """
        import glob, os, time
        found = {}
        deadline = time.monotonic() + C["scan_seconds"]
        mine = os.path.realpath(os.getcwd())
        while not found and time.monotonic() < deadline:
            places = glob.glob("/tmp/tutor-render-*") + glob.glob("/tmp/*/tutor-render-*")
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    places += [f"/proc/{pid}/cwd", f"/proc/{pid}/root/tmp/render"]
            for place in places:
                try:
                    if os.path.realpath(place) == mine or "victim-data.txt" not in os.listdir(place):
                        continue
                    found[place] = open(place + "/victim-secret.txt").read()
                    open(place + "/victim-data.txt", "w").write("TAMPERED")
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"FOUND {len(found)}: {found}")
"""
"""Looks for another render's work directory (by path, through /proc) to read and change it."""

VICTIM_RENDER = """
import json, time
C = json.loads(__CONSTANTS__)
open("victim-secret.txt", "w").write(bytes.fromhex(C["other_secret_hex"]).decode())
open("victim-data.txt", "w").write("ORIGINAL")
time.sleep(C["victim_seconds"])
INTACT = open("victim-data.txt").read() == "ORIGINAL"
from manim import *

class Victim(Scene):
    def construct(self):
        colour = "#0000ff" if INTACT else "#ff0000"
        self.add(Rectangle(width=20, height=12, stroke_width=0, fill_color=colour, fill_opacity=1))
        self.wait(0.1)
"""
"""An ordinary render whose files the other one goes after: blue when they stayed intact."""

# fmt: off
ATTACKS: list[Attack] = [
    # ---------------------------------------------------------------- host writes
    a("write-host-dir", "host file write", """
        open(C["host_dir"] + "/pwned-write", "w").write("pwned")
        return "wrote"
    """),
    a("append-host-file", "host file write", """
        with open(C["existing"], "a") as fh:
            fh.write("PWNED")
        return "appended"
    """),
    a("truncate-host-file", "host file write", """
        import os
        os.truncate(C["existing"], 0)
        return "truncated"
    """),
    a("os-open-create-host", "host file write", """
        import os
        fd = os.open(C["host_dir"] + "/pwned-osopen", os.O_CREAT | os.O_WRONLY, 0o644)
        os.write(fd, b"pwned")
        return "created"
    """),
    a("write-venv-pth", "host file write", """
        # a .pth file runs in every later Python process of this venv
        open(C["site_packages"] + "/" + C["pth_name"], "w").write("# pwned\\n")
        return "wrote"
    """),
    a("write-workspace-src", "host file write", """
        open(C["src_dir"] + "/" + C["src_name"], "w").write("PWNED = 1\\n")
        return "wrote"
    """),
    a("write-root-home", "host file write", """
        open("/root/" + C["home_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("write-etc", "host file write", """
        open("/etc/" + C["etc_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("write-host-tmp", "host file write", """
        open("/tmp/" + C["tmp_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("write-dev-shm", "host file write", """
        open("/dev/shm/" + C["shm_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("write-var-tmp", "host file write", """
        open("/var/tmp/" + C["vartmp_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("poison-render-cache", "host file write", """
        import os
        os.makedirs(C["cache_dir"], exist_ok=True)
        open(C["cache_dir"] + "/" + C["cache_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("chmod-host-file", "host file write", """
        import os
        os.chmod(C["existing"], 0o777)
        return "chmod"
    """),
    a("delete-host-file", "host file write", """
        import os
        os.remove(C["existing_del"])
        return "deleted"
    """),
    a("rename-host-file", "host file write", """
        import os
        os.rename(C["existing_ren"], C["existing_ren"] + ".moved")
        return "renamed"
    """),
    a("symlink-into-host-dir", "host file write", """
        import os
        os.symlink("/etc/passwd", C["host_dir"] + "/pwned-link")
        return "linked"
    """),
    a("remount-rw-then-write", "host file write", """
        import ctypes, os, subprocess
        libc = ctypes.CDLL(None, use_errno=True)
        MS_REMOUNT, MS_BIND = 32, 4096
        for target in (C["site_packages"], C["host_dir"], "/"):
            libc.mount(None, target.encode(), None, MS_REMOUNT | MS_BIND, None)
            subprocess.run(["mount", "-o", "remount,rw", target], capture_output=True)
        open(C["site_packages"] + "/" + C["remount_pth_name"], "w").write("# pwned\\n")
        return "wrote"
    """),
    a("write-through-proc-root", "host file write", """
        import os
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    open(f"/proc/{pid}/root" + C["host_dir"] + "/pwned-procroot", "w").write("x")
                    return "wrote"
                except OSError:
                    pass
        raise PermissionError("no /proc/<pid>/root reaches the host directory")
    """),
    a("write-through-parent-cwd", "host file write", """
        open(f"/proc/{C['parent_pid']}/cwd/" + C["cwd_pwn_name"], "w").write("pwned")
        return "wrote"
    """),
    a("mkdir-host-cgroup", "host file write", """
        import os
        os.mkdir("/sys/fs/cgroup/pids/" + C["cgroup_pwn_name"])
        return "made"
    """),
    a("escape-own-cgroup", "process count", """
        import os
        with open("/sys/fs/cgroup/pids/cgroup.procs", "w") as fh:
            fh.write(str(os.getpid()))
        return GOT("left the render's cgroup")
    """),
    a("sethostname", "host file write", """
        import socket
        socket.sethostname("pwned-host")
        return GOT("renamed the host")
    """),
    # ---------------------------------------------------------------- secret reads
    a("read-secret-open", "secret file read", """
        return open(C["secret_file"]).read()
    """),
    a("read-secret-os-read", "secret file read", """
        import os
        fd = os.open(C["secret_file"], os.O_RDONLY)
        return os.read(fd, 4096)
    """),
    a("read-secret-mmap", "secret file read", """
        import mmap, os
        fd = os.open(C["secret_file"], os.O_RDONLY)
        return bytes(mmap.mmap(fd, 0, prot=mmap.PROT_READ)[:4096])
    """),
    a("read-secret-numpy", "secret file read", """
        import numpy as np
        return np.fromfile(C["secret_file"], dtype=np.uint8).tobytes()
    """),
    a("read-secret-libav", "secret file read", """
        import av  # libav opens files in C, with no audit event
        with av.open(C["secret_file"], format="rawvideo", options={"video_size": "16x1", "pixel_format": "gray"}) as box:
            return b"".join(bytes(p) for p in box.demux())
    """),
    a("read-secret-av-via-manim", "secret file read", """
        import manim.scene.video_segment_encoder as enc
        with enc.av.open(C["secret_file"], format="rawvideo", options={"video_size": "16x1", "pixel_format": "gray"}) as box:
            return b"".join(bytes(p) for p in box.demux())
    """),
    a("read-secret-cairo-png", "secret file read", """
        import manim.camera.camera as cam  # cairo reads PNGs in C
        s = cam.cairo.ImageSurface.create_from_png(C["secret_png"])
        data = bytes(s.get_data())
        return bytes(data[i * 4 + 2] for i in range(s.get_width()))
    """),
    a("read-secret-pil", "secret file read", """
        from PIL import Image
        im = Image.open(C["secret_png"]).convert("RGB")
        return bytes(im.getpixel((i, 0))[0] for i in range(im.width))
    """),
    a("read-secret-code-mobject", "secret file read", """
        from manim import Code  # renders a file's text into the video
        code = Code(code_file=C["secret_file"], language="text")
        return code._code_html
    """),
    a("read-secret-latex-input", "secret file read", """
        import glob
        from manim import Tex, TexTemplate
        t = TexTemplate(documentclass=r"\\documentclass{article}")
        src = r"\\newread\\f\\openin\\f=" + C["secret_file"] + r" \\read\\f to\\x\\typeout{LEAK:\\x}\\closein\\f ok"
        try:
            Tex(src, tex_template=t)
        except Exception:
            pass
        return "".join(open(p, errors="replace").read() for p in glob.glob("media/Tex/*.log"))
    """),
    a("read-secret-lualatex", "secret file read", """
        from manim import Tex, TexTemplate, config
        # LuaTeX's io.open ignores kpathsea's openin_any; the template picks the engine
        lua = r'\\directlua{local f=io.open("' + C["secret_file"] + r'") if f then local o=io.open("lua-leak.txt","w") o:write(f:read("*a")) o:close() end}'
        t = TexTemplate(tex_compiler="lualatex", output_format=".dvi", documentclass=r"\\documentclass{article}")
        config.tex_template = t
        try:
            Tex(lua + " ok", tex_template=t)
        except Exception:
            pass
        return open("lua-leak.txt").read()
    """),
    # accepted by the policy: formulas are text, and TeX reads files
    a("latex-input-in-formula", "secret file read", """
        from manim import Tex, TexTemplate
        article = TexTemplate(documentclass=r"\\documentclass{article}")
        return Tex(r"\\input{" + C["secret_file"] + "}", tex_template=article).tex_string
    """),
    a("latex-preamble-reads-file", "secret file read", """
        from manim import MathTex, TexTemplate
        pre = r"\\input{" + C["secret_file"] + "}"
        t = TexTemplate(documentclass=r"\\documentclass{article}", preamble=pre)
        return MathTex("x", tex_template=t).tex_string
    """),
    a("read-secret-subprocess-cat", "secret file read", """
        import subprocess
        return subprocess.run(["cat", C["secret_file"]], capture_output=True).stdout
    """),
    a("read-secret-hardlink", "secret file read", """
        import os
        os.link(C["secret_file"], "linked-secret")
        return open("linked-secret").read()
    """),
    a("read-secret-in-host-tmp", "secret file read", """
        import glob
        return "".join(open(p).read() for p in glob.glob("/tmp/tutor-secret-*"))
    """),
    a("read-root-home", "secret file read", """
        import os
        return "".join(open("/root/" + n).read() for n in os.listdir("/root") if n.startswith(".tutor-secret"))
    """),
    a("read-etc-shadow", "secret file read", """
        data = open("/etc/shadow").read()  # reported, never echoed: the hashes are real
        return GOT("read /etc/shadow") if "root:" in data else "no root entry"
    """),
    a("read-host-disk", "secret file read", """
        import glob
        for dev in sorted(glob.glob("/dev/[vsh]d[a-z]") + glob.glob("/dev/nvme*n1") + glob.glob("/dev/loop[0-9]")):
            try:
                with open(dev, "rb") as fh:
                    if fh.read(512) is not None:
                        return GOT("read " + dev)
            except OSError:
                pass
        raise PermissionError("no block device")
    """),
    a("read-kernel-memory", "secret file read", """
        for path in ("/proc/kcore", "/dev/mem", "/dev/kmem"):
            try:
                with open(path, "rb") as fh:
                    if fh.read(16):
                        return GOT("read " + path)
            except OSError:
                pass
        raise PermissionError("no kernel memory")
    """),
    a("read-parent-held-fd", "secret file read", """
        import os, stat
        got = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                path = f"/proc/{pid}/fd/{fd}"
                try:
                    if not stat.S_ISREG(os.stat(path).st_mode):
                        continue
                    with open(path, "rb") as fh:
                        got.append(fh.read(4096))
                except OSError:
                    pass
        return b"".join(got)
    """),
    a("read-parent-memory", "secret file read", """
        import re
        pid = C["parent_pid"]
        got = []
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
            for line in maps:
                if "rw-p" not in line:
                    continue
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                if hi - lo > 64 * 1024 * 1024:
                    continue
                try:
                    mem.seek(lo)
                    chunk = mem.read(hi - lo)
                except OSError:
                    continue
                got += [m.group(0) for m in re.finditer(rb"TUTORSECRET[0-9a-f]{8}-mem", chunk)]
        return b" ".join(got)
    """),
    # ---------------------------------------------------------------- environment
    a("read-env-os-environ", "env read", """
        import os
        return repr(dict(os.environ))
    """),
    a("read-env-proc-self", "env read", """
        return open("/proc/self/environ", "rb").read()
    """),
    a("read-env-proc-1", "env read", """
        return FOREIGN_ENV(open("/proc/1/environ", "rb").read())
    """),
    a("read-env-parent", "env read", """
        import os
        got = b""
        for pid in {os.getppid(), C["parent_pid"]}:
            try:
                got += open(f"/proc/{pid}/environ", "rb").read() + b"\\0"
            except OSError:
                pass
        return FOREIGN_ENV(got)
    """),
    a("read-env-all-processes", "env read", """
        import os
        got = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    got.append(open(f"/proc/{pid}/environ", "rb").read())
                except OSError:
                    pass
        return FOREIGN_ENV(b"\\0".join(got))
    """),
    a("read-host-process-cmdlines", "env read", """
        import os
        got = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    got.append(open(f"/proc/{pid}/cmdline", "rb").read())
                except OSError:
                    pass
        return b"\\n".join(got)
    """),
    # ---------------------------------------------------------------- lint bypasses
    a("bypass-enum-bltns-eval", "policy bypass", """
        import enum  # enum keeps builtins under a public alias
        return enum.bltns.eval("open(p).read()", {"p": C["secret_file"]})
    """),
    a("bypass-typing-operator-attrgetter", "policy bypass", """
        import typing  # typing re-exports operator, whose attrgetter takes strings
        g = typing.operator.attrgetter("__init__.__globals__")
        return g(typing.ForwardRef)["__builtins__"]["open"](C["secret_file"]).read()
    """),
    a("bypass-guard-closure", "policy bypass", """
        import _posixsubprocess, os
        fork_exec = _posixsubprocess.fork_exec
        for cell in getattr(fork_exec, "__closure__", None) or ():
            if callable(cell.cell_contents) and getattr(cell.cell_contents, "__name__", "") == "fork_exec":
                fork_exec = cell.cell_contents  # the guard's unwrapped original
        r, w = os.pipe()
        out = os.open("closure-out", os.O_CREAT | os.O_WRONLY)
        err_r, err_w = os.pipe()
        fork_exec([b"/bin/sh", b"-c", b"cat " + C["secret_file"].encode()], [b"/bin/sh"], True, (),
                  None, None, -1, -1, -1, out, -1, -1, err_r, err_w, True, False, -1, None, None, -1, -1, None, False)
        import time
        time.sleep(0.5)
        return open("closure-out").read()
    """),
    # ---------------------------------------------------------------- network
    a("tcp-loopback", "TCP", """
        import socket
        socket.create_connection(("127.0.0.1", C["tcp_port"]), timeout=2).close()
        return "connected"
    """),
    a("tcp-ipv6-loopback", "TCP", """
        import socket
        socket.create_connection(("::1", C["tcp6_port"]), timeout=2).close()
        return "connected"
    """),
    a("udp-loopback", "TCP", """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(3):
            s.sendto(b"pwned", ("127.0.0.1", C["udp_port"]))
        return "sent"
    """),
    a("unix-socket-path", "unix socket", """
        import socket
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        s.connect(C["unix_path"])
        return "connected"
    """),
    a("unix-socket-abstract", "unix socket", """
        import socket
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        s.connect("\\0" + C["abstract_name"])
        return "connected"
    """),
    a("unix-socket-host-services", "unix socket", """
        import glob, os, socket, stat
        found = []
        for pattern in ("/run/*", "/run/*/*", "/var/run/*", "/var/run/*/*", "/tmp/*", "/tmp/*/*", "/tmp/.*/*"):
            for path in glob.glob(pattern):
                try:
                    if stat.S_ISSOCK(os.lstat(path).st_mode):
                        found.append(path)
                except OSError:
                    pass
        for path in found:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(1)
            try:
                s.connect(path)
                return GOT("connected to " + path)
            except OSError:
                pass
            finally:
                s.close()
        raise ConnectionError(f"none of {len(found)} sockets answered")
    """),
    # ---------------------------------------------------------------- processes
    a("kill-host-process", "leftover process", """
        import os
        os.kill(C["victim_kill_pid"], 9)
        return "killed"
    """),
    a("kill-host-process-by-scan", "leftover process", """
        import os
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    if C["victim_scan_token"].encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                        os.kill(int(pid), 9)
                        return "killed"
                except OSError:
                    pass
        raise ProcessLookupError("no victim in sight")
    """),
    a("signal-parent", "leftover process", """
        import os, signal
        os.kill(C["parent_pid"], signal.SIGUSR2)
        return "signalled"
    """),
    a("ptrace-parent", "leftover process", """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        PTRACE_SEIZE, PTRACE_DETACH = 0x4206, 17
        if libc.ptrace(PTRACE_SEIZE, C["parent_pid"], None, None) == 0:
            libc.ptrace(PTRACE_DETACH, C["parent_pid"], None, None)
            return GOT("ptrace")
        raise PermissionError(ctypes.get_errno(), "ptrace refused")
    """),
    a("leftover-after-exit-setsid", "leftover process", """
        import os
        if os.fork() == 0:
            try:
                os.setsid()  # a new session: out of reach of a process-group kill
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", C["sleep_setsid"]])
            finally:
                os._exit(0)
        return "daemonized"
    """),
    a("leftover-after-exit-pgrp", "leftover process", """
        import os
        if os.fork() == 0:
            try:
                os.setpgid(0, 0)
                os.execv("/bin/sleep", ["sleep", C["sleep_pgrp"]])
            finally:
                os._exit(0)
        return "spawned"
    """),
]
# fmt: on

# fmt: off
SOLO: list[Attack] = [
    a("timeout-infinite-loop", "leftover process", """
        while True:
            pass
    """, solo=True),
    a("leftover-after-timeout", "leftover process", """
        import os
        if os.fork() == 0:
            try:
                os.setsid()
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", C["sleep_timeout"]])
            finally:
                os._exit(0)
        while True:
            pass
    """, solo=True),
    a("fork-bomb", "process count", """
        import os, sys, time
        made = 0
        for _ in range(C["bomb_count"]):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                try:
                    os.execv("/bin/sleep", ["sleep", C["sleep_bomb"]])
                finally:
                    os._exit(0)
            made += 1
        print("FORKED", made, file=sys.stderr)
        time.sleep(3)
        raise RuntimeError(f"FORKED {made}")
    """, solo=True),
    a("thread-bomb", "process count", """
        import sys, threading, time
        made = 0
        stop = threading.Event()
        for _ in range(C["bomb_count"]):
            try:
                threading.Thread(target=stop.wait, daemon=True).start()
            except RuntimeError:
                break
            made += 1
        print("THREADS", made, file=sys.stderr)
        time.sleep(2)
        raise RuntimeError(f"THREADS {made}")
    """, solo=True),
    a("memory-many-processes", "memory", """
        import os, sys, time
        code = "b = bytearray(%d); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(20)" % C["memory_each"]
        for _ in range(C["memory_procs"]):
            if os.fork() == 0:
                try:
                    os.execv(sys.executable, [sys.executable, "-c", code, C["memory_token"]])
                finally:
                    os._exit(0)
        time.sleep(8)
        raise RuntimeError("ALLOCATED")
    """, solo=True),
    a("disk-fill-many-files", "disk fill", """
        import os
        total = 0
        block = b"x" * (1024 * 1024)
        for i in range(C["disk_files"]):
            try:
                with open(f"fill-{i}.bin", "wb") as fh:
                    for _ in range(C["disk_file_mib"]):
                        fh.write(block)
                        total += len(block)
            except OSError:
                pass
        raise RuntimeError(f"WROTE {total}")
    """, solo=True),
    a("other-render-read", "other renders' directories", OTHER_RENDER, solo=True),
    a("other-render-tamper", "other renders' directories", OTHER_RENDER, solo=True),
    a("symlink-logs-to-parent-environ", "symlink tricks on the parent", """
        import os
        for name in ("stdout.log", "stderr.log"):
            try:
                os.remove(name)
            except OSError:
                pass
            os.symlink("/proc/self/environ" if name == "stderr.log" else "/proc/%d/environ" % os.getppid(), name)
        raise RuntimeError("look at my logs")
    """, solo=True),
    a("symlink-logs-to-parent-fd", "symlink tricks on the parent", """
        import os
        try:
            os.remove("stderr.log")
        except OSError:
            pass
        os.symlink("/proc/self/fd/%d" % C["parent_secret_fd"], "stderr.log")
        os._exit(3)
    """, solo=True),
    a("symlink-logs-through-proc-self-cwd", "symlink tricks on the parent", """
        import os
        try:
            os.remove("stderr.log")
        except OSError:
            pass
        os.symlink("/proc/self/cwd/" + C["secret_from_parent_cwd"], "stderr.log")
        os._exit(3)
    """, solo=True),
    a("symlink-result-to-secret", "symlink tricks on the parent", """
        import os
        try:
            os.remove("result.json")
        except OSError:
            pass
        os.symlink(C["secret_json"], "result.json")
        os._exit(1)
    """, solo=True),
    a("hardlink-movie-to-secret", "symlink tricks on the parent", """
        import json, os
        os.link(C["secret_file"], "out.mp4")
        try:
            os.remove("result.json")
        except OSError:
            pass
        open("result.json", "w").write(json.dumps({"ok": True, "path": "out.mp4", "frames": 1, "seconds": 1.0}))
        os._exit(0)
    """, solo=True),
]
# fmt: on

ALL = ATTACKS + SOLO


def scene_form(attack: Attack) -> str:
    """The attack as a one-scene file, the way the policy sees agent code."""
    return (
        "from manim import *\n\nclass Attack(Scene):\n    def construct(self):\n"
        + textwrap.indent(attack.body + "\n", " " * 8)
    )


HARNESS_HEAD = r"""
import json, signal, sys
C = json.loads(__CONSTANTS__)
MARKERS = [bytes.fromhex(h).decode() for h in C["markers_hex"]]
RESULTS = {}

def GOT(what):
    return "CAPA" + "BILITY:" + what

def FOREIGN_ENV(raw):
    # Entries of an environment that is not this process's own: another process's
    # (PWD aside: bubblewrap sets it for the command it starts).
    import os
    own = {k.encode() + b"=" + v.encode() for k, v in os.environ.items()}
    foreign = [e for e in raw.split(b"\0") if b"=" in e and e not in own and not e.startswith(b"PWD=")]
    return (GOT(f"{len(foreign)} foreign environment entries") + " ") if foreign else raw.decode("latin-1")

def _alarm(signum, frame):
    raise TimeoutError("attack took too long")

def _run(name, fn):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(8)
    try:
        data = fn()
        if isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode("latin-1")
        RESULTS[name] = ("done", "" if data is None else str(data))
    except BaseException as exc:
        RESULTS[name] = ("blocked", (type(exc).__name__ + ": " + str(exc))[:200])
    finally:
        signal.alarm(0)

def _window(text):
    for m in MARKERS + ["CAPA" + "BILITY"]:
        i = text.find(m)
        if i >= 0:
            return text[max(0, i - 10): i + 70]
    return text[:60]

def _leaked(text):
    return any(m in text for m in MARKERS + ["CAPA" + "BILITY"])
"""

HARNESS_TAIL = r"""
LINES = []
for _name in C["names"]:
    _status, _text = RESULTS.get(_name, ("missing", ""))
    LINES.append(_name + " " + _status + ": " + (_window(_text) if _status == "done" else _text).replace("\n", " "))
print("ATTACK RESULTS\n" + "\n".join(LINES), file=sys.stderr)
if C["channel"] == "error":
    raise RuntimeError("ATTACK RESULTS\n" + "\n".join(l for l in LINES if " done: " in l))

from manim import *

class Attack(Scene):
    def construct(self):
        fw, fh = config.frame_width, config.frame_height
        cw, ch = fw / C["cols"], fh / C["rows"]
        for i, name in enumerate(C["names"]):
            status, text = RESULTS.get(name, ("missing", ""))
            colour = "#ff0000" if status == "done" and _leaked(text) else "#00ff00"
            cell = Rectangle(width=cw * 0.9, height=ch * 0.9, stroke_width=0, fill_color=colour, fill_opacity=1)
            cell.move_to([-fw / 2 + cw * (i % C["cols"] + 0.5), fh / 2 - ch * (i // C["cols"] + 0.5), 0])
            self.add(cell)
        self.wait(0.1)
"""


def batch_script(attacks: list[Attack], constants: dict[str, Any], channel: str) -> str:
    """One render that runs `attacks` and reports through `channel` ('error' or 'frames')."""
    doc = {**constants, "names": [x.name for x in attacks], "channel": channel}
    parts = [HARNESS_HEAD.replace("__CONSTANTS__", repr(json.dumps(doc)))]
    for i, attack in enumerate(attacks):
        parts.append(f"def _attack_{i}():\n" + textwrap.indent(attack.body, "    ") + "\n")
        parts.append(f"_run({attack.name!r}, _attack_{i})\n")
    parts.append(HARNESS_TAIL)
    return "\n".join(parts)


def solo_script(attack: Attack, constants: dict[str, Any]) -> str:
    """A solo attack as a whole file (it runs at import, before any scene)."""
    head = f"import json\nC = json.loads({json.dumps(json.dumps(constants))})\n"
    return head + attack.body + "\n"


def cell_centre(index: int, width: int, height: int) -> tuple[int, int]:
    """Pixel (x, y) of the centre of attack `index`'s cell."""
    col, row = index % COLS, index // COLS
    return int((col + 0.5) / COLS * width), int((row + 0.5) / ROWS * height)


@dataclass
class Evidence:
    """What one batch (or solo run) left for the tests to inspect."""

    texts: list[str] = field(default_factory=list)
    """Error messages, tracebacks, hints and log tails shown to users."""
    videos: list[bytes] = field(default_factory=list)
    frame: Any = None
    """The last decoded frame (RGB array) of the frame-channel run."""
    refused: dict[str, list[str]] = field(default_factory=dict)
    """Policy problems per attack (mode 'on')."""
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def all_text(self) -> str:
        return "\n".join(self.texts)


HostCheck = Callable[[Any], "str | None"]
