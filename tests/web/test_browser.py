"""The web app in a real browser: the built Next.js app and a real `tutor serve` on loopback.

The browser steps live in `frontend/e2e/app.e2e.mjs` (playwright-core driving Debian's
chromium); this test builds the app, starts the server (local mode, offline agent, draft
quality, a temporary TUTOR_HOME) and the app on free loopback ports, runs the steps, checks
the exported video with PyAV, and stops both processes by PID.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import httpx
import pytest

from tests.server import helpers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
ARTIFACTS = FRONTEND / "test-artifacts" / "e2e"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
BUILD_INPUTS = ("src", "package-lock.json", "next.config.mjs", "tsconfig.json")
E2E_SECONDS = 1200


def _newest(path: Path) -> float:
    if path.is_file():
        return path.stat().st_mtime
    return max((p.stat().st_mtime for p in path.rglob("*") if p.is_file()), default=0.0)


def _node_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "NEXTAUTH_"))}
    env.update(NEXT_TELEMETRY_DISABLED="1", **extra)
    return env


@pytest.fixture(scope="session")
def built_app() -> Path:
    """`next build`, unless the build is newer than every input."""
    if not (FRONTEND / "node_modules" / "next").is_dir():
        pytest.fail("frontend/node_modules is missing: run `make setup` (it runs npm ci)")
    build_id = FRONTEND / ".next" / "BUILD_ID"
    newest = max(_newest(FRONTEND / name) for name in BUILD_INPUTS)
    if not build_id.exists() or build_id.stat().st_mtime < newest:
        result = subprocess.run(
            ["node", "node_modules/next/dist/bin/next", "build"],
            cwd=FRONTEND,
            env=_node_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return FRONTEND


def _wait(url: str, proc: helpers.Proc, what: str) -> None:
    deadline = time.monotonic() + helpers.READY_SECONDS
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {proc.text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready at {url}: {proc.text()[-3000:]}")


@dataclass
class Stack:
    web: str
    api: str
    server: helpers.Proc
    app: helpers.Proc


@pytest.fixture(scope="session")
def web_stack(built_app: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`tutor serve` (local mode) and `next start`, each on a free loopback port."""
    home = tmp_path_factory.mktemp("web-home")
    logs = tmp_path_factory.mktemp("web-logs")
    api_port, web_port = helpers.free_port(), helpers.free_port()
    env = helpers.base_env(home, TUTOR_CACHE_DIR=str(tmp_path_factory.mktemp("web-cache")))
    server = helpers.start(
        helpers.tutor_cmd("serve", "--port", str(api_port)), env, logs / "server.log"
    )
    app: helpers.Proc | None = None
    try:
        api = f"http://127.0.0.1:{api_port}"
        _wait(f"{api}/readyz", server, "tutor serve")
        web = f"http://127.0.0.1:{web_port}"
        app_env = _node_env(
            TUTOR_API_URL=api,
            TUTOR_SECRET_KEY=helpers.SECRET,
            TUTOR_LOCAL="1",
            NEXTAUTH_URL=web,
        )
        cmd = ["node", "node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1"]
        app = _start_in(built_app, [*cmd, "-p", str(web_port)], app_env, logs / "app.log")
        _wait(f"{web}/signin", app, "next start")
        yield Stack(web, api, server, app)
    finally:
        if app is not None:
            helpers.stop(app.proc)
        helpers.stop(server.proc)
        shutil.copytree(logs, ARTIFACTS / "logs", dirs_exist_ok=True)


def _start_in(cwd: Path, cmd: list[str], env: dict[str, str], log: Path) -> helpers.Proc:
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return helpers.Proc(proc, log)


def test_the_whole_path_in_a_real_browser(web_stack: Stack) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run `make setup` as root (apt chromium)")
    if ARTIFACTS.exists():
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "e2e/app.e2e.mjs"],
        cwd=FRONTEND,
        env=_node_env(WEB_URL=web_stack.web, ARTIFACTS=str(ARTIFACTS), CHROMIUM_PATH=str(CHROMIUM)),
        capture_output=True,
        text=True,
        timeout=E2E_SECONDS,
    )
    print(result.stdout)
    assert result.returncode == 0, (
        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}\n"
        f"server log:\n{web_stack.server.text()[-3000:]}\napp log:\n{web_stack.app.text()[-3000:]}"
    )
    # A screenshot of each step was saved.
    shots = sorted(p.name for p in ARTIFACTS.glob("*.png"))
    for step in (
        "signin", "projects", "lesson-ready", "edited", "rolled-back", "other-user-404",
        "outline-lesson",
    ):  # fmt: skip
        assert any(step in name for name in shots), (step, shots)
    # The download is a real video: the 3 scenes joined, decodable.
    with av.open(str(ARTIFACTS / "export.mp4")) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (854, 480)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames > 30
    assert (ARTIFACTS / "export.vtt").read_text().startswith("WEBVTT")


def test_the_app_answers_signed_out_requests_without_leaking(web_stack: Stack) -> None:
    with httpx.Client(base_url=web_stack.web, timeout=30.0, follow_redirects=False) as client:
        page = client.get("/projects")
        assert page.status_code in (302, 303, 307)
        assert page.headers["location"].startswith("/signin?callbackUrl=%2Fprojects")
        api = client.get("/api/tutor/projects")
        assert api.status_code == 401 and api.json()["error"] == "Unauthorized"
        # The session cookie is the only credential: a forged one is refused.
        forged = httpx.Client(
            base_url=web_stack.web,
            timeout=30.0,
            cookies={"next-auth.session-token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
        )
        with forged:
            assert forged.get("/api/tutor/projects").status_code == 401
        # No API token in any page the browser gets.
        signin = client.get("/signin").text
        assert helpers.SECRET not in signin and "Bearer" not in signin


def test_providers_follow_their_env_vars_and_local_sign_in_needs_local_mode(
    built_app: Path, web_stack: Stack, tmp_path: Path
) -> None:
    """A shared deployment: GitHub when configured, never the local sign-in."""
    port = helpers.free_port()
    web = f"http://127.0.0.1:{port}"
    env = _node_env(
        TUTOR_API_URL=web_stack.api,
        TUTOR_SECRET_KEY=helpers.SECRET,
        NEXTAUTH_URL=web,
        NEXTAUTH_SECRET="n" * 40,
        GITHUB_ID="gh-client",
        GITHUB_SECRET="gh-secret",
        # Local mode asked for, but the API is not on loopback: refused.
        TUTOR_LOCAL="1",
    )
    env["TUTOR_API_URL"] = "http://tutor-api.internal:8000"
    cmd = ["node", "node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", str(port)]
    app = _start_in(built_app, cmd, env, tmp_path / "app.log")
    try:
        _wait(f"{web}/signin", app, "next start")
        providers = httpx.get(f"{web}/api/auth/providers", timeout=30.0).json()
        assert set(providers) == {"github"}
        page = httpx.get(f"{web}/signin", timeout=30.0).text
        assert "Continue with <!-- -->GitHub" in page or "Continue with GitHub" in page
        assert "Your name on this computer" not in page and "Google" not in page
        # The credentials callback does not exist without local mode.
        forged = httpx.post(f"{web}/api/auth/callback/local", data={"name": "alice"}, timeout=30.0)
        assert forged.status_code != 200 or "session-token" not in forged.headers.get(
            "set-cookie", ""
        )
    finally:
        helpers.stop(app.proc)


def test_a_failed_scene_shows_its_error_and_retries(
    built_app: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A server whose scene timeout no render meets: the failure and Retry, in the browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run `make setup` as root (apt chromium)")
    home = tmp_path_factory.mktemp("retry-home")
    logs = tmp_path_factory.mktemp("retry-logs")
    api_port, web_port = helpers.free_port(), helpers.free_port()
    env = helpers.base_env(home, TUTOR_SCENE_TIMEOUT="0.01")
    server = helpers.start(
        helpers.tutor_cmd("serve", "--port", str(api_port)), env, logs / "server.log"
    )
    app: helpers.Proc | None = None
    try:
        api, web = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{web_port}"
        _wait(f"{api}/readyz", server, "tutor serve")
        app_env = _node_env(
            TUTOR_API_URL=api, TUTOR_SECRET_KEY=helpers.SECRET, TUTOR_LOCAL="1", NEXTAUTH_URL=web
        )
        cmd = ["node", "node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1"]
        app = _start_in(built_app, [*cmd, "-p", str(web_port)], app_env, logs / "app.log")
        _wait(f"{web}/signin", app, "next start")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["node", "e2e/retry.e2e.mjs"],
            cwd=FRONTEND,
            env=_node_env(WEB_URL=web, ARTIFACTS=str(ARTIFACTS), CHROMIUM_PATH=str(CHROMIUM)),
            capture_output=True,
            text=True,
            timeout=600,
        )
        print(result.stdout)
        assert result.returncode == 0, (
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}\n"
            f"server log:\n{server.text()[-3000:]}"
        )
        assert "retried under job" in result.stdout
    finally:
        if app is not None:
            helpers.stop(app.proc)
        helpers.stop(server.proc)


def _signed_in(web: str, name: str) -> httpx.Client:
    """An HTTP client signed in through Auth.js's local credentials flow (as the form does)."""
    client = httpx.Client(base_url=web, timeout=30.0)
    csrf = client.get("/api/auth/csrf").json()["csrfToken"]
    answer = client.post(
        "/api/auth/callback/local",
        data={"csrfToken": csrf, "name": name, "callbackUrl": "/projects", "json": "true"},
    )
    assert answer.status_code == 200, answer.text
    assert any("session-token" in c for c in client.cookies), dict(client.cookies)
    return client


def test_writes_through_the_proxy_only_come_from_the_app_itself(web_stack: Stack) -> None:
    client = _signed_in(web_stack.web, "dave")
    try:
        assert client.get("/api/tutor/projects").status_code == 200
        body = {"title": "Cross-site"}
        for headers in (
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "same-site"},
            {},
        ):
            refused = client.post("/api/tutor/projects", json=body, headers=headers)
            assert refused.status_code == 403, (headers, refused.text)
            assert refused.json()["error"] == "Forbidden"
        assert client.get("/api/tutor/projects").json() == [], "a refused write recorded nothing"
        made = client.post("/api/tutor/projects", json=body, headers={"Origin": web_stack.web})
        assert made.status_code == 201, made.text
        same = client.post(
            "/api/tutor/projects", json={"title": "Same"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert same.status_code == 201
    finally:
        client.close()
