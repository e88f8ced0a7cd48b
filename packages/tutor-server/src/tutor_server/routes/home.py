"""`/`: where the local-mode URL lands; it turns `?token=` into a cookie and opens the docs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tutor_server.tokens import Unauthorized, verify_token

router = APIRouter(tags=["home"])

COOKIE = "tutor_token"


@router.get("/", name="home", include_in_schema=False)
async def home(
    request: Request, token: Annotated[str | None, Query(max_length=4096)] = None
) -> Response:
    """Links; in local mode, `/?token=...` signs this browser in (cookie) and opens /docs."""
    settings = request.app.state.settings
    if token is not None and settings.local_mode:
        try:
            verify_token(request.app.state.secret, token)
        except Unauthorized:
            raise
        response = RedirectResponse("/docs", status_code=303)
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", max_age=settings.token_ttl
        )
        return response
    return JSONResponse({"name": "tutor", "docs": "/docs", "openapi": "/openapi.json"})
