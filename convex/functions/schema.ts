/**
 * The seed's four tables (users, projects, videoSessions, scenes) plus what the
 * Python models added (`revision`, `prompt`, `title`, `quality`, `narration`,
 * `pendingEdit`, spec and subtitle keys), lease fields for stale-job recovery, and two
 * bookkeeping tables: `sceneVersions` (every rendered version, for history and
 * rollback) and `jobs` (each webhook call to the tutor server, for retries and
 * idempotency).
 *
 * Stores keep object keys; URLs are computed when read (see `lib/media.ts`).
 */
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { sceneStatus, sessionStatus } from "./lib/states";

export const quality = v.union(v.literal("draft"), v.literal("final"));

export default defineSchema({
  users: defineTable({
    /** The identity's `tokenIdentifier` (issuer + subject), stable per sign-in provider. */
    externalId: v.string(),
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    createdAt: v.number(),
  }).index("by_externalId", ["externalId"]),

  projects: defineTable({
    ownerId: v.id("users"),
    title: v.string(),
    description: v.optional(v.string()),
    createdAt: v.number(),
    updatedAt: v.number(),
    revision: v.number(),
  }).index("by_owner", ["ownerId", "updatedAt"]),

  videoSessions: defineTable({
    projectId: v.id("projects"),
    status: sessionStatus,
    targetFps: v.number(),
    width: v.number(),
    height: v.number(),
    codec: v.string(),
    durationInFrames: v.optional(v.number()),
    errorMessage: v.optional(v.string()),
    jobId: v.optional(v.string()),
    version: v.number(),
    prompt: v.optional(v.string()),
    title: v.optional(v.string()),
    /** True when the agent planned only an outline (it did not know the topic well). */
    outline: v.optional(v.boolean()),
    /** The agent's one-line note about the lesson. */
    notice: v.optional(v.string()),
    quality: quality,
    narrator: v.optional(v.string()),
    sceneCount: v.optional(v.number()),
    leaseExpiresAt: v.optional(v.number()),
    /** Model tokens and estimated USD spent planning the lesson (unset: no model). */
    planTokens: v.optional(v.number()),
    planCostUsd: v.optional(v.number()),
    createdAt: v.number(),
    updatedAt: v.number(),
    revision: v.number(),
  })
    .index("by_project", ["projectId", "createdAt"])
    .index("by_status_lease", ["status", "leaseExpiresAt"]),

  scenes: defineTable({
    projectId: v.id("projects"),
    sessionId: v.id("videoSessions"),
    index: v.number(),
    startFrame: v.number(),
    endFrame: v.number(),
    durationInFrames: v.number(),
    title: v.optional(v.string()),
    status: sceneStatus,
    errorMessage: v.optional(v.string()),
    s3ChunkKey: v.optional(v.string()),
    s3SourceKey: v.optional(v.string()),
    s3SpecKey: v.optional(v.string()),
    s3SubtitlesKey: v.optional(v.string()),
    checksum: v.optional(v.string()),
    jobId: v.optional(v.string()),
    version: v.number(),
    narration: v.optional(v.string()),
    pendingEdit: v.optional(v.string()),
    leaseExpiresAt: v.optional(v.number()),
    /** True while the current version is a fallback title card (retry makes the scene). */
    fallback: v.optional(v.boolean()),
    /** Model tokens and estimated USD spent on this scene, every attempt included. */
    tokens: v.optional(v.number()),
    costUsd: v.optional(v.number()),
    updatedAt: v.number(),
    revision: v.number(),
  })
    .index("by_session_index", ["sessionId", "index"])
    .index("by_project", ["projectId"])
    .index("by_status_lease", ["status", "leaseExpiresAt"]),

  sceneVersions: defineTable({
    sceneId: v.id("scenes"),
    sessionId: v.id("videoSessions"),
    version: v.number(),
    s3ChunkKey: v.string(),
    s3SourceKey: v.optional(v.string()),
    s3SpecKey: v.optional(v.string()),
    s3SubtitlesKey: v.optional(v.string()),
    checksum: v.optional(v.string()),
    durationInFrames: v.number(),
    title: v.optional(v.string()),
    narration: v.optional(v.string()),
    /** Set when this version was made by rolling back to an earlier one. */
    restoredFrom: v.optional(v.number()),
    createdAt: v.number(),
  })
    .index("by_scene_version", ["sceneId", "version"])
    .index("by_session", ["sessionId"]),

  jobs: defineTable({
    kind: v.union(v.literal("generate"), v.literal("edit"), v.literal("retry")),
    sessionId: v.id("videoSessions"),
    sceneId: v.optional(v.id("scenes")),
    /** The exact JSON body that is signed and POSTed (the seed's contract). */
    body: v.string(),
    state: v.union(v.literal("pending"), v.literal("sent"), v.literal("failed")),
    attempts: v.number(),
    /** The tutor server's own id for the queued job, when it answers with one. */
    serverJobId: v.optional(v.string()),
    lastError: v.optional(v.string()),
    createdAt: v.number(),
    updatedAt: v.number(),
  }).index("by_session", ["sessionId"]),
});
