"""`tutor serve` (local mode and shared), `tutor token create`, and the secret checks."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.server import helpers
from tutor_core.errors import ConfigurationError
from tutor_server import ServerSettings, create_app, verify_token


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        helpers.tutor_cmd(*args), env=env, capture_output=True, text=True, timeout=120
    )


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = helpers.base_env(home, **extra)
    for name in ("TUTOR_SECRET_KEY", "TUTOR_WEBHOOK_SECRET"):
        env.pop(name)
    env.update(extra)
    return env


@pytest.mark.slow
def test_local_serve_prints_a_url_that_signs_the_browser_in(tutor_home: Path) -> None:
    port = helpers.free_port()
    proc = helpers.start(
        helpers.tutor_cmd("serve", "--port", str(port)), _env(tutor_home), tutor_home / "s.log"
    )
    try:
        deadline = time.monotonic() + helpers.READY_SECONDS
        url = None
        while url is None and time.monotonic() < deadline:
            match = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", proc.text())
            url = match.group(1) if match else None
            assert proc.proc.poll() is None, proc.text()
            time.sleep(0.1)
        assert url is not None, proc.text()
        assert f":{port}/" in url
        token = url.split("token=", 1)[1]
        with httpx.Client(follow_redirects=True) as browser:
            landing = browser.get(url)  # follows the redirect to /docs
            assert landing.status_code == 200 and "swagger" in landing.text.lower()
            me = browser.get(f"http://127.0.0.1:{port}/api/me")
            assert me.status_code == 200 and me.json()["externalId"] == "local"
        bearer = httpx.get(
            f"http://127.0.0.1:{port}/api/projects", headers={"Authorization": f"Bearer {token}"}
        )
        assert bearer.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/projects").status_code == 401
        forged = httpx.get(f"http://127.0.0.1:{port}/?token=abc")
        assert forged.status_code == 401
    finally:
        helpers.stop(proc.proc)


def test_local_mode_stays_on_loopback(tutor_home: Path) -> None:
    result = _run(["serve", "--host", "0.0.0.0"], _env(tutor_home))  # noqa: S104
    assert result.returncode == 1
    assert "loopback" in result.stderr and "--no-local" in result.stderr


@pytest.mark.parametrize("secret", [None, "changeme", "short-secret"])
def test_a_shared_server_needs_a_real_secret(tutor_home: Path, secret: str | None) -> None:
    extra = {"TUTOR_SECRET_KEY": secret} if secret else {}
    result = _run(["serve", "--no-local", "--port", "0"], _env(tutor_home, **extra))
    assert result.returncode == 1
    assert "TUTOR_SECRET_KEY" in result.stderr and "token_urlsafe" in result.stderr
    with pytest.raises(ConfigurationError):
        create_app(ServerSettings(secret_key=secret))


def test_token_create_prints_a_token_for_the_user(tutor_home: Path) -> None:
    result = _run(
        ["token", "create", "--user", "auth0|bob", "--ttl", "600"],
        _env(tutor_home, TUTOR_SECRET_KEY=helpers.SECRET),
    )
    assert result.returncode == 0, result.stderr
    assert verify_token(helpers.SECRET, result.stdout.strip()) == "auth0|bob"
    missing = _run(["token", "create", "--user", "bob"], _env(tutor_home))
    assert missing.returncode == 1 and "TUTOR_SECRET_KEY" in missing.stderr


def test_worker_metrics_need_a_pool_that_counts_in_one_process(tutor_home: Path) -> None:
    result = _run(
        ["worker", "--pool", "prefork", "--metrics-port", "0"],
        _env(tutor_home, TUTOR_REDIS_URL="redis://127.0.0.1:1/0"),
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--pool solo" in result.stderr and "--metrics-port" in result.stderr
