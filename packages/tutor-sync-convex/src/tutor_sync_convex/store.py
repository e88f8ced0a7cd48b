"""ConvexStore: the `Store` protocol over the internal functions of `convex/worker.ts`.

Every call goes through the official Python client (`convex.http_client`, HTTP) with the
deployment's admin key, in a worker thread so the event loop never waits on the network.
Compare-and-set, the state machine and lease checks happen inside Convex mutations (one
transaction each); their `ConvexError`s come back as `ConflictError`,
`InvalidTransition`, `NotFound` and `InvalidInput`.

`watch` yields this store's own writes at once and finds other processes' writes by
polling (the HTTP client has no subscriptions; a Convex frontend subscribes to
`sessions.get` directly).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Collection
from enum import Enum
from typing import Any, TypeVar

import anyio
from convex import ConvexError
from convex.http_client import ConvexExecutionError, ConvexHttpClient
from pydantic import BaseModel, TypeAdapter, ValidationError

from tutor_core.errors import (
    ConfigurationError,
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StorageError,
    TutorError,
)
from tutor_core.models import (
    Project,
    Scene,
    SceneStatus,
    SessionStatus,
    User,
    VideoSession,
)
from tutor_core.stores.watching import Watchers
from tutor_sync_convex.settings import ConvexSettings

M = TypeVar("M", bound=BaseModel)
_Row = TypeVar("_Row", VideoSession, Scene)

# Fields each update may change (Python names); Convex owns ids, revisions and times.
SESSION_FIELDS = frozenset(
    {
        "status",
        "target_fps",
        "width",
        "height",
        "codec",
        "duration_in_frames",
        "error_message",
        "job_id",
        "lease_expires_at",
        "version",
        "prompt",
        "scene_count",
        "title",
        "quality",
        "narrator",
        "outline",
        "notice",
        "plan_tokens",
        "plan_cost_usd",
    }
)
SCENE_FIELDS = frozenset(
    {
        "status",
        "start_frame",
        "end_frame",
        "duration_in_frames",
        "title",
        "error_message",
        "s3_chunk_key",
        "s3_source_key",
        "s3_spec_key",
        "s3_subtitles_key",
        "checksum",
        "job_id",
        "lease_expires_at",
        "version",
        "narration",
        "pending_edit",
        "fallback",
        "tokens",
        "cost_usd",
    }
)
# Set by Convex on every write; accepted in `changes` for compatibility and ignored.
MANAGED = frozenset({"updated_at", "created_at"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def _model(model_cls: type[M], doc: Any) -> M:
    """A model from a Convex document: `_id` is the id; system and unknown fields go."""
    if not isinstance(doc, dict):
        raise StorageError(f"Convex returned {type(doc).__name__}, expected a document")
    fields = {f.alias or name for name, f in model_cls.model_fields.items()} | set(
        model_cls.model_fields
    )
    data = {k: v for k, v in doc.items() if k in fields}
    data["id"] = doc["_id"]
    return model_cls.model_validate(data)


def _fields(row: BaseModel, names: frozenset[str]) -> dict[str, Any]:
    """A row's `names` camelCased for a Convex create mutation."""
    return {_camel(name): _wire(getattr(row, name)) for name in sorted(names)}


def _changes(model_cls: type[BaseModel], allowed: frozenset[str], changes: dict[str, Any]) -> Any:
    """Check `changes` against the model and return them camelCased for Convex."""
    fields = model_cls.model_fields
    unknown = sorted(k for k in changes if k not in fields)
    if unknown:
        raise InvalidInput(
            f"{model_cls.__name__} has no field(s) {', '.join(unknown)}",
            hint=f"fields are: {', '.join(sorted(fields))}",
        )
    frozen = sorted(k for k in changes if k not in allowed and k not in MANAGED)
    if frozen:
        raise InvalidInput(
            f"{', '.join(repr(k) for k in frozen)} cannot be changed by an update",
            hint="ids, parents, indexes and revisions are managed by the store",
        )
    wire: dict[str, Any] = {}
    for name, value in changes.items():
        if name in MANAGED:
            continue
        if value is not None:
            try:
                adapter: TypeAdapter[Any] = TypeAdapter(fields[name].annotation or Any)
                value = adapter.validate_python(value, strict=False)
            except ValidationError as exc:
                raise InvalidInput(
                    f"invalid value for {model_cls.__name__}.{name}: {exc.errors()[0]['msg']}",
                    hint="check the value against tutor_core.models",
                ) from exc
        wire[_camel(name)] = _wire(value)
    return wire


def _translate(exc: Exception, function: str) -> TutorError:
    """The tutor error for a failed Convex call."""
    if isinstance(exc, ConvexError):
        data = exc.data if isinstance(exc.data, dict) else {}
        kind = data.get("kind")
        message = str(data.get("message") or exc)
        hint = data.get("hint")
        if kind == "invalid_transition":
            return InvalidTransition(
                str(data.get("machine")), str(data.get("source")), str(data.get("target"))
            )
        error_cls: type[TutorError] = {
            "not_found": NotFound,
            "conflict": ConflictError,
            "busy": ConflictError,
            "invalid_input": InvalidInput,
            "unauthenticated": ConfigurationError,
        }.get(str(kind), StorageError)
        return error_cls(message, hint=str(hint) if hint else None)
    text = str(exc)
    if isinstance(exc, ConvexExecutionError):
        if "Could not find public function" in text:
            return ConfigurationError(
                f"the Convex deployment has no function {function}",
                hint="deploy the functions in convex/ (docs/convex.md) and check "
                "TUTOR_CONVEX_ADMIN_KEY: internal functions need the admin key",
            )
        if "Validator" in text or "ArgumentValidationError" in text:
            return InvalidInput(
                f"Convex refused the arguments of {function}: {text.splitlines()[-1][:300]}",
                hint="check the value against tutor_core.models",
            )
        return StorageError(f"Convex function {function} failed: {text[:500]}")
    if "401" in text:
        return ConfigurationError(
            f"Convex refused the credentials: {text[:200]}",
            hint="set TUTOR_CONVEX_ADMIN_KEY to the deployment's admin or deploy key",
        )
    return StorageError(
        f"cannot reach Convex for {function}: {type(exc).__name__}: {text[:300]}",
        hint="check TUTOR_CONVEX_URL and that the deployment is up",
    )


class ConvexStore:
    """A `Store` in a Convex deployment.

    Args:
        settings: the deployment URL, admin key and watch poll interval.
    """

    name = "convex"

    def __init__(self, settings: ConvexSettings) -> None:
        self.settings = settings
        self._client = ConvexHttpClient(settings.url)
        self._client.set_admin_auth(settings.admin_key.get_secret_value())
        self._closed = False
        self._watchers = Watchers()

    # ------------------------------------------------------------ plumbing

    def _call_sync(self, kind: str, function: str, args: dict[str, Any]) -> Any:
        call = {"query": self._client.query, "mutation": self._client.mutation}[kind]
        try:
            return call(function, {k: v for k, v in args.items() if v is not None})
        except Exception as exc:  # every client failure becomes a tutor error
            raise _translate(exc, function) from exc

    async def _call(self, kind: str, function: str, **args: Any) -> Any:
        if self._closed:
            raise StorageError("the store is closed", hint="create a new ConvexStore")
        return await anyio.to_thread.run_sync(
            functools.partial(self._call_sync, kind, function, args)
        )

    # --------------------------------------------------------------- users

    async def ensure_user(
        self, external_id: str, *, name: str | None = None, email: str | None = None
    ) -> User:
        """The user with this auth-provider id, created on first sight."""
        doc = await self._call(
            "mutation", "worker:ensureUser", externalId=external_id, name=name, email=email
        )
        return _model(User, doc)

    async def get_user(self, user_id: str) -> User:
        return _model(User, await self._call("query", "worker:getUser", id=user_id))

    # ------------------------------------------------------------ projects

    async def create_project(
        self, owner_id: str, title: str, description: str | None = None
    ) -> Project:
        doc = await self._call(
            "mutation",
            "worker:createProject",
            ownerId=owner_id,
            title=title,
            description=description,
        )
        return _model(Project, doc)

    async def get_project(self, project_id: str) -> Project:
        return _model(Project, await self._call("query", "worker:getProject", id=project_id))

    async def list_projects(self, owner_id: str) -> list[Project]:
        docs = await self._call("query", "worker:listProjects", ownerId=owner_id)
        return [_model(Project, d) for d in docs]

    async def update_project(self, project_id: str, *, revision: int, **changes: Any) -> Project:
        """Rename or describe a project if it is still at `revision`."""
        wire = _changes(Project, frozenset({"title", "description"}), changes)
        doc = await self._call(
            "mutation", "worker:updateProject", id=project_id, revision=revision, changes=wire
        )
        return _model(Project, doc)

    async def delete_project(self, project_id: str) -> None:
        """Delete a project with its sessions and scenes (stored objects are the caller's)."""
        await self._call("mutation", "worker:deleteProject", id=project_id)

    # ------------------------------------------------------------ sessions

    async def create_session(self, session: VideoSession) -> VideoSession:
        """Create a session; Convex assigns its id (a given id must not exist yet)."""
        if session.id:
            await self._refuse_given_id("session", self.get_session(session.id))
        doc = await self._call(
            "mutation",
            "worker:createSession",
            projectId=session.project_id,
            **_fields(session, SESSION_FIELDS),
        )
        return _model(VideoSession, doc)

    async def _refuse_given_id(self, what: str, existing: Any) -> None:
        try:
            await existing
        except NotFound:
            raise InvalidInput(
                f"Convex assigns {what} ids; cannot create one with a chosen id",
                hint="leave id empty so the store generates one",
            ) from None
        raise ConflictError(
            f"cannot create the {what}: one with that id already exists",
            hint="leave id empty so the store generates one",
        )

    async def get_session(self, session_id: str) -> VideoSession:
        return _model(VideoSession, await self._call("query", "worker:getSession", id=session_id))

    async def list_sessions(
        self,
        project_id: str | None = None,
        *,
        statuses: Collection[SessionStatus] | None = None,
    ) -> list[VideoSession]:
        """Sessions of a project (or all), oldest first, optionally only these statuses."""
        docs = await self._call(
            "query",
            "worker:listSessions",
            projectId=project_id,
            statuses=None if statuses is None else [SessionStatus(s).value for s in statuses],
        )
        return [_model(VideoSession, d) for d in docs]

    async def update_session(
        self,
        session_id: str,
        *,
        revision: int,
        expected_status: SessionStatus,
        **changes: Any,
    ) -> VideoSession:
        """Compare-and-set: apply `changes` if the session is at `revision` and status."""
        return await self._update(
            VideoSession, SESSION_FIELDS, session_id, revision, expected_status, changes
        )

    async def _update(
        self,
        model: type[_Row],
        allowed: frozenset[str],
        row_id: str,
        revision: int,
        expected_status: SessionStatus | SceneStatus,
        changes: dict[str, Any],
    ) -> _Row:
        """Compare-and-set of a session or scene in `worker:updateSession|Scene`."""
        doc = await self._call(
            "mutation",
            f"worker:update{'Session' if model is VideoSession else 'Scene'}",
            id=row_id,
            revision=revision,
            expectedStatus=_wire(expected_status),
            changes=_changes(model, allowed, changes),
        )
        row = _model(model, doc)
        self._watchers.notify(row.id if isinstance(row, VideoSession) else row.session_id, row)
        return row

    async def renew_session_lease(self, session_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy session held by `job_id`; False if not held."""
        renewed = await self._call(
            "mutation",
            "worker:renewLease",
            sessionId=session_id,
            jobId=job_id,
            expiresAt=float(expires_at),
        )
        return bool(renewed)

    # -------------------------------------------------------------- scenes

    async def create_scene(self, scene: Scene) -> Scene:
        """Create a scene; only stored fields are kept (URLs of a `SceneView` are not)."""
        if scene.id:
            await self._refuse_given_id("scene", self.get_scene(scene.id))
        doc = await self._call(
            "mutation",
            "worker:createScene",
            sessionId=scene.session_id,
            index=scene.index,
            **_fields(scene, SCENE_FIELDS),
        )
        created = _model(Scene, doc)
        self._watchers.notify(created.session_id, created)
        return created

    async def get_scene(self, scene_id: str) -> Scene:
        return _model(Scene, await self._call("query", "worker:getScene", id=scene_id))

    async def list_scenes(self, session_id: str) -> list[Scene]:
        docs = await self._call("query", "worker:listScenes", sessionId=session_id)
        return [_model(Scene, d) for d in docs]

    async def update_scene(
        self,
        scene_id: str,
        *,
        revision: int,
        expected_status: SceneStatus,
        **changes: Any,
    ) -> Scene:
        """Compare-and-set: apply `changes` if the scene is at `revision` and status."""
        return await self._update(Scene, SCENE_FIELDS, scene_id, revision, expected_status, changes)

    async def renew_scene_lease(self, scene_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy scene held by `job_id`; False if not held."""
        renewed = await self._call(
            "mutation",
            "worker:renewLease",
            sceneId=scene_id,
            jobId=job_id,
            expiresAt=float(expires_at),
        )
        return bool(renewed)

    # --------------------------------------------------------------- watch

    async def _snapshot(self, session_id: str) -> list[VideoSession | Scene]:
        session = await self.get_session(session_id)
        scenes = await self.list_scenes(session_id)
        return [session, *scenes]

    def watch(self, session_id: str) -> AsyncIterator[VideoSession | Scene]:
        """Yield the session or scene that changed, after each change.

        This store's own writes arrive at once; other processes' writes are found by
        polling every `poll_interval` seconds, in the order they were made. Each revision
        is yielded at most once (a lease renewal keeps the revision, so it is not a
        change). Ends when the store closes.

        Raises:
            NotFound: the session does not exist.
        """

        async def poll() -> list[VideoSession | Scene]:
            # Sessions first on a tie: a job moves its session before its scenes.
            return sorted(
                await self._snapshot(session_id),
                key=lambda i: (i.updated_at, isinstance(i, Scene), i.revision),
            )

        return self._watchers.watch(
            session_id,
            functools.partial(self._snapshot, session_id),
            poll,
            self.settings.poll_interval,
        )

    async def close(self) -> None:
        """Stop: running `watch` iterators end; later calls fail."""
        if self._closed:
            return
        self._closed = True
        self._watchers.close()
