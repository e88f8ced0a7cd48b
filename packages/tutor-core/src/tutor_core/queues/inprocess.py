"""In-process job queue: anyio tasks, bounded by a CapacityLimiter, cancellable per job."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType

import anyio
from anyio.abc import TaskGroup

from tutor_core.errors import (
    ConfigurationError,
    ConflictError,
    InvalidInput,
    JobCancelled,
    NotFound,
)
from tutor_core.interfaces import JobRunner
from tutor_core.models import Job, JobInfo, JobState

log = logging.getLogger("tutor.queue")

_FINAL = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


@dataclass
class _Entry:
    job: Job
    state: JobState = JobState.QUEUED
    error: str | None = None
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    done: anyio.Event = field(default_factory=anyio.Event)

    def info(self) -> JobInfo:
        return JobInfo(id=self.job.id, state=self.state, error=self.error)


class InProcessQueue:
    """A `JobQueue` that runs jobs as tasks of this process.

    Use it as `async with InProcessQueue(2) as queue:`, or call `await start()` and
    later `await close()` from the same task at the same cancel-scope level (a task
    group is open in between, so e.g. a `fail_after` block must not straddle them).

    Args:
        concurrency: how many jobs may run at once; the rest wait, queued.
    """

    name = "inprocess"
    durable = False
    """Jobs live in this process: they are lost if it dies (see `Tutor.submit_generate`)."""

    def __init__(self, concurrency: int = 1) -> None:
        if concurrency < 1:
            raise InvalidInput(
                f"queue concurrency must be at least 1, got {concurrency}",
                hint="set TUTOR_CONCURRENCY to a positive number",
            )
        self.concurrency = concurrency
        self._limiter = anyio.CapacityLimiter(concurrency)
        self._runner: JobRunner | None = None
        self._tg: TaskGroup | None = None
        self._jobs: dict[str, _Entry] = {}
        self._helper_scopes: list[anyio.CancelScope] = []

    def bind(self, runner: JobRunner) -> None:
        """Set the coroutine function that runs a job."""
        self._runner = runner

    @property
    def started(self) -> bool:
        return self._tg is not None

    async def start(self) -> None:
        """Open the task group that runs jobs (idempotent)."""
        if self._tg is not None:
            return
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg

    async def __aenter__(self) -> InProcessQueue:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._shutdown(exc_type, exc, tb)

    async def submit(self, job: Job) -> str:
        """Queue a job; it starts when a slot is free. Returns the job id."""
        if self._runner is None:
            raise ConfigurationError(
                "the queue has no runner", hint="call queue.bind(runner) before submitting jobs"
            )
        if self._tg is None:
            raise ConfigurationError(
                "the in-process queue is not started",
                hint="use `async with queue:` or `await queue.start()` before submitting jobs",
            )
        if job.id in self._jobs and self._jobs[job.id].state not in _FINAL:
            raise ConflictError(
                f"job {job.id!r} is already queued or running",
                hint="wait for it to end, or give the new job another id",
            )
        entry = _Entry(job)
        self._jobs[job.id] = entry
        self._tg.start_soon(self._run, entry, self._runner, name=f"job {job.id}")
        return job.id

    async def _run(self, entry: _Entry, runner: JobRunner) -> None:
        try:
            with entry.scope:
                async with self._limiter:
                    entry.state = JobState.RUNNING
                    try:
                        await runner(entry.job)
                    except JobCancelled as exc:
                        entry.state, entry.error = JobState.CANCELLED, str(exc)
                    # One failing job must not tear down the task group and its siblings.
                    except Exception as exc:
                        log.exception("job %s failed", entry.job.id)
                        entry.state = JobState.FAILED
                        entry.error = f"{type(exc).__name__}: {exc}"
                    else:
                        entry.state = JobState.DONE
            if entry.state not in _FINAL:  # the cancel scope stopped it
                entry.state = JobState.CANCELLED
                entry.error = entry.error or "cancelled"
        finally:
            entry.done.set()

    def run_in_background(self, fn: Callable[[], Awaitable[None]]) -> None:
        """Run a helper task beside the jobs until the queue closes (e.g. lease renewals)."""
        if self._tg is None:
            raise ConfigurationError(
                "the in-process queue is not started", hint="start it before adding helpers"
            )
        scope = anyio.CancelScope()
        self._helper_scopes.append(scope)

        async def helper() -> None:
            with scope:
                await fn()

        self._tg.start_soon(helper, name="queue helper")

    def _entry(self, job_id: str) -> _Entry:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFound(
                f"no job {job_id!r} in this queue",
                hint="job ids are only known to the process that submitted them",
            ) from None

    async def status(self, job_id: str) -> JobInfo:
        """The job's state: queued, running, done, failed (with error) or cancelled."""
        return self._entry(job_id).info()

    async def wait(self, job_id: str) -> JobInfo:
        """Wait until the job ends and return its final state."""
        entry = self._entry(job_id)
        await entry.done.wait()
        return entry.info()

    async def join(self) -> None:
        """Wait until every submitted job has ended."""
        for entry in list(self._jobs.values()):
            await entry.done.wait()

    async def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job and wait for it to stop; False if it had ended."""
        entry = self._entry(job_id)
        if entry.state in _FINAL:
            return False
        entry.scope.cancel()
        await entry.done.wait()
        return True

    async def close(self) -> None:
        """Cancel the jobs that have not ended and close the task group."""
        await self._shutdown(None, None, None)

    async def _shutdown(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tg, self._tg = self._tg, None
        for entry in self._jobs.values():
            if entry.state not in _FINAL:
                entry.scope.cancel()
        for scope in self._helper_scopes:
            scope.cancel()
        self._helper_scopes.clear()
        if tg is not None:
            await tg.__aexit__(exc_type, exc, tb)
