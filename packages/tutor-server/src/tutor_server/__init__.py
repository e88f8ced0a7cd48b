"""tutor-server: the platform's API (FastAPI), SSE, HMAC job webhooks and Celery workers."""

from tutor_server.app import create_app
from tutor_server.settings import ServerSettings
from tutor_server.tokens import create_token, verify_token

__all__ = ["ServerSettings", "create_app", "create_token", "verify_token"]
