"""SQLite store (WAL): every record is the JSON of its model plus a few indexed columns.

Blocking sqlite calls run in worker threads (`anyio.to_thread`) on one connection per
store, guarded by a thread lock, so the event loop never waits on the disk. Updates are
compare-and-set: inside one `BEGIN IMMEDIATE` transaction (which takes SQLite's write
lock, so no other connection or process writes in between) the stored revision and
status are checked, the transition is checked against `tutor_core.states`, and
`UPDATE ... WHERE id=? AND revision=?` bumps the revision.
"""

from __future__ import annotations

import functools
import json
import secrets
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel, ValidationError

from tutor_core import states
from tutor_core.errors import ConflictError, InvalidInput, NotFound, StorageError
from tutor_core.models import (
    Project,
    Scene,
    SceneStatus,
    SessionStatus,
    User,
    VideoSession,
    now_ms,
)
from tutor_core.stores.watching import Watchers

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

POLL_INTERVAL = 0.5
"""Seconds between `PRAGMA data_version` polls in `watch` (changes by other processes)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    revision INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS projects_owner ON projects(owner_id);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    created_at REAL NOT NULL,
    revision INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_project ON sessions(project_id);
CREATE INDEX IF NOT EXISTS sessions_status ON sessions(json_extract(data, '$.status'));
CREATE TABLE IF NOT EXISTS scenes (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    project_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scenes_session ON scenes(session_id, idx);
"""

PREFIXES = {"user": "usr_", "project": "prj_", "session": "ses_", "scene": "scn_"}

_NOUNS = {"users": "user", "projects": "project", "sessions": "session", "scenes": "scene"}
_FIND = {
    "users": "users are created on first use; check the id that was passed",
    "projects": "`tutor sessions` lists your sessions",
    "sessions": "`tutor sessions` lists your sessions",
    "scenes": "`tutor show` lists the scenes of your newest session",
}
"""Where a person finds the right id (CLI commands; the CLI prints them as it was run)."""

_LEGACY_FIELDS: dict[str, frozenset[str]] = {
    "Scene": frozenset({"s3_chunk_url", "s3_subtitles_url"}),
}
"""Fields older versions stored that are no longer part of a model (URLs are now computed
when read): dropped when a record is loaded."""


def new_id(prefix: str) -> str:
    """A short random URL-safe id such as `ses_Xy3k9AbQ2mNp` (72 random bits).

    The alphabet is letters and digits only, so ids are valid storage-key segments.
    """
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(12))


def _dump(model: BaseModel) -> str:
    return model.model_dump_json()


def _load(model_cls: type[M], text: str | bytes) -> M:
    legacy = _LEGACY_FIELDS.get(model_cls.__name__)
    if legacy is None:
        return model_cls.model_validate_json(text)
    data = json.loads(text)
    for key in legacy & data.keys():
        del data[key]
    return model_cls.model_validate(data)


def _machine(model_cls: type[BaseModel]) -> states.StateMachine[Any] | None:
    if model_cls is Scene:
        return states.SCENE
    if model_cls is VideoSession:
        return states.SESSION
    return None


def _changed(model_cls: type[M], current: M, changes: dict[str, Any], revision: int) -> M:
    """Validate `changes` through the model; bump revision and updated_at."""
    fields = model_cls.model_fields
    unknown = sorted(k for k in changes if k not in fields)
    if unknown:
        raise InvalidInput(
            f"{model_cls.__name__} has no field(s) {', '.join(unknown)}",
            hint=f"fields are: {', '.join(sorted(fields))}",
        )
    for frozen in ("id", "revision"):
        if frozen in changes:
            raise InvalidInput(
                f"{frozen!r} cannot be changed by an update",
                hint="the store manages ids and revisions; pass revision= as the one you read",
            )
    data = current.model_dump()
    data.update(changes)
    data["revision"] = revision + 1
    if "updated_at" in fields and "updated_at" not in changes:
        data["updated_at"] = now_ms()
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            f"invalid change to {model_cls.__name__}: {exc.errors()[0]['msg']} "
            f"({'.'.join(str(p) for p in exc.errors()[0]['loc'])})",
            hint="check the value against tutor_core.models",
        ) from exc


class SQLiteStore:
    """A `Store` in one SQLite file (or `":memory:"`).

    Args:
        path: database file path (parent directories are created) or `":memory:"`.
    """

    name = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:" and not path.startswith("file:"):
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                path,
                check_same_thread=False,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                timeout=10.0,
                uri=path.startswith("file:"),
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StorageError(
                f"cannot open the SQLite database {path!r}: {exc}",
                hint="check TUTOR_DATABASE_URL / TUTOR_HOME points to a writable directory",
            ) from exc
        self._lock = threading.Lock()
        self._closed = False
        self._watchers = Watchers()

    # ------------------------------------------------------------ plumbing

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise StorageError("the store is closed", hint="create a new SQLiteStore")
        return await anyio.to_thread.run_sync(functools.partial(self._locked, fn, *args))

    def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            return fn(*args)

    def _one(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(sql, args).fetchone()
        return row

    def _get(self, table: str, model_cls: type[M], record_id: str) -> M:
        row = self._one(f"SELECT data FROM {table} WHERE id=?", (record_id,))  # noqa: S608
        if row is None:
            raise NotFound(f"no {_NOUNS.get(table, table)} {record_id}", hint=_FIND.get(table))
        return _load(model_cls, row[0])

    def _insert(self, sql: str, args: tuple[Any, ...], what: str) -> None:
        try:
            self._conn.execute(sql, args)
        except sqlite3.IntegrityError as exc:
            msg = str(exc)
            if "FOREIGN KEY" in msg:
                raise NotFound(
                    f"cannot create {what}: its parent record does not exist",
                    hint="create the user, project and session first (ensure_user, "
                    "create_project, create_session)",
                ) from exc
            raise ConflictError(
                f"cannot create {what}: a record with that id already exists",
                hint="leave id empty so the store generates one",
            ) from exc

    def _update(
        self,
        table: str,
        model_cls: type[M],
        record_id: str,
        revision: int,
        expected_status: Any,
        changes: dict[str, Any],
        columns: Callable[[M], dict[str, Any]],
    ) -> M:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._get(table, model_cls, record_id)
            what = f"{model_cls.__name__} {record_id!r}"
            stored = getattr(current, "revision")  # noqa: B009 - every updatable model has it
            if stored != revision:
                raise ConflictError(
                    f"{what} is at revision {stored}, not {revision}: someone else changed it",
                    hint="re-read the record and decide again",
                )
            machine = _machine(model_cls)
            if machine is not None:
                status = getattr(current, "status")  # noqa: B009
                if expected_status is None or status != expected_status:
                    raise ConflictError(
                        f"{what} is {status.value}, not {getattr(expected_status, 'value', None)}",
                        hint="re-read the record and decide again",
                    )
                target = changes.get("status", status)
                if target != status:
                    machine.check(status, type(status)(target))
            new = _changed(model_cls, current, changes, revision)
            extra = columns(new)
            sets = ", ".join(f"{c}=?" for c in ["data", "revision", *extra])
            cur = self._conn.execute(
                f"UPDATE {table} SET {sets} WHERE id=? AND revision=?",  # noqa: S608
                (_dump(new), revision + 1, *extra.values(), record_id, revision),
            )
            if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as a guard
                raise ConflictError(
                    f"{what} changed while it was being updated",
                    hint="re-read the record and decide again",
                )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return new

    def _renew(
        self,
        table: str,
        model_cls: type[VideoSession] | type[Scene],
        record_id: str,
        job_id: str,
        expires_at: float,
        busy: frozenset[Any],
    ) -> bool:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._get(table, model_cls, record_id)
            if current.job_id != job_id or current.status not in busy:
                self._conn.execute("ROLLBACK")
                return False
            renewed = current.model_copy(update={"lease_expires_at": float(expires_at)})
            # Same revision on purpose: a renewal must not make the holder's next
            # compare-and-set fail.
            self._conn.execute(
                f"UPDATE {table} SET data=? WHERE id=? AND revision=?",  # noqa: S608
                (_dump(renewed), record_id, current.revision),
            )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return True

    # --------------------------------------------------------------- users

    async def ensure_user(
        self, external_id: str, *, name: str | None = None, email: str | None = None
    ) -> User:
        """The user with this auth-provider id, created on first sight."""
        if not external_id:
            raise InvalidInput("empty external user id", hint="pass the auth provider's user id")

        def op() -> User:
            row = self._one("SELECT data FROM users WHERE external_id=?", (external_id,))
            if row is not None:
                user = _load(User, row[0])
                changes = {k: v for k, v in (("name", name), ("email", email)) if v is not None}
                if changes and any(getattr(user, k) != v for k, v in changes.items()):
                    user = user.model_copy(update=changes)
                    self._conn.execute("UPDATE users SET data=? WHERE id=?", (_dump(user), user.id))
                return user
            user = User(
                id=new_id(PREFIXES["user"]), external_id=external_id, name=name, email=email
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO users(id, external_id, data) VALUES (?, ?, ?)",
                (user.id, external_id, _dump(user)),
            )
            # Another connection may have inserted the same external id first: read back.
            row = self._one("SELECT data FROM users WHERE external_id=?", (external_id,))
            assert row is not None
            return _load(User, row[0])

        return await self._run(op)

    async def get_user(self, user_id: str) -> User:
        return await self._run(self._get, "users", User, user_id)

    # ------------------------------------------------------------ projects

    async def create_project(
        self, owner_id: str, title: str, description: str | None = None
    ) -> Project:
        project = Project(
            id=new_id(PREFIXES["project"]), owner_id=owner_id, title=title, description=description
        )

        def op() -> Project:
            self._insert(
                "INSERT INTO projects(id, owner_id, revision, data) VALUES (?, ?, ?, ?)",
                (project.id, owner_id, project.revision, _dump(project)),
                f"project {title!r} for user {owner_id!r}",
            )
            return project

        return await self._run(op)

    async def get_project(self, project_id: str) -> Project:
        return await self._run(self._get, "projects", Project, project_id)

    async def list_projects(self, owner_id: str) -> list[Project]:
        def op() -> list[Project]:
            rows = self._conn.execute(
                "SELECT data FROM projects WHERE owner_id=? ORDER BY rowid", (owner_id,)
            ).fetchall()
            return [_load(Project, r[0]) for r in rows]

        return await self._run(op)

    async def update_project(self, project_id: str, *, revision: int, **changes: Any) -> Project:
        """Apply `changes` (e.g. `title`) if the stored revision is `revision`."""

        def op() -> Project:
            return self._update(
                "projects", Project, project_id, revision, None, changes, lambda m: {}
            )

        return await self._run(op)

    async def delete_project(self, project_id: str) -> None:
        """Delete a project with its sessions and scenes (NotFound if it does not exist)."""

        def op() -> None:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._get("projects", Project, project_id)
                self._conn.execute("DELETE FROM scenes WHERE project_id=?", (project_id,))
                self._conn.execute("DELETE FROM sessions WHERE project_id=?", (project_id,))
                self._conn.execute("DELETE FROM projects WHERE id=?", (project_id,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

        await self._run(op)

    # ------------------------------------------------------------ sessions

    async def create_session(self, session: VideoSession) -> VideoSession:
        """Insert a session; an empty `id` gets a generated `ses_...` id."""
        if not session.id:
            session = session.model_copy(update={"id": new_id(PREFIXES["session"])})

        def op() -> VideoSession:
            self._insert(
                "INSERT INTO sessions(id, project_id, created_at, revision, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (session.id, session.project_id, session.created_at, session.revision,
                 _dump(session)),
                f"session {session.id!r} in project {session.project_id!r}",
            )  # fmt: skip
            return session

        created = await self._run(op)
        self._watchers.notify(created.id, created)
        return created

    async def get_session(self, session_id: str) -> VideoSession:
        return await self._run(self._get, "sessions", VideoSession, session_id)

    async def list_sessions(
        self,
        project_id: str | None = None,
        *,
        statuses: Collection[SessionStatus] | None = None,
    ) -> list[VideoSession]:
        """Sessions of a project (or all), oldest first; only `statuses` when given."""
        where: list[str] = []
        args: list[Any] = []
        if project_id is not None:
            where.append("project_id=?")
            args.append(project_id)
        if statuses is not None:
            wanted = [SessionStatus(s).value for s in statuses]
            if not wanted:
                return []
            where.append(f"json_extract(data, '$.status') IN ({', '.join('?' * len(wanted))})")
            args.extend(wanted)
        sql = "SELECT data FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at, rowid"

        def op() -> list[VideoSession]:
            rows = self._conn.execute(sql, tuple(args)).fetchall()
            return [_load(VideoSession, r[0]) for r in rows]

        return await self._run(op)

    async def update_session(
        self,
        session_id: str,
        *,
        revision: int,
        expected_status: SessionStatus,
        **changes: Any,
    ) -> VideoSession:
        """Apply `changes` if the session is at `revision` and `expected_status`.

        Raises:
            ConflictError: the session changed since it was read.
            InvalidTransition: `status` is not reachable from the stored status.
            NotFound, InvalidInput: no such session, or a bad change.
        """

        def op() -> VideoSession:
            return self._update(
                "sessions",
                VideoSession,
                session_id,
                revision,
                expected_status,
                changes,
                lambda m: {},
            )

        new = await self._run(op)
        self._watchers.notify(session_id, new)
        return new

    async def renew_session_lease(self, session_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy session held by `job_id` (False when not held)."""
        return await self._run(
            self._renew,
            "sessions",
            VideoSession,
            session_id,
            job_id,
            expires_at,
            states.BUSY_SESSION,
        )

    # -------------------------------------------------------------- scenes

    async def create_scene(self, scene: Scene) -> Scene:
        """Insert a scene; an empty `id` gets a generated `scn_...` id."""
        # Only the stored fields: a SceneView's URLs are computed when read, never kept.
        scene = Scene.model_validate(scene.model_dump(include=set(Scene.model_fields)))
        if not scene.id:
            scene = scene.model_copy(update={"id": new_id(PREFIXES["scene"])})

        def op() -> Scene:
            self._insert(
                "INSERT INTO scenes(id, session_id, project_id, idx, revision, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (scene.id, scene.session_id, scene.project_id, scene.index, scene.revision,
                 _dump(scene)),
                f"scene {scene.index} of session {scene.session_id!r}",
            )  # fmt: skip
            return scene

        created = await self._run(op)
        self._watchers.notify(created.session_id, created)
        return created

    async def get_scene(self, scene_id: str) -> Scene:
        return await self._run(self._get, "scenes", Scene, scene_id)

    async def list_scenes(self, session_id: str) -> list[Scene]:
        """The scenes of a session, ordered by index."""

        def op() -> list[Scene]:
            rows = self._conn.execute(
                "SELECT data FROM scenes WHERE session_id=? ORDER BY idx, rowid", (session_id,)
            ).fetchall()
            return [_load(Scene, r[0]) for r in rows]

        return await self._run(op)

    async def update_scene(
        self,
        scene_id: str,
        *,
        revision: int,
        expected_status: SceneStatus,
        **changes: Any,
    ) -> Scene:
        """Apply `changes` if the scene is at `revision` and `expected_status`.

        Raises:
            ConflictError: the scene changed since it was read.
            InvalidTransition: `status` is not reachable from the stored status.
            NotFound, InvalidInput: no such scene, or a bad change.
        """

        def op() -> Scene:
            return self._update(
                "scenes",
                Scene,
                scene_id,
                revision,
                expected_status,
                changes,
                lambda m: {"idx": m.index},
            )

        new = await self._run(op)
        self._watchers.notify(new.session_id, new)
        return new

    async def renew_scene_lease(self, scene_id: str, *, job_id: str, expires_at: float) -> bool:
        """Extend the lease of a busy scene held by `job_id` (False when not held)."""
        return await self._run(
            self._renew, "scenes", Scene, scene_id, job_id, expires_at, states.BUSY_SCENE
        )

    # --------------------------------------------------------------- watch

    def _snapshot(self, session_id: str) -> tuple[int, list[VideoSession | Scene]]:
        version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        items: list[VideoSession | Scene] = [self._get("sessions", VideoSession, session_id)]
        rows = self._conn.execute(
            "SELECT data FROM scenes WHERE session_id=? ORDER BY idx, rowid", (session_id,)
        ).fetchall()
        items.extend(_load(Scene, r[0]) for r in rows)
        return version, items

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def watch(self, session_id: str) -> AsyncIterator[VideoSession | Scene]:
        """Yield the session or scene that changed, after each committed change.

        Changes made through this store arrive at once; changes made by other
        connections (other processes) are found by polling `PRAGMA data_version`
        every POLL_INTERVAL seconds. Each revision is yielded at most once; when
        several land together only the latest is seen. Ends when the store closes.

        Raises:
            NotFound: the session does not exist.
        """
        version = 0

        async def snapshot() -> list[VideoSession | Scene]:
            nonlocal version
            version, rows = await self._run(self._snapshot, session_id)
            return rows

        async def poll() -> list[VideoSession | Scene]:
            if await self._run(self._data_version) == version:
                return []
            return await snapshot()

        return self._watchers.watch(session_id, snapshot, poll, POLL_INTERVAL)

    async def close(self) -> None:
        """Close the connection; running `watch` iterators end."""
        if self._closed:
            return
        self._closed = True
        self._watchers.close()
        await anyio.to_thread.run_sync(functools.partial(self._locked, self._conn.close))
