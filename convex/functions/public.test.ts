/** The functions a Convex frontend calls: projects, sessions, scenes (versions and rollback). */
import { afterEach, describe, expect, test } from "vitest";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { asUser, clearJobEnv, drain, expectKind, newT, type T } from "./test.helpers";

afterEach(clearJobEnv);

async function readyVersion(t: T, scene: Doc<"scenes">, version: number, frames: number) {
  let s = await t.query(internal.worker.getScene, { id: scene._id });
  for (const status of ["generating_code", "rendering", "uploading"] as const) s = await t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { status } });
  const base = `projects/${s.projectId}/sessions/${s.sessionId}/scenes/${s.index}/v${version}`;
  return await t.mutation(internal.worker.updateScene, {
    id: s._id,
    revision: s.revision,
    changes: {
      status: "ready",
      version,
      s3ChunkKey: `${base}.mp4`,
      s3SubtitlesKey: `${base}.vtt`,
      s3SpecKey: `${base}.json`,
      checksum: `sum-${version}`,
      durationInFrames: frames,
      narration: `narration ${version}`,
      pendingEdit: null,
      errorMessage: null,
      jobId: null,
      leaseExpiresAt: null,
    },
  });
}

/** Alice's session with two ready scenes (90 and 60 frames), made the way a worker does. */
async function lesson(t: T) {
  const alice = asUser(t, "alice");
  const projectId = await alice.mutation(api.projects.create, { title: "Geometry", description: "  triangles  " });
  // The session is made the way the tutor server does (no job is scheduled here).
  let session = await t.mutation(internal.worker.createSession, { projectId, prompt: "explain triangles", status: "queued" });
  const sessionId = session._id;
  for (const status of ["generating", "rendering"] as const) {
    session = await t.mutation(internal.worker.updateSession, { id: sessionId, revision: session.revision, changes: { status } });
  }
  // created out of order on purpose: reads order by index
  const second = await t.mutation(internal.worker.createScene, { sessionId, index: 1, title: "Two" });
  const first = await t.mutation(internal.worker.createScene, { sessionId, index: 0, title: "One" });
  await readyVersion(t, first, 1, 90);
  await readyVersion(t, second, 1, 60);
  await t.mutation(internal.worker.settle, { id: sessionId });
  return { alice, projectId, sessionId, first: first._id, second: second._id };
}

describe("projects", () => {
  test("create, list (newest first), get, update with an optional revision check, remove", async () => {
    const t = newT();
    const alice = asUser(t, "alice");
    const a = await alice.mutation(api.projects.create, { title: "  Algebra " });
    const b = await alice.mutation(api.projects.create, { title: "Calculus", description: "limits" });
    expect((await alice.query(api.projects.list, {})).map((p) => p._id)).toEqual([b, a]);
    const got = await alice.query(api.projects.get, { projectId: a });
    expect(got).toMatchObject({ title: "Algebra", revision: 1 });
    const me = await alice.query(api.users.me, {});
    expect(me).toMatchObject({ name: "alice", email: "alice@example.test", externalId: "https://auth.test|alice" });
    expect(got.ownerId).toBe(me!._id);
    const renamed = await alice.mutation(api.projects.update, { projectId: a, title: "Linear algebra", revision: 1 });
    expect(renamed).toMatchObject({ title: "Linear algebra", revision: 2 });
    await expectKind(alice.mutation(api.projects.update, { projectId: a, title: "X", revision: 1 }), "conflict");
    await alice.mutation(api.projects.remove, { projectId: a });
    await expectKind(alice.query(api.projects.get, { projectId: a }), "not_found");
    expect((await alice.query(api.projects.list, {})).map((p) => p._id)).toEqual([b]);
  });

  test("users.store creates the caller's row once and refreshes it from the identity", async () => {
    const t = newT();
    const first = await asUser(t, "gus").mutation(api.users.store, {});
    const renamed = await t
      .withIdentity({ subject: "gus", issuer: "https://auth.test", name: "Gus G.", email: "gus@example.test" })
      .mutation(api.users.store, {});
    expect(renamed._id).toBe(first._id);
    expect(renamed).toMatchObject({ name: "Gus G.", externalId: "https://auth.test|gus" });
    expect(await t.run(async (ctx) => (await ctx.db.query("users").collect()).length)).toBe(1);
  });

  test("bad input is refused with what to do", async () => {
    const t = newT();
    const alice = asUser(t, "alice");
    const data = await expectKind(alice.mutation(api.projects.create, { title: "   " }), "invalid_input");
    expect(data.hint).toMatch(/title/);
    await expectKind(alice.mutation(api.projects.create, { title: "x".repeat(201) }), "invalid_input");
    await expect(alice.mutation(api.projects.create, { title: 5 as never })).rejects.toThrow(/Validator/);
  });

  test("a project is removed with everything in it, but not while a job runs", async () => {
    const t = newT();
    const { alice, projectId, sessionId } = await lesson(t);
    const other = await alice.mutation(api.sessions.create, { projectId, prompt: "more", sceneCount: 1 });
    await expectKind(alice.mutation(api.projects.remove, { projectId }), "busy");
    await drain(t); // no server: the queued session fails
    expect((await alice.query(api.sessions.get, { sessionId: other.sessionId })).session.status).toBe("error");
    await alice.mutation(api.projects.remove, { projectId });
    const left = await t.run(async (ctx) => ({
      sessions: (await ctx.db.query("videoSessions").collect()).length,
      scenes: (await ctx.db.query("scenes").collect()).length,
      versions: (await ctx.db.query("sceneVersions").collect()).length,
      jobs: (await ctx.db.query("jobs").collect()).length,
    }));
    expect(left).toEqual({ sessions: 0, scenes: 0, versions: 0, jobs: 0 });
    expect(sessionId).toBeTruthy();
  });
});

describe("sessions", () => {
  test("create validates prompt, scene count and quality", async () => {
    const t = newT();
    const alice = asUser(t, "alice");
    const projectId = await alice.mutation(api.projects.create, { title: "P" });
    await expectKind(alice.mutation(api.sessions.create, { projectId, prompt: " ", sceneCount: 2 }), "invalid_input");
    await expectKind(alice.mutation(api.sessions.create, { projectId, prompt: "x".repeat(2001), sceneCount: 2 }), "invalid_input");
    for (const sceneCount of [0, 13, 2.5, Number.NaN]) {
      await expectKind(alice.mutation(api.sessions.create, { projectId, prompt: "p", sceneCount }), "invalid_input");
    }
    await expect(alice.mutation(api.sessions.create, { projectId, prompt: "p", sceneCount: 2, quality: "4k" as never })).rejects.toThrow(
      /Validator/,
    );
    const { sessionId } = await alice.mutation(api.sessions.create, { projectId, prompt: "  p \n", sceneCount: 2, quality: "draft" });
    expect((await alice.query(api.sessions.get, { sessionId })).session).toMatchObject({ width: 854, height: 480, targetFps: 30, quality: "draft", sceneCount: 2, prompt: "p" });
    await drain(t);
  });

  test("get returns the scenes in order with their frames, and URLs computed from keys", async () => {
    const t = newT();
    const { alice, projectId, sessionId } = await lesson(t);
    let view = await alice.query(api.sessions.get, { sessionId });
    expect(view.session).toMatchObject({ status: "ready", durationInFrames: 150, prompt: "explain triangles" });
    expect(view.scenes.map((s) => [s.index, s.title, s.startFrame, s.endFrame, s.durationInFrames, s.playable])).toEqual([
      [0, "One", 0, 89, 90, true],
      [1, "Two", 90, 149, 60, true],
    ]);
    expect(view.scenes[0]!.s3ChunkUrl).toBeUndefined();
    process.env.TUTOR_MEDIA_BASE_URL = "https://cdn.example.test/media/";
    view = await alice.query(api.sessions.get, { sessionId });
    expect(view.scenes[0]!.s3ChunkUrl).toBe(`https://cdn.example.test/media/${view.scenes[0]!.s3ChunkKey}`);
    expect(view.scenes[0]!.s3SubtitlesUrl).toMatch(/\/v1\.vtt$/);
    // nothing URL-like is stored
    const stored = await t.run(async (ctx) => await ctx.db.query("scenes").collect());
    expect(JSON.stringify(stored)).not.toContain("https://");
    expect((await alice.query(api.sessions.list, { projectId })).map((s) => s._id)).toEqual([sessionId]);
  });
});

describe("scenes: edit, versions, rollback", () => {
  test("an edit can only be requested for a scene that rendered and is not busy", async () => {
    const t = newT();
    const { alice, sessionId, first } = await lesson(t);
    await expectKind(alice.mutation(api.scenes.requestEdit, { sceneId: first, prompt: "  " }), "invalid_input");
    const fresh = await t.mutation(internal.worker.createScene, { sessionId, index: 2 });
    await expectKind(alice.mutation(api.scenes.requestEdit, { sceneId: fresh._id, prompt: "blue" }), "busy");
    const failed = await t.mutation(internal.worker.updateScene, { id: fresh._id, revision: fresh.revision, changes: { status: "error" } });
    const data = await expectKind(alice.mutation(api.scenes.requestEdit, { sceneId: failed._id, prompt: "blue" }), "invalid_input");
    expect(data.hint).toMatch(/retry/);
    await expectKind(alice.mutation(api.scenes.retry, { sceneId: first }), "invalid_input"); // ready, not failed
  });

  test("a busy scene whose lease expired can be retried: it is marked error first", async () => {
    const t = newT();
    const { alice, second } = await lesson(t);
    const s = await t.query(internal.worker.getScene, { id: second });
    await t.mutation(internal.worker.updateScene, {
      id: second,
      revision: s.revision,
      changes: { status: "generating_code", jobId: "dead-worker", leaseExpiresAt: Date.now() - 1, pendingEdit: "make it red" },
    });
    await alice.mutation(api.scenes.retry, { sceneId: second });
    const after = await alice.query(api.scenes.get, { sceneId: second });
    expect(after).toMatchObject({ status: "error", pendingEdit: "make it red" });
    expect(after.jobId).not.toBe("dead-worker");
    await drain(t);
  });

  test("versions are listed newest first; rollback makes version n+1 from an earlier one and relays the frames", async () => {
    const t = newT();
    const { alice, sessionId, first, second } = await lesson(t);
    // a worker edits scene 1 to v2 (longer), then the user rolls back to v1
    await readyVersion(t, await t.query(internal.worker.getScene, { id: first }), 2, 150);
    await t.mutation(internal.worker.settle, { id: sessionId });
    expect((await alice.query(api.sessions.get, { sessionId })).session.durationInFrames).toBe(210);
    const versions = await alice.query(api.scenes.versions, { sceneId: first });
    expect(versions.map((v) => [v.version, v.current, v.durationInFrames])).toEqual([
      [2, true, 150],
      [1, false, 90],
    ]);
    await expectKind(alice.mutation(api.scenes.rollback, { sceneId: first, version: 2 }), "invalid_input");
    await expectKind(alice.mutation(api.scenes.rollback, { sceneId: first, version: 7 }), "not_found");
    expect(await alice.mutation(api.scenes.rollback, { sceneId: first, version: 1 })).toEqual({ version: 3 });
    const view = await alice.query(api.sessions.get, { sessionId });
    const scene = view.scenes[0]!;
    expect(scene).toMatchObject({ version: 3, durationInFrames: 90, checksum: "sum-1", narration: "narration 1", status: "ready" });
    expect(scene.s3ChunkKey).toMatch(/\/v1\.mp4$/);
    expect(view.scenes[1]!).toMatchObject({ startFrame: 90, endFrame: 149 });
    expect(view.session.durationInFrames).toBe(150);
    const after = await alice.query(api.scenes.versions, { sceneId: first });
    expect(after.map((v) => [v.version, v.restoredFrom ?? null, v.current])).toEqual([
      [3, 1, true],
      [2, null, false],
      [1, null, false],
    ]);
    // a failed scene cannot be rolled back (the state machine has no error -> ready)
    const s2 = await t.query(internal.worker.getScene, { id: second });
    await t.mutation(internal.worker.updateScene, { id: second, revision: s2.revision, changes: { status: "error" } });
    await expectKind(alice.mutation(api.scenes.rollback, { sceneId: second as Id<"scenes">, version: 1 }), "invalid_input");
  });
});
