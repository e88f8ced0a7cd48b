"""One place that turns errors into HTTP responses: `{"error", "detail", "hint", "fields"}`.

`tutor_core.errors` carries a message and a hint; here each class gets its status code.
Request validation errors list a message per field, so a form can show each one.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutor_core.errors import (
    ConfigurationError,
    ConflictError,
    EditNotUnderstood,
    InvalidInput,
    InvalidSignature,
    InvalidTransition,
    NotFound,
    StorageError,
    TutorError,
)
from tutor_server.observability import ERRORS
from tutor_server.tokens import Unauthorized

log = logging.getLogger("tutor.server")


class PayloadTooLarge(TutorError):
    """The request body is larger than TUTOR_MAX_BODY_BYTES (HTTP 413)."""


class RateLimited(TutorError):
    """Too many jobs too quickly, or too many at once (HTTP 429 with Retry-After)."""

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(TutorError):
    """A dependency (store, storage, queue, Redis) cannot be reached (HTTP 503)."""


class FieldInvalid(InvalidInput):
    """One request field breaks a server setting (HTTP 422, like schema validation)."""

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}", hint=hint)
        self.field = field
        self.field_message = message


class ErrorBody(BaseModel):
    """Every error response."""

    error: str = Field(description="The error's class, e.g. NotFound.")
    detail: str = Field(description="What went wrong, for a person.")
    hint: str | None = Field(default=None, description="What to do about it.")
    fields: dict[str, str] | None = Field(
        default=None, description="Per-field messages of a 422 (field path to message)."
    )
    suggestions: list[str] | None = Field(
        default=None,
        description="Of an edit that was not understood: instructions that do work on "
        "this scene (each was tried on a copy of it).",
    )
    nearest: str | None = Field(
        default=None,
        description="Of an edit that was not understood: the supported phrasing closest "
        "to what was asked.",
    )


_STATUS: tuple[tuple[type[TutorError], int], ...] = (
    (FieldInvalid, 422),
    (Unauthorized, 401),
    (InvalidSignature, 401),
    (NotFound, 404),
    (ConflictError, 409),
    (InvalidTransition, 409),
    (PayloadTooLarge, 413),
    (EditNotUnderstood, 422),
    (RateLimited, 429),
    (ConfigurationError, 503),
    (StorageError, 503),
    (ServiceUnavailable, 503),
    (InvalidInput, 400),
)


def status_of(exc: TutorError) -> int:
    """The HTTP status of a tutor error (400 when nothing more specific applies)."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def _body(error: str, detail: str, hint: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"error": error, "detail": detail}
    if hint:
        out["hint"] = hint
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def error_response(exc: TutorError) -> JSONResponse:
    """The JSON response for a tutor error (also used by middleware)."""
    status = status_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    ERRORS.labels(kind=type(exc).__name__).inc()
    if isinstance(exc, FieldInvalid):
        return JSONResponse(
            _body(
                "RequestValidationError",
                exc.message,
                exc.hint,
                fields={exc.field: exc.field_message},
            ),
            status_code=422,
        )
    extra: dict[str, Any] = {}
    if isinstance(exc, EditNotUnderstood):
        extra = {"suggestions": list(exc.suggestions), "nearest": exc.nearest}
    return JSONResponse(
        _body(type(exc).__name__, exc.message, exc.hint, **extra),
        status_code=status,
        headers=headers,
    )


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _tutor_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TutorError)
    if status_of(exc) >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    return error_response(exc)


_SAID: dict[str, str] = {
    "string_too_short": "cannot be empty",
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
}


def _say(err: Any) -> str:
    """A validation error as a person reads it next to a field ("at most 12", "cannot
    be empty"), rather than the validator's own wording."""
    kind, ctx = str(err.get("type", "")), err.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length", 1) > 1:
        return f"needs at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "value_error":  # our validators' own words, without pydantic's prefix
        return str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return _SAID.get(kind) or str(err.get("msg", "invalid"))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields: dict[str, str] = {}
    for err in exc.errors():
        fields.setdefault(_field_path(err.get("loc", ())), _say(err))
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    ERRORS.labels(kind="RequestValidationError").inc()
    return JSONResponse(
        _body(
            "RequestValidationError",
            detail or "the request is not valid",
            "fix the fields listed in `fields` and send it again",
            fields=fields,
        ),
        status_code=422,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # The framework could not even decode the body (e.g. not UTF-8): a payload error.
        ERRORS.labels(kind="RequestValidationError").inc()
        return JSONResponse(
            _body(
                "RequestValidationError",
                f"body: {exc.detail}",
                "send a UTF-8 JSON object",
                fields={"body": str(exc.detail)},
            ),
            status_code=422,
        )
    names = {404: "NotFound", 405: "MethodNotAllowed", 401: "Unauthorized"}
    hint = {404: "check the path; GET /docs lists every route"}.get(exc.status_code)
    headers = dict(exc.headers or {})
    ERRORS.labels(kind=names.get(exc.status_code, "HTTPError")).inc()
    return JSONResponse(
        _body(names.get(exc.status_code, "HTTPError"), str(exc.detail), hint),
        status_code=exc.status_code,
        headers=headers,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    ERRORS.labels(kind=type(exc).__name__).inc()
    return JSONResponse(
        _body(
            "InternalError",
            "the server failed to handle this request",
            "try again; if it keeps failing, report it with the X-Request-ID header",
        ),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(TutorError, _tutor_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for these error codes (all with ErrorBody)."""
    text = {
        400: "The request cannot be carried out as sent.",
        401: "Missing, invalid or expired credentials.",
        404: "No such resource (or not yours).",
        409: "The resource is busy or changed meanwhile.",
        413: "The request body is too large.",
        422: "A field is not valid; `fields` says which.",
        429: "Too many jobs; see Retry-After.",
        503: "A dependency is unavailable.",
    }
    return {code: {"model": ErrorBody, "description": text[code]} for code in codes}
