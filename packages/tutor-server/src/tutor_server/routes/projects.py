"""`/api/projects`: create, list, get, rename, delete (with sessions and stored objects)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from tutor_server import schemas
from tutor_server.deps import CurrentUser, ServiceDep
from tutor_server.errors import responses

router = APIRouter(
    prefix="/api/projects", tags=["projects"], responses=responses(401, 404, 413, 422)
)


@router.post("", status_code=status.HTTP_201_CREATED, name="create")
async def create_project(
    body: schemas.ProjectCreate, user: CurrentUser, service: ServiceDep
) -> schemas.ProjectOut:
    """Create a project."""
    project = await service.create_project(user, body)
    return schemas.ProjectOut.model_validate(project, from_attributes=True)


@router.get("", name="list")
async def list_projects(user: CurrentUser, service: ServiceDep) -> list[schemas.ProjectOut]:
    """Your projects, oldest first."""
    return [
        schemas.ProjectOut.model_validate(p, from_attributes=True)
        for p in await service.list_projects(user)
    ]


@router.get("/{project_id}", name="get")
async def get_project(
    project_id: str, user: CurrentUser, service: ServiceDep
) -> schemas.ProjectOut:
    """One project."""
    project = await service.project(user, project_id)
    return schemas.ProjectOut.model_validate(project, from_attributes=True)


@router.patch("/{project_id}", name="rename", responses=responses(409))
async def rename_project(
    project_id: str, body: schemas.ProjectUpdate, user: CurrentUser, service: ServiceDep
) -> schemas.ProjectOut:
    """Rename a project."""
    project = await service.rename_project(user, project_id, body)
    return schemas.ProjectOut.model_validate(project, from_attributes=True)


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="delete",
    responses=responses(409, 503),
)
async def delete_project(project_id: str, user: CurrentUser, service: ServiceDep) -> Response:
    """Delete a project, its sessions and scenes, and every stored chunk and source."""
    await service.delete_project(user, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{project_id}/sessions", name="list_sessions")
async def list_sessions(
    project_id: str, user: CurrentUser, service: ServiceDep
) -> list[schemas.SessionOut]:
    """The project's sessions, oldest first (without scenes)."""
    return [service.session_out(s) for s in await service.list_sessions(user, project_id)]


@router.post(
    "/{project_id}/sessions",
    status_code=status.HTTP_202_ACCEPTED,
    name="start_session",
    responses=responses(400, 409, 429, 503),
)
async def start_session(
    project_id: str, body: schemas.SessionCreate, user: CurrentUser, service: ServiceDep
) -> schemas.SessionDetail:
    """Start generating a video: answers 202 with the queued session at once.

    Follow it with `GET /api/sessions/{id}/events` (Server-Sent Events).
    """
    session = await service.start_session(user, project_id, body)
    return await service.session_detail(session)
