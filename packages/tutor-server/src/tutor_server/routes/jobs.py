"""`/jobs/generate`, `/jobs/edit` and `/jobs/retry`: job webhooks signed with HMAC-SHA256.

Headers: `X-Tutor-Timestamp` (unix seconds) and `X-Tutor-Signature: sha256=<hex>` of
`timestamp + "." + body` with TUTOR_WEBHOOK_SECRET; 5 minutes either way; a signature
is accepted once. The signature is checked before the body is even parsed. An optional
`Idempotency-Key` makes a delivery sent again (signed anew) answer the first one's job.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tutor_server import schemas
from tutor_server.deps import ServiceDep, SignedBody
from tutor_server.errors import responses
from tutor_server.idempotency import MAX_KEY_CHARS, Idempotency
from tutor_server.service import Service

router = APIRouter(
    prefix="/jobs", tags=["jobs"], responses=responses(401, 404, 409, 413, 422, 429, 503)
)

M = TypeVar("M", bound=BaseModel)


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema(by_alias=True)}},
        }
    }


def _parse(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY_CHARS,
        description="The caller's id for this job: a delivery sent again answers the same job.",
    ),
]


async def _once(
    request: Request, key: str | None, start: Callable[[], Awaitable[schemas.JobAccepted]]
) -> schemas.JobAccepted:
    """Start a job, or answer the job started for this idempotency key before."""
    if not key:
        return await start()
    kept: Idempotency = request.app.state.idempotency
    scoped = f"{request.url.path}:{key}"
    known = await kept.recall(scoped)
    if known is not None:
        return schemas.JobAccepted.model_validate_json(known)
    accepted = await start()
    await kept.remember(scoped, accepted.model_dump_json(by_alias=True))
    return accepted


def _webhook(
    path: str,
    model: type[M],
    start: Callable[[Service, M], Awaitable[schemas.JobAccepted]],
    summary: str,
) -> None:
    """Add one signed job webhook: verify, parse `model`, start the job (once per key)."""

    async def endpoint(
        body: SignedBody, service: ServiceDep, request: Request, key: IdempotencyKey = None
    ) -> schemas.JobAccepted:
        parsed = _parse(model, body)
        return await _once(request, key, lambda: start(service, parsed))

    endpoint.__doc__ = summary
    name = path.strip("/")
    endpoint.__name__ = f"job_{name}"
    router.post(
        path,
        status_code=status.HTTP_202_ACCEPTED,
        name=name,
        openapi_extra=_body_schema(model),
    )(endpoint)


_webhook(
    "/generate",
    schemas.GenerateJobRequest,
    Service.job_generate,
    "Queue the generation of a session (`projectId`, `sessionId`, `sceneCount`, `prompt`).",
)
_webhook(
    "/edit",
    schemas.EditJobRequest,
    Service.job_edit,
    "Queue an edit of one scene (`sceneId`, `projectId`, `prompt`).",
)
_webhook(
    "/retry",
    schemas.RetryJobRequest,
    Service.job_retry,
    "Queue a retry of one failed scene (`sceneId`, `projectId`).",
)
