"""`/api/me`: who the token belongs to."""

from __future__ import annotations

from fastapi import APIRouter

from tutor_server import schemas
from tutor_server.deps import CurrentUser
from tutor_server.errors import responses

router = APIRouter(prefix="/api", tags=["users"], responses=responses(401))


@router.get("/me", name="me")
async def me(user: CurrentUser) -> schemas.UserOut:
    """The signed-in user."""
    return schemas.UserOut(id=user.id, external_id=user.external_id, name=user.name)
