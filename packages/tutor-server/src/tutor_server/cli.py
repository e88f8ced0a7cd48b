"""`tutor serve`, `tutor worker` and `tutor token create`."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Annotated

import typer

from tutor_core.errors import ConfigurationError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8000,
    local: Annotated[
        bool,
        typer.Option(
            "--local/--no-local",
            help="Local mode: loopback only, a local user and a one-off token. "
            "--no-local needs TUTOR_SECRET_KEY.",
        ),
    ] = True,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run the API server (the web app and the job webhooks talk to it)."""
    import uvicorn

    from tutor_core.logs import configure_logging
    from tutor_core.tutor import LOCAL_USER
    from tutor_server.app import create_app
    from tutor_server.settings import ServerSettings, is_real_secret
    from tutor_server.tokens import create_token

    if local and host not in LOOPBACK:
        raise ConfigurationError(
            f"local mode listens on loopback only, not {host}",
            hint="drop --host, or run a shared server with --no-local and TUTOR_SECRET_KEY",
        )
    overrides: dict[str, object] = {"host": host, "port": port, "local_mode": local}
    token = None
    if local and not is_real_secret(os.environ.get("TUTOR_SECRET_KEY")):
        # A one-off secret, unless one is given to share with a web app on this machine.
        overrides["secret_key"] = secrets.token_urlsafe(48)
    settings = ServerSettings(**overrides)  # type: ignore[arg-type]
    app = create_app(settings)
    configure_logging(log_level, json_lines=settings.log_format == "json")
    if local:
        assert settings.secret_key is not None
        token = create_token(settings.secret_key, LOCAL_USER, ttl=settings.token_ttl)

    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)

    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        bound = port
        for srv in getattr(server, "servers", []):
            for sock in getattr(srv, "sockets", []):
                bound = sock.getsockname()[1]
        base = f"http://{'[::1]' if host == '::1' else host}:{bound}"
        if token is not None:
            print(f"tutor server (local mode, only this machine): {base}/?token={token}")
            print(f'  API: curl -H "Authorization: Bearer {token}" {base}/api/projects')
        else:
            print(f"tutor server listening on {base} (docs: {base}/docs)")
        sys.stdout.flush()

    server.startup = startup  # type: ignore[method-assign]
    server.run()


def worker(
    name: Annotated[str, typer.Option(help="Worker name (unique per host).")] = "tutor@%h",
    concurrency: Annotated[int, typer.Option(min=1, help="Tasks at once.")] = 1,
    pool: Annotated[str, typer.Option(help="solo, prefork or threads.")] = "solo",
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=0, max=65535, help="Serve Prometheus metrics on this port (0: any free port)."
        ),
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(help="Address of the metrics endpoint (loopback by default).")
    ] = "127.0.0.1",
) -> None:
    """Run a Celery worker that renders scenes (needs TUTOR_REDIS_URL)."""
    from tutor_core.logs import configure_logging
    from tutor_server.celery_app import QUEUE, make_celery
    from tutor_server.settings import ServerSettings

    if pool not in ("solo", "prefork", "threads"):
        raise typer.BadParameter("use solo, prefork or threads", param_hint="--pool")
    if metrics_port is not None and pool == "prefork":
        raise typer.BadParameter(
            "metrics are counted in the process that runs the tasks: use --pool solo "
            "(one worker per container or core) or threads with --metrics-port",
            param_hint="--pool",
        )
    settings = ServerSettings()
    app = make_celery(settings)
    configure_logging(log_level, json_lines=settings.log_format == "json")
    if metrics_port is not None:
        from tutor_server import worker_metrics

        bound = worker_metrics.serve(metrics_port, metrics_host)
        shown = f"[{metrics_host}]" if ":" in metrics_host else metrics_host
        print(f"tutor worker metrics: http://{shown}:{bound}/metrics", flush=True)
    app.worker_main(
        argv=[
            "worker",
            f"--hostname={name}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--queues={QUEUE}",
            f"--loglevel={log_level.upper()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


token_cli = typer.Typer(help="Make API tokens.", no_args_is_help=True)


@token_cli.command("create")
def token_create(
    user: Annotated[str, typer.Option(help="The user's stable id (the token's `sub`).")],
    ttl: Annotated[
        int | None, typer.Option(min=60, help="Seconds it stays valid (TUTOR_TOKEN_TTL).")
    ] = None,
) -> None:
    """Print a bearer token for a user, signed with TUTOR_SECRET_KEY."""
    from tutor_server.settings import ServerSettings
    from tutor_server.tokens import create_token

    settings = ServerSettings(local_mode=False)
    secret = settings.require_secret()
    print(create_token(secret, user, ttl=ttl or settings.token_ttl))


def register(cli: typer.Typer) -> None:
    cli.command("serve")(serve)
    cli.command("worker")(worker)
    cli.add_typer(token_cli, name="token")
