/**
 * The job actions against a real HTTP listener on loopback that verifies every
 * signature with the shared scheme: bodies, retries, backoff, final failure.
 */
import { afterEach, describe, expect, test } from "vitest";
import { api, internal } from "./_generated/api";
import { asUser, clearJobEnv, drain, jobEnv, newT, SECRET, webhookListener, type T } from "./test.helpers";
import { verify } from "./lib/signing";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  clearJobEnv();
  while (closers.length) await closers.pop()!();
});

async function listen(script: number[]) {
  const l = await webhookListener(script);
  closers.push(l.close);
  return l;
}

async function newSession(t: T, prompt = "explain the Pythagorean theorem") {
  const alice = asUser(t, "alice");
  const projectId = await alice.mutation(api.projects.create, { title: "Maths" });
  const created = await alice.mutation(api.sessions.create, { projectId, prompt, sceneCount: 2, quality: "draft" });
  return { alice, projectId, ...created };
}

/** A session with one ready scene (v1), made through the worker API. */
async function readyScene(t: T) {
  const alice = asUser(t, "alice");
  const projectId = await alice.mutation(api.projects.create, { title: "Maths" });
  // The session is made the way the tutor server does (no job is scheduled here).
  let session = await t.mutation(internal.worker.createSession, { projectId, prompt: "p", status: "queued" });
  const sessionId = session._id;
  for (const status of ["generating", "rendering"] as const) {
    session = await t.mutation(internal.worker.updateSession, { id: sessionId, revision: session.revision, changes: { status } });
  }
  let scene = await t.mutation(internal.worker.createScene, { sessionId, index: 0, title: "Triangles" });
  for (const status of ["generating_code", "rendering", "uploading"] as const) {
    scene = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: scene.revision, changes: { status } });
  }
  scene = await t.mutation(internal.worker.updateScene, {
    id: scene._id,
    revision: scene.revision,
    changes: { status: "ready", version: 1, s3ChunkKey: "projects/p/sessions/s/scenes/0/v1.mp4", durationInFrames: 120 },
  });
  await t.mutation(internal.worker.settle, { id: sessionId });
  return { alice, projectId, sessionId, scene };
}

describe("sessions.create schedules jobs.generate", () => {
  test("the seed's body, signed, with an idempotency key; the server's job id is kept", async () => {
    const l = await listen([202]);
    jobEnv(l.url);
    const t = newT();
    const { alice, projectId, sessionId, jobId } = await newSession(t);
    const before = await alice.query(api.sessions.get, { sessionId });
    expect(before.session.status).toBe("queued");
    expect(before.session.jobId).toBe(jobId);
    expect(before.session.leaseExpiresAt).toBeGreaterThan(Date.now());
    await drain(t);
    expect(l.received).toHaveLength(1);
    const [req] = l.received;
    expect(req!.path).toBe("/jobs/generate");
    expect(req!.verdict.ok).toBe(true);
    expect(JSON.parse(req!.body)).toEqual({ projectId, sessionId, sceneCount: 2, prompt: "explain the Pythagorean theorem" });
    expect(Object.keys(JSON.parse(req!.body))).toEqual(["projectId", "sessionId", "sceneCount", "prompt"]);
    expect(req!.headers["idempotency-key"]).toBe(jobId);
    expect(req!.headers["content-type"]).toBe("application/json");
    const job = await t.query(internal.jobs.load, { jobId });
    expect(job).toMatchObject({ state: "sent", attempts: 1, serverJobId: "srv-1" });
    // the worker has not started yet: the session still waits, queued
    expect((await alice.query(api.sessions.get, { sessionId })).session.status).toBe("queued");
  });

  test("5xx answers are retried with a fresh signature until one is accepted", async () => {
    const l = await listen([503, 500, 202]);
    jobEnv(l.url, 4);
    const t = newT();
    const { jobId } = await newSession(t);
    await drain(t);
    expect(l.received.map((r) => r.verdict.ok)).toEqual([true, true, true]);
    expect(new Set(l.received.map((r) => r.body)).size).toBe(1); // the same bytes every time
    expect(await t.query(internal.jobs.load, { jobId })).toMatchObject({ state: "sent", attempts: 3 });
  });

  test("after the last attempt the session is error with the reason", async () => {
    const l = await listen([503]);
    jobEnv(l.url, 3);
    const t = newT();
    const { alice, sessionId, jobId } = await newSession(t);
    await drain(t);
    expect(l.received).toHaveLength(3);
    const { session } = await alice.query(api.sessions.get, { sessionId });
    expect(session.status).toBe("error");
    expect(session.errorMessage).toMatch(/could not start the generate job.*HTTP 503.*after 3 attempts/);
    expect(session.leaseExpiresAt).toBeUndefined();
    expect(await t.query(internal.jobs.load, { jobId })).toMatchObject({ state: "failed", attempts: 3 });
  });

  test("a timeout is retried like a 5xx", async () => {
    const l = await webhookListener([0, 202], { hangMs: 8000 }); // the first request gets no answer
    closers.push(l.close);
    jobEnv(l.url, 3);
    process.env.TUTOR_JOB_TIMEOUT_MS = "2000";
    const t = newT();
    const { jobId } = await newSession(t);
    await drain(t);
    expect(l.received.length).toBeGreaterThanOrEqual(2);
    const job = await t.query(internal.jobs.load, { jobId });
    expect(job).toMatchObject({ state: "sent" });
    expect(job!.attempts).toBe(l.received.length);
  });

  test("a 4xx answer is permanent: no retry", async () => {
    const l = await listen([422]);
    jobEnv(l.url, 4);
    const t = newT();
    const { alice, sessionId } = await newSession(t);
    await drain(t);
    expect(l.received).toHaveLength(1);
    const { session } = await alice.query(api.sessions.get, { sessionId });
    expect(session.status).toBe("error");
    expect(session.errorMessage).toMatch(/HTTP 422/);
  });

  test("the signature is made with TUTOR_WEBHOOK_SECRET: a server with another secret refuses it", async () => {
    const l = await listen([202]);
    jobEnv(l.url, 1);
    process.env.TUTOR_WEBHOOK_SECRET = "not-the-listeners-secret";
    const t = newT();
    const { alice, sessionId } = await newSession(t);
    await drain(t);
    expect(l.received[0]!.verdict).toMatchObject({ ok: false, error: "mismatch" });
    expect((await alice.query(api.sessions.get, { sessionId })).session.errorMessage).toMatch(/HTTP 401/);
    // and the listener would have accepted the right one
    const r = l.received[0]!;
    expect((await verify(r.body, r.headers as Record<string, string>, SECRET)).ok).toBe(false);
  });

  test("an unreachable server fails the session after the retries", async () => {
    const l = await listen([202]);
    await l.close();
    closers.pop();
    jobEnv(l.url, 2);
    const t = newT();
    const { alice, sessionId } = await newSession(t);
    await drain(t);
    const { session } = await alice.query(api.sessions.get, { sessionId });
    expect(session.status).toBe("error");
    expect(session.errorMessage).toMatch(/after 2 attempts/);
  });

  test("without TUTOR_API_URL the session fails at once with what to set", async () => {
    const t = newT();
    const { alice, sessionId } = await newSession(t);
    await drain(t);
    const { session } = await alice.query(api.sessions.get, { sessionId });
    expect(session.status).toBe("error");
    expect(session.errorMessage).toMatch(/TUTOR_API_URL and TUTOR_WEBHOOK_SECRET must be set/);
  });

  test("a worker that already took the session is not overruled by a late failure", async () => {
    const l = await listen([0]); // never answers: the delivery times out after the worker moved on
    jobEnv(l.url, 1);
    process.env.TUTOR_JOB_TIMEOUT_MS = "1500";
    const t = newT();
    const { sessionId, jobId } = await newSession(t);
    const s = await t.query(internal.worker.getSession, { id: sessionId });
    await t.mutation(internal.worker.updateSession, { id: sessionId, revision: s.revision, changes: { status: "generating" } });
    await drain(t);
    expect((await t.query(internal.worker.getSession, { id: sessionId })).status).toBe("generating");
    expect(await t.query(internal.jobs.load, { jobId })).toMatchObject({ state: "failed" });
  });
});

describe("delivery runs once per job", () => {
  test("a job already sent or failed is not sent again", async () => {
    const l = await listen([202]);
    jobEnv(l.url, 1);
    const t = newT();
    const { jobId } = await newSession(t);
    await drain(t);
    expect(l.received).toHaveLength(1);
    await t.action(internal.jobs.generate, { jobId });
    await t.action(internal.jobs.edit, { jobId });
    await t.action(internal.jobs.retry, { jobId });
    expect(l.received).toHaveLength(1);
    await t.mutation(internal.jobs.markFailed, { jobId, attempts: 1, error: "late" });
    await t.action(internal.jobs.generate, { jobId });
    expect(l.received).toHaveLength(1);
    // a failure recorded after a worker took the session does not touch the session
    expect((await t.query(internal.jobs.load, { jobId }))!.state).toBe("failed");
    await t.mutation(internal.jobs.markSent, { jobId, attempts: 2, serverJobId: "srv-x" });
    expect(await t.query(internal.jobs.load, { jobId })).toMatchObject({ state: "sent", serverJobId: "srv-x", attempts: 2 });
  });
});

describe("scene jobs", () => {
  test("requestEdit POSTs the seed's edit body; a failed delivery leaves the scene error, playable, with its pending edit", async () => {
    const t = newT();
    const { alice, sessionId, scene } = await readyScene(t);
    const l = await listen([202]);
    jobEnv(l.url, 2);
    const { jobId } = await alice.mutation(api.scenes.requestEdit, { sceneId: scene._id, prompt: "make the triangle blue" });
    await drain(t);
    expect(l.received.map((r) => [r.path, r.verdict.ok])).toEqual([["/jobs/edit", true]]);
    expect(JSON.parse(l.received[0]!.body)).toEqual({ sceneId: scene._id, projectId: scene.projectId, prompt: "make the triangle blue" });
    const after = await alice.query(api.scenes.get, { sceneId: scene._id });
    expect(after).toMatchObject({ status: "ready", pendingEdit: "make the triangle blue", jobId });
    // a second edit while the first is queued is refused
    const busy = alice.mutation(api.scenes.requestEdit, { sceneId: scene._id, prompt: "and red" });
    await expect(busy).rejects.toThrow(/busy/);

    // now the server is down: the next edit's delivery fails
    const t2 = newT();
    const second = await readyScene(t2);
    const down = await listen([500]);
    jobEnv(down.url, 2);
    await second.alice.mutation(api.scenes.requestEdit, { sceneId: second.scene._id, prompt: "make it red" });
    await drain(t2);
    const failed = await second.alice.query(api.scenes.get, { sceneId: second.scene._id });
    expect(failed).toMatchObject({ status: "error", pendingEdit: "make it red", version: 1, playable: true });
    expect(failed.errorMessage).toMatch(/could not start the edit job/);
    const { session } = await second.alice.query(api.sessions.get, { sessionId: second.sessionId });
    expect(session.status).toBe("ready"); // the previous version still plays
    expect(session.errorMessage).toMatch(/1 of 1 scenes failed/);
    expect(sessionId).toBeTruthy();

    // retry re-sends the failed edit through /jobs/edit
    const up = await listen([202]);
    jobEnv(up.url, 1);
    await second.alice.mutation(api.scenes.retry, { sceneId: second.scene._id });
    await drain(t2);
    expect(up.received.map((r) => r.path)).toEqual(["/jobs/edit"]);
    expect(JSON.parse(up.received[0]!.body).prompt).toBe("make it red");
  });

  test("retry of a scene that never rendered POSTs /jobs/retry", async () => {
    const t = newT();
    const { alice, sessionId } = await newSession(t);
    await drain(t);
    let scene = await t.mutation(internal.worker.createScene, { sessionId, index: 0 });
    scene = await t.mutation(internal.worker.updateScene, {
      id: scene._id,
      revision: scene.revision,
      changes: { status: "error", errorMessage: "render failed" },
    });
    const l = await listen([202]);
    jobEnv(l.url, 1);
    await alice.mutation(api.scenes.retry, { sceneId: scene._id });
    await drain(t);
    expect(l.received.map((r) => [r.path, r.verdict.ok])).toEqual([["/jobs/retry", true]]);
    expect(JSON.parse(l.received[0]!.body)).toEqual({ sceneId: scene._id, projectId: scene.projectId });
  });
});
