"""Server-Sent Events of one session: `id`, `event` (`session` or `scene`), `data` (JSON).

The stream starts after `Last-Event-ID` (or at the session's first event) and follows
new events; URLs in the data are computed as each event is sent. Keep-alive comments
go out every TUTOR_SSE_PING seconds; the stream ends when the client leaves or the
server shuts down.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from tutor_core.models import VideoSession
from tutor_server.observability import SSE_CLIENTS
from tutor_server.service import Service

EVENTS_DESCRIPTION = (
    "A text/event-stream. Each event has an `id`, an `event` name (`session` or `scene`) "
    "and JSON `data`: a SessionOut (session events) or a SceneOut (scene events). "
    "Reconnect with `Last-Event-ID` to continue after the last event you saw."
)


async def _events(
    request: Request, service: Service, session_id: str, last_event_id: str | None
) -> AsyncIterator[ServerSentEvent]:
    SSE_CLIENTS.inc()
    try:
        # A comment at once: the server sends the response head with the first bytes, so
        # without it a client of a session with nothing new would wait for the first ping
        # before it knew the stream was open.
        yield ServerSentEvent(comment="open")
        async for event in service.events.follow(session_id, last_event_id):
            if await request.is_disconnected():
                return
            item = event.item()
            data: Any
            if isinstance(item, VideoSession):
                data = service.session_out(item).model_dump(mode="json", by_alias=True)
            else:
                data = (await service.scene_out(item)).model_dump(mode="json", by_alias=True)
            yield ServerSentEvent(data=json.dumps(data), event=event.kind, id=event.id)
    finally:
        SSE_CLIENTS.dec()


class _EventStream:
    response_class = EventSourceResponse

    def __call__(
        self, request: Request, service: Service, session_id: str, last_event_id: str | None
    ) -> EventSourceResponse:
        return EventSourceResponse(
            _events(request, service, session_id, last_event_id),
            ping=service.settings.sse_ping,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


event_stream = _EventStream()
