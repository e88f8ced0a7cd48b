"""`/jobs/generate` and `/jobs/edit`: the seed's webhooks, signed with HMAC-SHA256.

Headers: `X-Tutor-Timestamp` (unix seconds) and `X-Tutor-Signature: sha256=<hex>` of
`timestamp + "." + body` with TUTOR_WEBHOOK_SECRET; 5 minutes either way; a signature
is accepted once. The signature is checked before the body is even parsed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tutor_server import schemas
from tutor_server.deps import ServiceDep, SignedBody
from tutor_server.errors import responses

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


@router.post(
    "/generate",
    status_code=status.HTTP_202_ACCEPTED,
    name="generate",
    openapi_extra=_body_schema(schemas.GenerateJobRequest),
)
async def job_generate(body: SignedBody, service: ServiceDep) -> schemas.JobAccepted:
    """Queue the generation of a session (`projectId`, `sessionId`, `sceneCount`, `prompt`)."""
    return await service.job_generate(_parse(schemas.GenerateJobRequest, body))


@router.post(
    "/edit",
    status_code=status.HTTP_202_ACCEPTED,
    name="edit",
    openapi_extra=_body_schema(schemas.EditJobRequest),
)
async def job_edit(body: SignedBody, service: ServiceDep) -> schemas.JobAccepted:
    """Queue an edit of one scene (`sceneId`, `projectId`, `prompt`)."""
    return await service.job_edit(_parse(schemas.EditJobRequest, body))
