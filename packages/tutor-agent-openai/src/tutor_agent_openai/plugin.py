"""The `openai` tutor plugin: registers the agent and its `tutor doctor` check.

Imported by every `tutor` process: the agent and its HTTP and MCP clients are
imported only when the agent is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor_core.doctor import Check
from tutor_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor_core.settings import Settings


def _factory(settings: Settings) -> Any:
    from tutor_agent_openai.agent import AgentConfig, OpenAIAgent

    return OpenAIAgent(AgentConfig.from_settings(settings))


@hookimpl()
def register_agents(register: Callable[..., None]) -> None:
    """Register the agent under the name `openai`."""
    register(
        "openai",
        _factory,
        "LLM agent for any OpenAI-compatible endpoint (TUTOR_OPENAI_BASE_URL, "
        "TUTOR_OPENAI_MODEL), grounded in the installed Manim through MCP",
    )


@hookimpl()
def doctor_checks() -> list[Any]:
    """Whether the openai agent is configured (it is optional: the offline agent works)."""
    from tutor_core.settings import Settings

    settings = Settings()
    if settings.openai_base_url and settings.openai_model:
        return [
            Check(
                "openai agent",
                "ok",
                f"{settings.openai_model} at {settings.openai_base_url}"
                + (
                    " (selected)"
                    if settings.agent == "openai"
                    else " (TUTOR_AGENT=openai selects it)"
                ),
            )
        ]
    if settings.agent != "openai":
        return [Check("openai agent", "ok", "not configured: lessons come from the offline agent")]
    return [
        Check(
            "openai agent",
            "missing",
            "TUTOR_AGENT=openai but TUTOR_OPENAI_BASE_URL / TUTOR_OPENAI_MODEL are not set",
            "set TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL",
        )
    ]
