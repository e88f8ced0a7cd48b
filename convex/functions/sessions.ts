/**
 * Video sessions of a signed-in user: create one (which starts the generate job on
 * the tutor server), list a project's sessions, and read a session with its scenes in
 * order, as a Convex frontend subscribes to it.
 */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { quality } from "./schema";
import { ownProject, ownSession, userMutation, userQuery } from "./lib/auth";
import { sceneView } from "./lib/media";
import { FPS, JOB_START_LEASE_MS, QUALITY_SIZES, scenesOf } from "./lib/model";
import { checkTransition } from "./lib/states";
import { integerIn, text } from "./lib/validate";

export const MAX_SCENES = 12;
export const MAX_PROMPT = 2000;

/** Create a session and queue its generation; returns its id and the job's id. */
export const create = userMutation({
  args: {
    projectId: v.id("projects"),
    prompt: v.string(),
    sceneCount: v.number(),
    quality: v.optional(quality),
    narrator: v.optional(v.string()),
  },
  handler: async (ctx, args) => {
    const project = await ownProject(ctx, ctx.user, args.projectId);
    const prompt = text(args.prompt, "prompt", MAX_PROMPT);
    const sceneCount = integerIn(args.sceneCount, "sceneCount", 1, MAX_SCENES);
    const q = args.quality ?? "final";
    const now = Date.now();
    checkTransition("session", "idle", "queued");
    const sessionId = await ctx.db.insert("videoSessions", {
      projectId: project._id,
      status: "queued",
      targetFps: FPS,
      ...QUALITY_SIZES[q],
      codec: "h264",
      version: 1,
      prompt,
      quality: q,
      narrator: args.narrator,
      sceneCount,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    });
    // The body is fixed here, once: every retry of the webhook sends these exact bytes.
    const body = JSON.stringify({ projectId: project._id, sessionId, sceneCount, prompt });
    const jobId = await ctx.db.insert("jobs", {
      kind: "generate",
      sessionId,
      body,
      state: "pending",
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    });
    await ctx.db.patch(sessionId, { jobId, leaseExpiresAt: now + JOB_START_LEASE_MS });
    await ctx.db.patch(project._id, { updatedAt: now });
    await ctx.scheduler.runAfter(0, internal.jobs.generate, { jobId });
    return { sessionId, jobId };
  },
});

export const list = userQuery({
  args: { projectId: v.id("projects") },
  handler: async (ctx, { projectId }) => {
    const project = await ownProject(ctx, ctx.user, projectId);
    return await ctx.db
      .query("videoSessions")
      .withIndex("by_project", (q) => q.eq("projectId", project._id))
      .order("desc")
      .take(200);
  },
});

/** A session and its scenes ordered by index, with media URLs computed from keys. */
export const get = userQuery({
  args: { sessionId: v.id("videoSessions") },
  handler: async (ctx, { sessionId }) => {
    const { session } = await ownSession(ctx, ctx.user, sessionId);
    const scenes = await scenesOf(ctx, session._id);
    return { session, scenes: scenes.map(sceneView) };
  },
});
