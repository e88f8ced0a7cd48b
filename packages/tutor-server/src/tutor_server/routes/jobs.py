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


@router.post(
    "/generate",
    status_code=status.HTTP_202_ACCEPTED,
    name="generate",
    openapi_extra=_body_schema(schemas.GenerateJobRequest),
)
async def job_generate(
    body: SignedBody, service: ServiceDep, request: Request, key: IdempotencyKey = None
) -> schemas.JobAccepted:
    """Queue the generation of a session (`projectId`, `sessionId`, `sceneCount`, `prompt`)."""
    parsed = _parse(schemas.GenerateJobRequest, body)
    return await _once(request, key, lambda: service.job_generate(parsed))


@router.post(
    "/edit",
    status_code=status.HTTP_202_ACCEPTED,
    name="edit",
    openapi_extra=_body_schema(schemas.EditJobRequest),
)
async def job_edit(
    body: SignedBody, service: ServiceDep, request: Request, key: IdempotencyKey = None
) -> schemas.JobAccepted:
    """Queue an edit of one scene (`sceneId`, `projectId`, `prompt`)."""
    parsed = _parse(schemas.EditJobRequest, body)
    return await _once(request, key, lambda: service.job_edit(parsed))


@router.post(
    "/retry",
    status_code=status.HTTP_202_ACCEPTED,
    name="retry",
    openapi_extra=_body_schema(schemas.RetryJobRequest),
)
async def job_retry(
    body: SignedBody, service: ServiceDep, request: Request, key: IdempotencyKey = None
) -> schemas.JobAccepted:
    """Queue a retry of one failed scene (`sceneId`, `projectId`)."""
    parsed = _parse(schemas.RetryJobRequest, body)
    return await _once(request, key, lambda: service.job_retry(parsed))
