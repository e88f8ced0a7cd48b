"""InProcessQueue: states, failures, cancellation, bounded concurrency."""

from __future__ import annotations

import anyio
import pytest

from tutor_core.errors import ConfigurationError, InvalidInput, NotFound
from tutor_core.interfaces import JobQueue
from tutor_core.models import Job, JobKind, JobState
from tutor_core.queues.inprocess import InProcessQueue


def _job(n: int | str) -> Job:
    return Job(id=f"job{n}", kind=JobKind.GENERATE, session_id="ses_x", correlation_id=f"c{n}")


@pytest.mark.anyio
async def test_jobs_run_and_report_done_or_failed() -> None:
    ran: list[str] = []

    async def runner(job: Job) -> None:
        await anyio.sleep(0)
        if job.id == "job2":
            raise RuntimeError("boom")
        ran.append(job.id)

    queue = InProcessQueue(concurrency=2)
    assert isinstance(queue, JobQueue)
    queue.bind(runner)
    async with queue:
        assert await queue.submit(_job(1)) == "job1"
        await queue.submit(_job(2))
        assert (await queue.status("job1")).state in (JobState.QUEUED, JobState.RUNNING)
        done = await queue.wait("job1")
        failed = await queue.wait("job2")
    assert ran == ["job1"]
    assert done.state is JobState.DONE and done.error is None
    assert failed.state is JobState.FAILED and failed.error == "RuntimeError: boom"
    assert await queue.cancel("job1") is False  # already finished
    with pytest.raises(NotFound):
        await queue.status("job99")


@pytest.mark.anyio
async def test_cancel_running_and_queued_jobs() -> None:
    started = anyio.Event()
    finished: list[str] = []

    async def runner(job: Job) -> None:
        started.set()
        await anyio.sleep_forever()
        finished.append(job.id)

    queue = InProcessQueue(concurrency=1)
    queue.bind(runner)
    await queue.start()
    await queue.submit(_job("running"))
    await queue.submit(_job("waiting"))
    with anyio.fail_after(10):
        await started.wait()
        assert (await queue.status("jobrunning")).state is JobState.RUNNING
        assert (await queue.status("jobwaiting")).state is JobState.QUEUED
        assert await queue.cancel("jobwaiting") is True
        assert await queue.cancel("jobrunning") is True
    for job_id in ("jobrunning", "jobwaiting"):
        info = await queue.status(job_id)
        assert info.state is JobState.CANCELLED and info.error
    assert finished == []
    await queue.close()


@pytest.mark.anyio
async def test_close_cancels_unfinished_jobs() -> None:
    async def runner(job: Job) -> None:
        await anyio.sleep_forever()

    queue = InProcessQueue()
    queue.bind(runner)
    await queue.start()
    await queue.submit(_job(1))
    await anyio.sleep(0.01)
    # close() must run in the task (and cancel-scope level) that called start().
    await queue.close()
    assert (await queue.status("job1")).state is JobState.CANCELLED


@pytest.mark.anyio
async def test_concurrency_bound_is_respected() -> None:
    running = 0
    peak = 0

    async def runner(job: Job) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        for _ in range(5):
            await anyio.sleep(0.005)
        running -= 1

    queue = InProcessQueue(concurrency=3)
    queue.bind(runner)
    async with queue:
        for n in range(10):
            await queue.submit(_job(n))
        with anyio.fail_after(20):
            await queue.join()
    assert peak == 3
    states = [(await queue.status(f"job{n}")).state for n in range(10)]
    assert states == [JobState.DONE] * 10


@pytest.mark.anyio
async def test_misuse_gives_clear_errors() -> None:
    queue = InProcessQueue()
    with pytest.raises(ConfigurationError, match="runner"):
        await queue.submit(_job(1))

    async def runner(job: Job) -> None:
        return None

    queue.bind(runner)
    with pytest.raises(ConfigurationError, match="not started") as info:
        await queue.submit(_job(1))
    assert "async with" in (info.value.hint or "")
    with pytest.raises(InvalidInput):
        InProcessQueue(concurrency=0)
