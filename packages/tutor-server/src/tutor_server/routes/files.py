"""`/api/files/chunks/{key}`: local media served with HTTP Range, to its owner only."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from tutor_server.deps import CurrentUser, ServiceDep
from tutor_server.errors import responses

router = APIRouter(prefix="/api/files", tags=["files"], responses=responses(401, 404))

_TYPES = {".mp4": "video/mp4", ".vtt": "text/vtt; charset=utf-8"}


@router.get(
    "/chunks/{key:path}",
    name="get",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}, "text/vtt": {}}, "description": "The file."},
        206: {"content": {"video/mp4": {}}, "description": "The requested byte range."},
        416: {"description": "The range is outside the file."},
    },
)
async def get_file(key: str, user: CurrentUser, service: ServiceDep) -> FileResponse:
    """A chunk, subtitles or export of one of your sessions (Range requests work)."""
    path = await service.local_file(user, key)
    return FileResponse(
        path,
        media_type=_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "private, max-age=31536000, immutable"},
    )
