"""The `openai` agent of tutor: any OpenAI-compatible endpoint, grounded in the installed
Manim through MCP, with a repair loop."""

from tutor_agent_openai.agent import AgentConfig, OpenAIAgent
from tutor_agent_openai.client import ChatClient, EndpointError

__all__ = ["AgentConfig", "ChatClient", "EndpointError", "OpenAIAgent"]
