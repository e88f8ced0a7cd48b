/**
 * Writes shared by the public and internal functions: every update bumps `revision`
 * and `updatedAt`; frame layout and the session's settled status are computed the way
 * the Python pipeline's `_finish_session` does.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { isPlayable } from "./media";
import { BUSY_SCENE, canTransition, type SessionStatus } from "./states";
import { layout } from "./timeline";

export const FPS = 30;
export const QUALITY_SIZES = { final: { width: 1920, height: 1080 }, draft: { width: 854, height: 480 } } as const;

/** How long a queued job may wait for a worker to take it before it counts as stale. */
export const JOB_START_LEASE_MS = 10 * 60 * 1000;
/** A busy row with no lease at all counts as stale after this long without an update. */
export const NO_LEASE_GRACE_MS = 15 * 60 * 1000;

type SceneChanges = Partial<Omit<Doc<"scenes">, "_id" | "_creationTime" | "revision" | "updatedAt">>;
type SessionChanges = Partial<Omit<Doc<"videoSessions">, "_id" | "_creationTime" | "revision" | "updatedAt">>;

export async function patchScene(ctx: MutationCtx, scene: Doc<"scenes">, changes: SceneChanges): Promise<Doc<"scenes">> {
  const now = Date.now();
  await ctx.db.patch(scene._id, { ...changes, revision: scene.revision + 1, updatedAt: now });
  return (await ctx.db.get(scene._id))!;
}

export async function patchSession(
  ctx: MutationCtx,
  session: Doc<"videoSessions">,
  changes: SessionChanges,
): Promise<Doc<"videoSessions">> {
  const now = Date.now();
  await ctx.db.patch(session._id, { ...changes, revision: session.revision + 1, updatedAt: now });
  return (await ctx.db.get(session._id))!;
}

export async function scenesOf(ctx: Pick<QueryCtx, "db">, sessionId: Id<"videoSessions">): Promise<Doc<"scenes">[]> {
  return await ctx.db
    .query("scenes")
    .withIndex("by_session_index", (q) => q.eq("sessionId", sessionId))
    .collect();
}

/** Lay out the frames of the playable scenes; unplayable ones get an empty span. */
export async function relayout(ctx: MutationCtx, sessionId: Id<"videoSessions">): Promise<Doc<"scenes">[]> {
  const scenes = await scenesOf(ctx, sessionId);
  const playable = scenes.filter(isPlayable);
  const spans = layout(playable.map((s) => s.durationInFrames));
  const out: Doc<"scenes">[] = [];
  let next = 0;
  let start = 0;
  for (const scene of scenes) {
    let target: { startFrame: number; endFrame: number; durationInFrames: number };
    if (isPlayable(scene)) {
      const span = spans[next++]!;
      target = { startFrame: span.startFrame, endFrame: span.endFrame, durationInFrames: span.durationInFrames };
      start = span.endFrame + 1;
    } else {
      target = { startFrame: start, endFrame: start - 1, durationInFrames: 0 };
    }
    const same =
      scene.startFrame === target.startFrame &&
      scene.endFrame === target.endFrame &&
      scene.durationInFrames === target.durationInFrames;
    out.push(same ? scene : await patchScene(ctx, scene, target));
  }
  return out;
}

/**
 * Settle a session whose scenes are all ready or failed: `ready` with its total frames
 * when anything plays, `error` otherwise. A session with busy scenes is left alone.
 */
export async function settleSession(
  ctx: MutationCtx,
  sessionId: Id<"videoSessions">,
  reason?: string,
): Promise<Doc<"videoSessions"> | null> {
  const session = await ctx.db.get(sessionId);
  if (session === null) return null;
  const scenes = await relayout(ctx, sessionId);
  if (scenes.some((s) => BUSY_SCENE.includes(s.status))) return session;
  const playable = scenes.filter(isPlayable);
  const failed = scenes.filter((s) => s.status === "error");
  const total = playable.reduce((sum, s) => sum + s.durationInFrames, 0);
  const failures = failed.map((s) => `scene ${s.index + 1}: ${s.errorMessage ?? "failed"}`).join("; ");
  let target: SessionStatus = playable.length > 0 ? "ready" : "error";
  let message: string | undefined;
  if (target === "ready") {
    message = failed.length > 0 ? `${failed.length} of ${scenes.length} scenes failed: ${failures}` : undefined;
  } else {
    message = reason ?? (scenes.length > 0 ? `no scene could be made: ${failures}` : "the job stopped before any scene was made");
  }
  if (session.status !== target && !canTransition("session", session.status, target)) {
    // A failed session is only left through a new job (error -> rendering/queued).
    if (session.status === "error") return await patchSession(ctx, session, { leaseExpiresAt: undefined });
    target = "error";
    message = reason ?? `the session stopped while ${session.status}`;
  }
  if (session.status === "error" && target === "error") {
    // Already failed: keep the first reason unless a new one is given.
    return await patchSession(ctx, session, {
      errorMessage: reason ?? session.errorMessage ?? message,
      durationInFrames: 0,
      leaseExpiresAt: undefined,
    });
  }
  return await patchSession(ctx, session, {
    status: target,
    durationInFrames: target === "ready" ? total : 0,
    errorMessage: message,
    leaseExpiresAt: undefined,
    version: target === "ready" ? session.version + 1 : session.version,
  });
}
