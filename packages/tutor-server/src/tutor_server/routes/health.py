"""Public probes: `/healthz` (the process answers), `/readyz` (dependencies), `/metrics`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tutor_server import schemas
from tutor_server.deps import ServiceDep
from tutor_server.readiness import check_ready, refresh_gauges

router = APIRouter(tags=["health"])


@router.get("/healthz", name="live")
async def healthz() -> schemas.Health:
    """The process is up."""
    return schemas.Health()


@router.get(
    "/readyz",
    name="ready",
    responses={503: {"model": schemas.Readiness, "description": "A dependency is down."}},
)
async def readyz(request: Request, service: ServiceDep) -> JSONResponse:
    """Store, storage, queue and event log reachable (503 with the failing check if not)."""
    checks = await check_ready(service, request.app.state.events)
    ok = all(v == "ok" for v in checks.values())
    body = schemas.Readiness(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(by_alias=True), status_code=200 if ok else 503)


@router.get(
    "/metrics",
    name="metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus metrics."}},
)
async def metrics(service: ServiceDep) -> Response:
    """Prometheus metrics: request latency by route, jobs by state, queue depth, errors."""
    await refresh_gauges(service)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
