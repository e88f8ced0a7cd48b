/**
 * Stale-job recovery, run by a cron: a busy scene whose lease expired (its worker
 * died or hung) is marked `error` with a message, so the user can retry it; a session
 * whose lease expired with nothing busy left is settled. Nothing stays busy forever.
 */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation } from "./_generated/server";
import { NO_LEASE_GRACE_MS, patchScene, settleSession } from "./lib/model";
import { BUSY_SCENE, BUSY_SESSION, checkTransition } from "./lib/states";

/** Rows handled per run; a full batch schedules another run at once. */
export const BATCH = 100;

function expired(row: { leaseExpiresAt?: number; updatedAt: number }, now: number): boolean {
  return row.leaseExpiresAt !== undefined ? row.leaseExpiresAt <= now : row.updatedAt + NO_LEASE_GRACE_MS <= now;
}

export const recoverStale = internalMutation({
  args: {},
  returns: v.object({ scenes: v.number(), sessions: v.number() }),
  handler: async (ctx) => {
    const now = Date.now();
    const touched = new Set<Id<"videoSessions">>();
    let scenes = 0;
    let full = false;
    for (const status of BUSY_SCENE) {
      // Rows without a lease sort first, so one range read finds both kinds.
      const rows: Doc<"scenes">[] = await ctx.db
        .query("scenes")
        .withIndex("by_status_lease", (q) => q.eq("status", status).lte("leaseExpiresAt", now))
        .take(BATCH);
      full ||= rows.length === BATCH;
      for (const scene of rows) {
        if (!expired(scene, now)) continue;
        checkTransition("scene", scene.status, "error");
        await patchScene(ctx, scene, {
          status: "error",
          errorMessage: `the worker stopped while the scene was ${scene.status.replace("_", " ")}; retry the scene`,
          leaseExpiresAt: undefined,
        });
        touched.add(scene.sessionId);
        scenes++;
      }
    }
    for (const status of BUSY_SESSION) {
      const rows = await ctx.db
        .query("videoSessions")
        .withIndex("by_status_lease", (q) => q.eq("status", status).lte("leaseExpiresAt", now))
        .take(BATCH);
      full ||= rows.length === BATCH;
      for (const session of rows) if (expired(session, now)) touched.add(session._id);
    }
    let sessions = 0;
    for (const id of touched) {
      const before = await ctx.db.get(id);
      const after = await settleSession(ctx, id, "the job stopped (its lease expired) before the session was finished");
      if (before !== null && after !== null && before.status !== after.status) sessions++;
    }
    if (full) await ctx.scheduler.runAfter(0, internal.recovery.recoverStale, {});
    return { scenes, sessions };
  },
});
