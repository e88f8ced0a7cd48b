"""`/api/sessions/{id}`: the session with its scenes, its live events, and its export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from sse_starlette import EventSourceResponse

from tutor_server import schemas
from tutor_server.deps import CurrentUser, ServiceDep
from tutor_server.errors import responses
from tutor_server.sse import EVENTS_DESCRIPTION, event_stream

router = APIRouter(prefix="/api/sessions", tags=["sessions"], responses=responses(401, 404))


@router.get("/{session_id}", name="get", response_model=schemas.SessionDetail)
async def get_session(session_id: str, user: CurrentUser, service: ServiceDep) -> Response:
    """A session and its scenes: status, frames, versions, chunk and subtitle URLs."""
    # Encoded once by the service (and reused while the session does not change).
    body = await service.session_detail_json(user, session_id)
    return Response(body, media_type="application/json")


@router.get(
    "/{session_id}/events",
    name="events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": EVENTS_DESCRIPTION}},
)
async def session_events(
    session_id: str,
    request: Request,
    user: CurrentUser,
    service: ServiceDep,
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
) -> EventSourceResponse:
    """Server-Sent Events: every status change of the session and its scenes."""
    session = await service.session(user, session_id)
    return event_stream(request, service, session.id, last_event_id)


@router.post(
    "/{session_id}/export",
    name="export",
    status_code=status.HTTP_201_CREATED,
    responses=responses(400, 409, 503),
)
async def export_session(
    session_id: str, user: CurrentUser, service: ServiceDep
) -> schemas.ExportOut:
    """Join the playable scenes into one mp4 (stream copy) plus WebVTT subtitles."""
    return await service.export(user, session_id)
