"""The `tutor` command line: core commands, lesson commands and plugin commands."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from pydantic import ValidationError

from tutor_core import plugins
from tutor_core.cli import doctor_cmd, plugins_cmd
from tutor_core.cli.output import print_error
from tutor_core.errors import ConfigurationError, TutorError
from tutor_core.logs import configure_logging
from tutor_core.settings import settings_error

HELP = """\
Turn a prompt into a narrated explainer video made of scenes; edit one scene and
only that scene is rendered again.

Examples:

  tutor generate "Explain the derivative of x squared" --scenes 3

  tutor edit SCENE_ID "make the curve red"

  tutor plugins        (what is installed)

  tutor doctor         (what is missing, and how to fix it)

Settings come from TUTOR_* environment variables (TUTOR_HOME, TUTOR_RENDERER...).
"""


def _global_options(
    log_level: Annotated[
        str,
        typer.Option(
            "--log-level",
            envvar="TUTOR_LOG_LEVEL",
            help="debug, info, warning or error. Each line carries the job's correlation id.",
        ),
    ] = "warning",
    log_json: Annotated[
        bool,
        typer.Option("--log-json", envvar="TUTOR_LOG_JSON", help="Log one JSON object per line."),
    ] = False,
) -> None:
    level = log_level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("use debug, info, warning or error", param_hint="--log-level")
    configure_logging(level, json_lines=log_json)


def create_app() -> typer.Typer:
    """Build the CLI: core commands, then lesson commands, then plugins' commands."""
    cli = typer.Typer(
        name="tutor",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    cli.callback()(_global_options)
    plugins_cmd.register(cli)
    doctor_cmd.register(cli)
    from tutor_core.cli import lessons  # the lead's module; imported late, it is heavier

    lessons.register(cli)
    _add_plugin_commands(cli)
    return cli


def _add_plugin_commands(cli: typer.Typer) -> None:
    # One call per plugin, so a broken plugin costs its own commands, not the whole CLI
    # (`tutor doctor` must keep working to diagnose it).
    for plugin_name in plugins.implementers("register_commands"):
        try:
            plugins.call_hook("register_commands", plugin_name, cli=cli)
        except Exception as exc:
            print_error(
                ConfigurationError(
                    f"plugin {plugin_name!r} could not add its commands: "
                    f"{type(exc).__name__}: {exc}",
                    hint="reinstall it, or leave it out with TUTOR_LOAD_PLUGINS=name,name",
                )
            )


app = create_app()


def _tutor_error(exc: BaseException) -> TutorError | None:
    """The TutorError behind `exc`, looking inside single-exception groups.

    Invalid settings (pydantic's ValidationError on `Settings`) become a
    ConfigurationError naming the environment variable.
    """
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return settings_error(exc)
    return exc if isinstance(exc, TutorError) else None


def main(argv: Sequence[str] | None = None, *, cli: typer.Typer | None = None) -> None:
    """Run the CLI; a TutorError becomes a red line and a hint on stderr, exit status 1.

    Usage errors exit with status 2 (typer prints them). Never shows a traceback
    for errors tutor raises on purpose.
    """
    try:
        (cli or app)(args=list(argv) if argv is not None else None, prog_name="tutor")
    except KeyboardInterrupt:
        print_error(TutorError("interrupted"))
        sys.exit(130)
    except BaseException as exc:
        error = _tutor_error(exc)
        if error is None:
            raise
        print_error(error)
        sys.exit(1)
