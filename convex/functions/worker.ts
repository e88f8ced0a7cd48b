/**
 * Internal functions for the tutor server and its workers (the Python `Store` over
 * Convex calls these with the deployment's admin key; no browser can).
 *
 * Every update is a compare-and-set: it names the `revision` it read (and may name the
 * status it expects); a stale one is refused with `conflict`, an undeclared status
 * change with `invalid_transition`, and nothing is written. A scene whose `version`
 * goes up records the new version in `sceneVersions`; versions never skip or repeat.
 */
import { v, type Infer } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation, internalQuery, type MutationCtx, type QueryCtx } from "./_generated/server";
import { quality } from "./schema";
import { fail, notFound } from "./lib/errors";
import { validateKey } from "./lib/keys";
import { FPS, QUALITY_SIZES, scenesOf, settleSession } from "./lib/model";
import { BUSY_SCENE, BUSY_SESSION, checkTransition, sceneStatus, sessionStatus } from "./lib/states";

const nullableString = v.optional(v.union(v.string(), v.null()));
const nullableNumber = v.optional(v.union(v.number(), v.null()));

export const sessionChanges = v.object({
  status: v.optional(sessionStatus),
  targetFps: v.optional(v.number()),
  width: v.optional(v.number()),
  height: v.optional(v.number()),
  codec: v.optional(v.string()),
  durationInFrames: nullableNumber,
  errorMessage: nullableString,
  jobId: nullableString,
  version: v.optional(v.number()),
  prompt: nullableString,
  title: nullableString,
  quality: v.optional(quality),
  narrator: nullableString,
  outline: v.optional(v.boolean()),
  notice: nullableString,
  sceneCount: nullableNumber,
  leaseExpiresAt: nullableNumber,
  planTokens: nullableNumber,
  planCostUsd: nullableNumber,
});

export const sceneChanges = v.object({
  status: v.optional(sceneStatus),
  startFrame: v.optional(v.number()),
  endFrame: v.optional(v.number()),
  durationInFrames: v.optional(v.number()),
  title: nullableString,
  errorMessage: nullableString,
  s3ChunkKey: nullableString,
  s3SourceKey: nullableString,
  s3SpecKey: nullableString,
  s3SubtitlesKey: nullableString,
  checksum: nullableString,
  jobId: nullableString,
  version: v.optional(v.number()),
  narration: nullableString,
  pendingEdit: nullableString,
  leaseExpiresAt: nullableNumber,
  fallback: v.optional(v.boolean()),
  tokens: nullableNumber,
  costUsd: nullableNumber,
});

/** `null` clears a field (Python's None); `undefined` leaves it alone. */
function toPatch<T extends Record<string, unknown>>(changes: T): { [K in keyof T]: Exclude<T[K], null> } {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) patch[key] = value === null ? undefined : value;
  return patch as { [K in keyof T]: Exclude<T[K], null> };
}

function checkWhole(value: number | null | undefined, field: string, min: number): void {
  if (value !== undefined && value !== null && (!Number.isInteger(value) || value < min)) {
    fail("invalid_input", `${field} must be a whole number >= ${min}, got ${value}`, { hint: "frames are counted in whole frames" });
  }
}

function compareAndSet(
  what: "scene" | "session",
  row: { _id: string; revision: number; status: string },
  revision: number,
  expectedStatus: string | undefined,
): void {
  if (row.revision !== revision) {
    fail("conflict", `${what} '${row._id}' is at revision ${row.revision}, not ${revision}: someone else changed it`, {
      hint: "re-read the record and decide again",
      revision: row.revision,
      status: row.status,
    });
  }
  if (expectedStatus !== undefined && row.status !== expectedStatus) {
    fail("conflict", `${what} '${row._id}' is ${row.status}, not ${expectedStatus}`, {
      hint: "re-read the record and decide again",
      revision: row.revision,
      status: row.status,
    });
  }
}

/**
 * The row with this id, or `not_found`. Ids arrive as plain strings (the Python store
 * passes whatever it was given), so a malformed id or one of another table reads as
 * not found rather than failing argument validation.
 */
async function getOr404<T extends "users" | "projects" | "videoSessions" | "scenes">(
  ctx: Pick<QueryCtx, "db">,
  table: T,
  id: string,
  what: string,
): Promise<Doc<T>> {
  const normalized = ctx.db.normalizeId(table, id);
  const row = normalized === null ? null : await ctx.db.get(normalized);
  if (row === null) notFound(what, id);
  return row as Doc<T>;
}

// ------------------------------------------------------------------ users

export const ensureUser = internalMutation({
  args: { externalId: v.string(), name: v.optional(v.string()), email: v.optional(v.string()) },
  handler: async (ctx, args) => {
    if (args.externalId.length === 0) fail("invalid_input", "empty external user id", { hint: "pass the auth provider's user id" });
    const existing = await ctx.db
      .query("users")
      .withIndex("by_externalId", (q) => q.eq("externalId", args.externalId))
      .unique();
    if (existing !== null) {
      const patch = { ...(args.name !== undefined ? { name: args.name } : {}), ...(args.email !== undefined ? { email: args.email } : {}) };
      if (Object.keys(patch).length > 0) await ctx.db.patch(existing._id, patch);
      return (await ctx.db.get(existing._id))!;
    }
    const id = await ctx.db.insert("users", { ...args, createdAt: Date.now() });
    return (await ctx.db.get(id))!;
  },
});

export const getUser = internalQuery({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await getOr404(ctx, "users", id, "user"),
});

// --------------------------------------------------------------- projects

export const createProject = internalMutation({
  args: { ownerId: v.string(), title: v.string(), description: v.optional(v.string()) },
  handler: async (ctx, args) => {
    const owner = await getOr404(ctx, "users", args.ownerId, "user");
    const now = Date.now();
    const id = await ctx.db.insert("projects", { ...args, ownerId: owner._id, createdAt: now, updatedAt: now, revision: 1 });
    return (await ctx.db.get(id))!;
  },
});

export const getProject = internalQuery({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await getOr404(ctx, "projects", id, "project"),
});

export const listProjects = internalQuery({
  args: { ownerId: v.string() },
  handler: async (ctx, { ownerId }) => {
    const owner = ctx.db.normalizeId("users", ownerId);
    if (owner === null) return [];
    return await ctx.db
      .query("projects")
      .withIndex("by_owner", (q) => q.eq("ownerId", owner))
      .collect();
  },
});

/** Rename or describe a project, if it is still at `revision` (null clears the description). */
export const updateProject = internalMutation({
  args: {
    id: v.string(),
    revision: v.number(),
    changes: v.object({ title: v.optional(v.string()), description: nullableString }),
  },
  handler: async (ctx, { id, revision, changes }) => {
    const project = await getOr404(ctx, "projects", id, "project");
    if (project.revision !== revision) {
      fail("conflict", `project '${project._id}' is at revision ${project.revision}, not ${revision}: someone else changed it`, {
        hint: "re-read the record and decide again",
        revision: project.revision,
      });
    }
    await ctx.db.patch(project._id, { ...toPatch(changes), revision: project.revision + 1, updatedAt: Date.now() });
    return (await ctx.db.get(project._id))!;
  },
});

/** Delete a project with its sessions, scenes, versions and jobs (stored objects are the caller's). */
export const deleteProject = internalMutation({
  args: { id: v.string() },
  handler: async (ctx, { id }) => {
    const project = await getOr404(ctx, "projects", id, "project");
    const sessions = await ctx.db
      .query("videoSessions")
      .withIndex("by_project", (q) => q.eq("projectId", project._id))
      .collect();
    for (const session of sessions) {
      for (const table of ["sceneVersions", "jobs"] as const) {
        const rows = await ctx.db
          .query(table)
          .withIndex("by_session", (q) => q.eq("sessionId", session._id))
          .collect();
        for (const row of rows) await ctx.db.delete(row._id);
      }
      for (const scene of await scenesOf(ctx, session._id)) await ctx.db.delete(scene._id);
      await ctx.db.delete(session._id);
    }
    await ctx.db.delete(project._id);
    return null;
  },
});

// --------------------------------------------------------------- sessions

export const createSession = internalMutation({
  args: {
    projectId: v.string(),
    status: v.optional(sessionStatus),
    quality: v.optional(quality),
    targetFps: v.optional(v.number()),
    width: v.optional(v.number()),
    height: v.optional(v.number()),
    codec: v.optional(v.string()),
    prompt: v.optional(v.string()),
    title: v.optional(v.string()),
    narrator: v.optional(v.string()),
    sceneCount: v.optional(v.number()),
    jobId: v.optional(v.string()),
    leaseExpiresAt: v.optional(v.number()),
    version: v.optional(v.number()),
    durationInFrames: v.optional(v.number()),
    errorMessage: v.optional(v.string()),
    outline: v.optional(v.boolean()),
    notice: v.optional(v.string()),
    planTokens: v.optional(v.number()),
    planCostUsd: v.optional(v.number()),
  },
  handler: async (ctx, args) => {
    const project = await getOr404(ctx, "projects", args.projectId, "project");
    checkWhole(args.version, "version", 1);
    checkWhole(args.durationInFrames, "durationInFrames", 0);
    checkWhole(args.sceneCount, "sceneCount", 1);
    const status = args.status ?? "idle";
    if (status !== "idle") checkTransition("session", "idle", status);
    const q = args.quality ?? "final";
    const now = Date.now();
    const id = await ctx.db.insert("videoSessions", {
      ...args,
      projectId: project._id,
      status,
      quality: q,
      targetFps: args.targetFps ?? FPS,
      width: args.width ?? QUALITY_SIZES[q].width,
      height: args.height ?? QUALITY_SIZES[q].height,
      codec: args.codec ?? "h264",
      version: args.version ?? 1,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    });
    return (await ctx.db.get(id))!;
  },
});

export const getSession = internalQuery({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await getOr404(ctx, "videoSessions", id, "session"),
});

/** Sessions of a project (or all), oldest first, optionally only those in `statuses`. */
export const listSessions = internalQuery({
  args: { projectId: v.optional(v.string()), statuses: v.optional(v.array(sessionStatus)) },
  handler: async (ctx, { projectId: rawProjectId, statuses }) => {
    const projectId = rawProjectId === undefined ? undefined : ctx.db.normalizeId("projects", rawProjectId);
    if (projectId === null) return [];
    if (projectId === undefined && statuses !== undefined) {
      const found: Doc<"videoSessions">[] = [];
      for (const status of new Set(statuses)) {
        found.push(
          ...(await ctx.db
            .query("videoSessions")
            .withIndex("by_status_lease", (q) => q.eq("status", status))
            .collect()),
        );
      }
      return found.sort((a, b) => a._creationTime - b._creationTime);
    }
    const rows =
      projectId === undefined
        ? await ctx.db.query("videoSessions").collect()
        : await ctx.db
            .query("videoSessions")
            .withIndex("by_project", (q) => q.eq("projectId", projectId))
            .collect();
    const wanted = statuses === undefined ? null : new Set<string>(statuses);
    return rows.filter((s) => wanted === null || wanted.has(s.status)).sort((a, b) => a._creationTime - b._creationTime);
  },
});

export const updateSession = internalMutation({
  args: {
    id: v.string(),
    revision: v.number(),
    expectedStatus: v.optional(sessionStatus),
    changes: sessionChanges,
  },
  handler: async (ctx, { id, revision, expectedStatus, changes }) => {
    const session = await getOr404(ctx, "videoSessions", id, "session");
    compareAndSet("session", session, revision, expectedStatus);
    if (changes.status !== undefined && changes.status !== session.status) {
      checkTransition("session", session.status, changes.status);
    }
    checkWhole(changes.durationInFrames, "durationInFrames", 0);
    checkWhole(changes.sceneCount, "sceneCount", 1);
    if (changes.version !== undefined && changes.version < session.version) {
      fail("invalid_input", `session version cannot go back from ${session.version} to ${changes.version}`);
    }
    await ctx.db.patch(session._id, { ...toPatch(changes), revision: session.revision + 1, updatedAt: Date.now() });
    return (await ctx.db.get(session._id))!;
  },
});

/** Lay out the frames and settle a session whose scenes are all done (ready or error). */
export const settle = internalMutation({
  args: { id: v.string() },
  handler: async (ctx, { id }) => {
    const session = await getOr404(ctx, "videoSessions", id, "session");
    return await settleSession(ctx, session._id);
  },
});

// ----------------------------------------------------------------- scenes

/** Record a rendered version of a scene (its keys, frames and text at that version). */
async function recordVersion(ctx: MutationCtx, scene: Doc<"scenes">): Promise<void> {
  if (scene.s3ChunkKey === undefined) {
    fail("invalid_input", `scene version ${scene.version} has no s3ChunkKey`, {
      hint: "upload the chunk and set s3ChunkKey in the same write as the new version",
    });
  }
  await ctx.db.insert("sceneVersions", {
    sceneId: scene._id,
    sessionId: scene.sessionId,
    version: scene.version,
    s3ChunkKey: scene.s3ChunkKey,
    s3SourceKey: scene.s3SourceKey,
    s3SpecKey: scene.s3SpecKey,
    s3SubtitlesKey: scene.s3SubtitlesKey,
    checksum: scene.checksum,
    durationInFrames: scene.durationInFrames,
    title: scene.title,
    narration: scene.narration,
    createdAt: scene.updatedAt,
  });
}

function checkSceneFields(fields: {
  s3ChunkKey?: string | null;
  s3SourceKey?: string | null;
  s3SpecKey?: string | null;
  s3SubtitlesKey?: string | null;
  startFrame?: number;
  endFrame?: number;
  durationInFrames?: number;
}): void {
  for (const field of ["s3ChunkKey", "s3SourceKey", "s3SpecKey", "s3SubtitlesKey"] as const) {
    const key = fields[field];
    if (typeof key === "string") validateKey(key, field);
  }
  checkWhole(fields.startFrame, "startFrame", 0);
  checkWhole(fields.endFrame, "endFrame", -1);
  checkWhole(fields.durationInFrames, "durationInFrames", 0);
}

export const createScene = internalMutation({
  args: {
    sessionId: v.string(),
    index: v.number(),
    status: v.optional(sceneStatus),
    title: v.optional(v.string()),
    narration: v.optional(v.string()),
    jobId: v.optional(v.string()),
    leaseExpiresAt: v.optional(v.number()),
    startFrame: v.optional(v.number()),
    endFrame: v.optional(v.number()),
    durationInFrames: v.optional(v.number()),
    s3ChunkKey: v.optional(v.string()),
    s3SourceKey: v.optional(v.string()),
    s3SpecKey: v.optional(v.string()),
    s3SubtitlesKey: v.optional(v.string()),
    checksum: v.optional(v.string()),
    version: v.optional(v.number()),
    pendingEdit: v.optional(v.string()),
    errorMessage: v.optional(v.string()),
    fallback: v.optional(v.boolean()),
    tokens: v.optional(v.number()),
    costUsd: v.optional(v.number()),
  },
  handler: async (ctx, args) => {
    const session = await getOr404(ctx, "videoSessions", args.sessionId, "session");
    checkWhole(args.index, "index", 0);
    checkWhole(args.version, "version", 0);
    checkSceneFields(args);
    const clash = await ctx.db
      .query("scenes")
      .withIndex("by_session_index", (q) => q.eq("sessionId", session._id).eq("index", args.index))
      .first();
    if (clash !== null) {
      fail("conflict", `session '${session._id}' already has a scene at index ${args.index}`, {
        hint: "scene indexes are 0-based and unique within a session",
      });
    }
    const status = args.status ?? "queued";
    if (status !== "queued") {
      fail("invalid_transition", `a new scene starts queued, not ${status}`, {
        hint: "create it queued, then move it on",
        machine: "scene",
        source: "queued",
        target: status,
      });
    }
    const id = await ctx.db.insert("scenes", {
      startFrame: 0,
      endFrame: -1,
      durationInFrames: 0,
      version: 0,
      ...args,
      status,
      sessionId: session._id,
      projectId: session.projectId,
      updatedAt: Date.now(),
      revision: 1,
    });
    const scene = (await ctx.db.get(id))!;
    if (scene.version >= 1) await recordVersion(ctx, scene);
    return scene;
  },
});

export const getScene = internalQuery({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await getOr404(ctx, "scenes", id, "scene"),
});

export const listScenes = internalQuery({
  args: { sessionId: v.string() },
  handler: async (ctx, { sessionId }) => {
    const id = ctx.db.normalizeId("videoSessions", sessionId);
    return id === null ? [] : await scenesOf(ctx, id);
  },
});

export const updateScene = internalMutation({
  args: {
    id: v.string(),
    revision: v.number(),
    expectedStatus: v.optional(sceneStatus),
    changes: sceneChanges,
  },
  handler: async (ctx, { id, revision, expectedStatus, changes }) => {
    const scene = await getOr404(ctx, "scenes", id, "scene");
    compareAndSet("scene", scene, revision, expectedStatus);
    if (changes.status !== undefined && changes.status !== scene.status) {
      checkTransition("scene", scene.status, changes.status);
    }
    checkSceneFields(changes);
    const bumped = changes.version !== undefined && changes.version !== scene.version;
    if (bumped && changes.version !== scene.version + 1) {
      fail("invalid_input", `scene version must go from ${scene.version} to ${scene.version + 1}, not ${changes.version}`, {
        hint: "versions never skip or repeat: re-read the scene and use its version + 1",
      });
    }
    await ctx.db.patch(scene._id, { ...toPatch(changes), revision: scene.revision + 1, updatedAt: Date.now() });
    const updated = (await ctx.db.get(scene._id))!;
    if (bumped) await recordVersion(ctx, updated);
    return updated;
  },
});

// ----------------------------------------------------------------- leases

/**
 * Extend the lease of a busy scene or session held by `jobId` to `expiresAt` (ms since
 * the epoch). Returns false, changing nothing, when the record is not busy or another job
 * holds it: the lease was lost, stop working on it. Only the lease moves: the revision
 * stays, so the holder's next compare-and-set is not disturbed by renewals.
 */
export const renewLease = internalMutation({
  args: {
    sceneId: v.optional(v.string()),
    sessionId: v.optional(v.string()),
    jobId: v.string(),
    expiresAt: v.number(),
  },
  handler: async (ctx, { sceneId, sessionId, jobId, expiresAt }) => {
    if ((sceneId === undefined) === (sessionId === undefined)) {
      fail("invalid_input", "pass exactly one of sceneId and sessionId");
    }
    if (!Number.isFinite(expiresAt)) fail("invalid_input", `expiresAt must be a time in ms, got ${expiresAt}`);
    const row: Doc<"scenes"> | Doc<"videoSessions"> =
      sceneId !== undefined
        ? await getOr404(ctx, "scenes", sceneId, "scene")
        : await getOr404(ctx, "videoSessions", sessionId!, "session");
    const busy =
      sceneId !== undefined
        ? BUSY_SCENE.includes(row.status as Infer<typeof sceneStatus>)
        : BUSY_SESSION.includes(row.status as Infer<typeof sessionStatus>);
    if (row.jobId !== jobId || !busy) return false;
    await ctx.db.patch(row._id, { leaseExpiresAt: expiresAt });
    return true;
  },
});
