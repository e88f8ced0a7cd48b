"""`/api/scenes/{id}`: edit, retry, versions and rollback of one scene."""

from __future__ import annotations

from fastapi import APIRouter, status

from tutor_server import schemas
from tutor_server.deps import CurrentUser, ServiceDep
from tutor_server.errors import responses

router = APIRouter(prefix="/api/scenes", tags=["scenes"], responses=responses(401, 404))


@router.get("/{scene_id}", name="get")
async def get_scene(scene_id: str, user: CurrentUser, service: ServiceDep) -> schemas.SceneOut:
    """One scene."""
    return await service.scene_out(await service.scene(user, scene_id))


@router.post(
    "/{scene_id}/edit",
    name="edit",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(409, 413, 422, 429, 503),
)
async def edit_scene(
    scene_id: str, body: schemas.SceneEditRequest, user: CurrentUser, service: ServiceDep
) -> schemas.JobAccepted:
    """Change one scene by prompt; only it is rendered again, as version n+1."""
    return await service.edit(user, scene_id, body.prompt)


@router.post(
    "/{scene_id}/retry",
    name="retry",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(409, 429, 503),
)
async def retry_scene(scene_id: str, user: CurrentUser, service: ServiceDep) -> schemas.JobAccepted:
    """Run a failed scene (or its failed edit) again."""
    return await service.retry(user, scene_id)


@router.get("/{scene_id}/versions", name="versions")
async def scene_versions(
    scene_id: str, user: CurrentUser, service: ServiceDep
) -> list[schemas.VersionOut]:
    """The scene's stored versions, oldest first."""
    return [await service.version_out(v) for v in await service.versions(user, scene_id)]


@router.post("/{scene_id}/rollback", name="rollback", responses=responses(400, 409, 413, 422, 503))
async def rollback_scene(
    scene_id: str, body: schemas.RollbackRequest, user: CurrentUser, service: ServiceDep
) -> schemas.SessionDetail:
    """Make an older version current again, as a new version (copies; no render)."""
    session = await service.rollback(user, scene_id, body.version)
    return await service.session_detail(session)
