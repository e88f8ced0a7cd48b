/**
 * Scenes of a signed-in user's sessions: read one, request an edit by prompt, retry a
 * failed scene, list its rendered versions and roll back to one of them.
 */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import { ownScene, userMutation, userQuery } from "./lib/auth";
import { fail } from "./lib/errors";
import { mediaUrl, sceneView } from "./lib/media";
import { JOB_START_LEASE_MS, patchScene, relayout, settleSession } from "./lib/model";
import { BUSY_SCENE, BUSY_SESSION, checkTransition } from "./lib/states";
import { text } from "./lib/validate";

export const MAX_EDIT = 2000;

function inFlight(scene: Doc<"scenes">, now: number): boolean {
  return scene.jobId !== undefined && scene.leaseExpiresAt !== undefined && scene.leaseExpiresAt > now;
}

function refuseBusy(scene: Doc<"scenes">, now: number): void {
  if (BUSY_SCENE.includes(scene.status) || inFlight(scene, now)) {
    fail("busy", `scene ${scene.index + 1} is busy (${inFlight(scene, now) ? "a job is queued" : scene.status})`, {
      hint: "wait until it is ready or failed, then try again",
      status: scene.status,
    });
  }
}

async function queueSceneJob(
  ctx: MutationCtx,
  scene: Doc<"scenes">,
  kind: "edit" | "retry",
  body: Record<string, string>,
  changes: { pendingEdit?: string } = {},
): Promise<Id<"jobs">> {
  const now = Date.now();
  const jobId = await ctx.db.insert("jobs", {
    kind,
    sessionId: scene.sessionId,
    sceneId: scene._id,
    body: JSON.stringify(body),
    state: "pending",
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  });
  await patchScene(ctx, scene, { ...changes, jobId, leaseExpiresAt: now + JOB_START_LEASE_MS });
  await ctx.scheduler.runAfter(0, kind === "edit" ? internal.jobs.edit : internal.jobs.retry, { jobId });
  return jobId;
}

export const get = userQuery({
  args: { sceneId: v.id("scenes") },
  handler: async (ctx, { sceneId }) => sceneView((await ownScene(ctx, ctx.user, sceneId)).scene),
});

/** Ask the tutor server to edit one scene by prompt; only that scene is re-rendered. */
export const requestEdit = userMutation({
  args: { sceneId: v.id("scenes"), prompt: v.string() },
  handler: async (ctx, args) => {
    const { scene } = await ownScene(ctx, ctx.user, args.sceneId);
    const prompt = text(args.prompt, "prompt", MAX_EDIT);
    const now = Date.now();
    refuseBusy(scene, now);
    if (scene.version < 1 || scene.s3ChunkKey === undefined) {
      fail("invalid_input", `scene ${scene.index + 1} has never rendered, so there is nothing to edit yet`, {
        hint: "retry the scene first (scenes.retry)",
      });
    }
    const jobId = await queueSceneJob(
      ctx,
      scene,
      "edit",
      { sceneId: scene._id, projectId: scene.projectId, prompt },
      { pendingEdit: prompt },
    );
    return { jobId };
  },
});

/**
 * Run a failed scene again: its failed edit (`pendingEdit`) through `/jobs/edit`, or its
 * first render through `/jobs/retry`. A busy scene whose worker stopped renewing its
 * lease counts as failed.
 */
export const retry = userMutation({
  args: { sceneId: v.id("scenes") },
  handler: async (ctx, { sceneId }) => {
    let { scene } = await ownScene(ctx, ctx.user, sceneId);
    const now = Date.now();
    const stale = BUSY_SCENE.includes(scene.status) && scene.leaseExpiresAt !== undefined && scene.leaseExpiresAt <= now;
    if (stale) {
      checkTransition("scene", scene.status, "error");
      scene = await patchScene(ctx, scene, {
        status: "error",
        errorMessage: "the worker stopped before finishing this scene",
        leaseExpiresAt: undefined,
      });
    }
    if (scene.status !== "error") {
      refuseBusy(scene, now);
      fail("invalid_input", `scene ${scene.index + 1} is ${scene.status}, not error: only failed scenes are retried`, {
        hint: "to change a scene that works, request an edit",
      });
    }
    if (inFlight(scene, now)) refuseBusy(scene, now);
    const jobId =
      scene.pendingEdit !== undefined
        ? await queueSceneJob(ctx, scene, "edit", {
            sceneId: scene._id,
            projectId: scene.projectId,
            prompt: scene.pendingEdit,
          })
        : await queueSceneJob(ctx, scene, "retry", { sceneId: scene._id, projectId: scene.projectId });
    return { jobId };
  },
});

/** Every rendered version of a scene, newest first, with media URLs. */
export const versions = userQuery({
  args: { sceneId: v.id("scenes") },
  handler: async (ctx, { sceneId }) => {
    const { scene } = await ownScene(ctx, ctx.user, sceneId);
    const rows = await ctx.db
      .query("sceneVersions")
      .withIndex("by_scene_version", (q) => q.eq("sceneId", scene._id))
      .order("desc")
      .collect();
    return rows.map((row) => ({
      ...row,
      current: row.version === scene.version,
      ...(mediaUrl(row.s3ChunkKey) ? { s3ChunkUrl: mediaUrl(row.s3ChunkKey) } : {}),
    }));
  },
});

/**
 * Make an earlier version current again. Versions never repeat: the rollback is
 * recorded as version n+1 that points at the earlier version's chunk, so the keys of
 * every version stay immutable.
 */
export const rollback = userMutation({
  args: { sceneId: v.id("scenes"), version: v.number() },
  handler: async (ctx, args) => {
    const { scene, session } = await ownScene(ctx, ctx.user, args.sceneId);
    const now = Date.now();
    refuseBusy(scene, now);
    if (scene.status !== "ready") {
      fail("invalid_input", `scene ${scene.index + 1} is ${scene.status}; only a ready scene is rolled back`, {
        hint: "retry the scene first; a failed edit keeps the previous version playable anyway",
      });
    }
    if (args.version === scene.version) {
      fail("invalid_input", `version ${args.version} is already the current one`, {
        hint: "pick an earlier version from scenes.versions",
      });
    }
    const target = await ctx.db
      .query("sceneVersions")
      .withIndex("by_scene_version", (q) => q.eq("sceneId", scene._id).eq("version", args.version))
      .unique();
    if (target === null) {
      fail("not_found", `scene ${scene.index + 1} has no version ${args.version}`, {
        hint: "list the versions with scenes.versions",
      });
    }
    const version = scene.version + 1;
    await ctx.db.insert("sceneVersions", {
      sceneId: scene._id,
      sessionId: scene.sessionId,
      version,
      s3ChunkKey: target.s3ChunkKey,
      s3SourceKey: target.s3SourceKey,
      s3SpecKey: target.s3SpecKey,
      s3SubtitlesKey: target.s3SubtitlesKey,
      checksum: target.checksum,
      durationInFrames: target.durationInFrames,
      title: target.title,
      narration: target.narration,
      restoredFrom: target.version,
      createdAt: now,
    });
    await patchScene(ctx, scene, {
      version,
      s3ChunkKey: target.s3ChunkKey,
      s3SourceKey: target.s3SourceKey,
      s3SpecKey: target.s3SpecKey,
      s3SubtitlesKey: target.s3SubtitlesKey,
      checksum: target.checksum,
      durationInFrames: target.durationInFrames,
      title: target.title,
      narration: target.narration,
      errorMessage: undefined,
    });
    // A session with other scenes still busy is settled by its worker when they finish.
    if (BUSY_SESSION.includes(session.status)) await relayout(ctx, scene.sessionId);
    else await settleSession(ctx, scene.sessionId);
    return { version };
  },
});
