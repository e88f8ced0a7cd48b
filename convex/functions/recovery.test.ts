/** Stale-job recovery: expired leases end in error, sessions settle, live work is untouched. */
import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import type { Doc } from "./_generated/dataModel";
import crons from "./crons";
import { newT, type T } from "./test.helpers";
import { NO_LEASE_GRACE_MS } from "./lib/model";

async function renderingSession(t: T, sceneCount: number) {
  const user = await t.mutation(internal.worker.ensureUser, { externalId: "u" });
  const project = await t.mutation(internal.worker.createProject, { ownerId: user._id, title: "P" });
  let session = await t.mutation(internal.worker.createSession, { projectId: project._id, status: "queued", jobId: "job-1" });
  for (const status of ["generating", "rendering"] as const) {
    session = await t.mutation(internal.worker.updateSession, { id: session._id, revision: session.revision, changes: { status } });
  }
  const scenes: Doc<"scenes">[] = [];
  for (let i = 0; i < sceneCount; i++) scenes.push(await t.mutation(internal.worker.createScene, { sessionId: session._id, index: i }));
  return { session, scenes };
}

async function setScene(t: T, scene: Doc<"scenes">, changes: Record<string, unknown>) {
  const fresh = await t.query(internal.worker.getScene, { id: scene._id });
  return await t.mutation(internal.worker.updateScene, { id: fresh._id, revision: fresh.revision, changes: changes as never });
}

describe("recoverStale", () => {
  test("a busy scene whose lease expired becomes error; the session settles once nothing is busy", async () => {
    const t = newT();
    const { session, scenes } = await renderingSession(t, 2);
    const now = Date.now();
    await setScene(t, scenes[0]!, { status: "generating_code", jobId: "w1", leaseExpiresAt: now + 60_000 });
    await setScene(t, scenes[0]!, { status: "rendering" });
    await setScene(t, scenes[0]!, { status: "uploading" });
    await setScene(t, scenes[0]!, { status: "ready", version: 1, s3ChunkKey: "projects/p/sessions/s/scenes/0/v1.mp4", durationInFrames: 60, leaseExpiresAt: null });
    await setScene(t, scenes[1]!, { status: "generating_code", jobId: "w2", leaseExpiresAt: now - 1 });

    expect(await t.mutation(internal.recovery.recoverStale, {})).toEqual({ scenes: 1, sessions: 1 });
    const stale = await t.query(internal.worker.getScene, { id: scenes[1]!._id });
    expect(stale.status).toBe("error");
    expect(stale.errorMessage).toMatch(/worker stopped while the scene was generating code; retry/);
    expect(stale.leaseExpiresAt).toBeUndefined();
    const settled = await t.query(internal.worker.getSession, { id: session._id });
    expect(settled).toMatchObject({ status: "ready", durationInFrames: 60 });
    expect(settled.errorMessage).toMatch(/1 of 2 scenes failed/);
    // a second run finds nothing
    expect(await t.mutation(internal.recovery.recoverStale, {})).toEqual({ scenes: 0, sessions: 0 });
  });

  test("live leases are left alone, and so is their session", async () => {
    const t = newT();
    const { session, scenes } = await renderingSession(t, 1);
    await setScene(t, scenes[0]!, { status: "generating_code", jobId: "w1", leaseExpiresAt: Date.now() + 60_000 });
    await t.mutation(internal.worker.updateSession, {
      id: session._id,
      revision: (await t.query(internal.worker.getSession, { id: session._id })).revision,
      changes: { leaseExpiresAt: Date.now() - 1 },
    });
    expect(await t.mutation(internal.recovery.recoverStale, {})).toEqual({ scenes: 0, sessions: 0 });
    expect((await t.query(internal.worker.getScene, { id: scenes[0]!._id })).status).toBe("generating_code");
    expect((await t.query(internal.worker.getSession, { id: session._id })).status).toBe("rendering");
  });

  test("a busy scene with no lease at all counts as stale only after the grace period", async () => {
    const t = newT();
    const { scenes } = await renderingSession(t, 1);
    expect(await t.mutation(internal.recovery.recoverStale, {})).toMatchObject({ scenes: 0 });
    await t.run(async (ctx) => {
      await ctx.db.patch(scenes[0]!._id, { updatedAt: Date.now() - NO_LEASE_GRACE_MS - 1 });
    });
    expect(await t.mutation(internal.recovery.recoverStale, {})).toMatchObject({ scenes: 1 });
    expect((await t.query(internal.worker.getScene, { id: scenes[0]!._id })).status).toBe("error");
  });

  test("a queued session whose job was never taken ends in error with the reason", async () => {
    const t = newT();
    const user = await t.mutation(internal.worker.ensureUser, { externalId: "u" });
    const project = await t.mutation(internal.worker.createProject, { ownerId: user._id, title: "P" });
    const session = await t.mutation(internal.worker.createSession, {
      projectId: project._id,
      status: "queued",
      leaseExpiresAt: Date.now() - 1,
    });
    expect(await t.mutation(internal.recovery.recoverStale, {})).toEqual({ scenes: 0, sessions: 1 });
    const after = await t.query(internal.worker.getSession, { id: session._id });
    expect(after.status).toBe("error");
    expect(after.errorMessage).toMatch(/lease expired/);
  });

  test("a session stuck in generating ends in error (generating -> ready is not a declared step)", async () => {
    const t = newT();
    const user = await t.mutation(internal.worker.ensureUser, { externalId: "u" });
    const project = await t.mutation(internal.worker.createProject, { ownerId: user._id, title: "P" });
    let session = await t.mutation(internal.worker.createSession, { projectId: project._id, status: "queued" });
    session = await t.mutation(internal.worker.updateSession, {
      id: session._id,
      revision: session.revision,
      changes: { status: "generating", leaseExpiresAt: Date.now() - 1 },
    });
    expect(await t.mutation(internal.recovery.recoverStale, {})).toEqual({ scenes: 0, sessions: 1 });
    const after = await t.query(internal.worker.getSession, { id: session._id });
    expect(after.status).toBe("error");
    expect(after.errorMessage).toMatch(/lease expired/);
    // settling a failed session again changes nothing but the lease
    const again = await t.mutation(internal.worker.settle, { id: session._id });
    expect(again).toMatchObject({ status: "error", errorMessage: after.errorMessage });
  });

  test("a cron runs it every minute", () => {
    const jobs = Object.values((crons as unknown as { crons: Record<string, { name: string; schedule: unknown }> }).crons);
    expect(jobs).toEqual([{ name: "recovery:recoverStale", args: [{}], schedule: { minutes: 1, type: "interval" } }]);
  });
});
