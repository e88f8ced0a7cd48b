/**
 * Job actions: POST the seed's bodies to the tutor server's webhooks
 * (`TUTOR_API_URL` + `/jobs/generate`, `/jobs/edit`, `/jobs/retry`), signed with
 * `TUTOR_WEBHOOK_SECRET`.
 *
 * A scheduled action runs at most once, so the retries happen inside it: 5xx answers,
 * 408/429, timeouts and network errors are retried with exponential backoff; other 4xx
 * answers are permanent. Every attempt is signed anew (a fresh timestamp) and carries
 * the job's id as `Idempotency-Key`, so the server can drop a duplicate whose first copy
 * arrived but whose answer was lost. When the last attempt fails, the session (generate)
 * or scene (edit, retry) is marked `error` with the reason.
 */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalAction, internalMutation, internalQuery, type ActionCtx } from "./_generated/server";
import { patchScene, patchSession, settleSession } from "./lib/model";
import { sign } from "./lib/signing";
import { BUSY_SESSION, canTransition } from "./lib/states";

const PATHS = { generate: "/jobs/generate", edit: "/jobs/edit", retry: "/jobs/retry" } as const;

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export const load = internalQuery({
  args: { jobId: v.id("jobs") },
  handler: async (ctx, { jobId }) => await ctx.db.get(jobId),
});

export const markSent = internalMutation({
  args: { jobId: v.id("jobs"), attempts: v.number(), serverJobId: v.optional(v.string()) },
  handler: async (ctx, { jobId, attempts, serverJobId }) => {
    await ctx.db.patch(jobId, { state: "sent", attempts, serverJobId, lastError: undefined, updatedAt: Date.now() });
  },
});

/** The job could not be delivered: record why and mark its session or scene `error`. */
export const markFailed = internalMutation({
  args: { jobId: v.id("jobs"), attempts: v.number(), error: v.string() },
  handler: async (ctx, { jobId, attempts, error }) => {
    const job = await ctx.db.get(jobId);
    if (job === null) return;
    await ctx.db.patch(jobId, { state: "failed", attempts, lastError: error, updatedAt: Date.now() });
    const message = `could not start the ${job.kind} job on the tutor server: ${error}`;
    if (job.kind === "generate") {
      const session = await ctx.db.get(job.sessionId);
      // Only while the session still waits for this job: a worker may have taken it.
      if (session !== null && session.jobId === jobId && session.status === "queued") {
        await patchSession(ctx, session, { status: "error", errorMessage: message, leaseExpiresAt: undefined });
      }
      return;
    }
    const scene = job.sceneId === undefined ? null : await ctx.db.get(job.sceneId);
    if (scene === null || scene.jobId !== jobId) return;
    if (scene.status === "ready" || scene.status === "error") {
      await patchScene(ctx, scene, {
        ...(scene.status !== "error" && canTransition("scene", scene.status, "error") ? { status: "error" as const } : {}),
        errorMessage: message,
        leaseExpiresAt: undefined,
      });
      const session = await ctx.db.get(scene.sessionId);
      if (session !== null && !BUSY_SESSION.includes(session.status)) await settleSession(ctx, session._id);
    }
  },
});

type Outcome = { ok: true; serverJobId?: string } | { ok: false; retry: boolean; error: string };

async function attempt(url: string, body: string, secret: string, jobId: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": jobId, ...(await sign(body, secret)) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    const error = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : `${e}`;
    return { ok: false, retry: true, error };
  }
  const text = (await response.text().catch(() => "")).slice(0, 500);
  if (response.ok) {
    let serverJobId: string | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object") {
        const id = (parsed as Record<string, unknown>).jobId ?? (parsed as Record<string, unknown>).id;
        if (typeof id === "string") serverJobId = id;
      }
    } catch {
      // an answer without a JSON body is still an accepted job
    }
    return { ok: true, serverJobId };
  }
  const retry = response.status >= 500 || response.status === 408 || response.status === 429;
  return { ok: false, retry, error: `HTTP ${response.status} from ${url}${text ? `: ${text}` : ""}` };
}

async function deliver(ctx: ActionCtx, jobId: Id<"jobs">, kind: keyof typeof PATHS): Promise<void> {
  const job = await ctx.runQuery(internal.jobs.load, { jobId });
  if (job === null || job.state !== "pending") return;
  const base = process.env.TUTOR_API_URL;
  const secret = process.env.TUTOR_WEBHOOK_SECRET;
  if (!base || !secret) {
    await ctx.runMutation(internal.jobs.markFailed, {
      jobId,
      attempts: 0,
      error: "TUTOR_API_URL and TUTOR_WEBHOOK_SECRET must be set on the Convex deployment (npx convex env set ...)",
    });
    return;
  }
  const url = base.replace(/\/+$/, "") + PATHS[kind];
  const attempts = Math.max(1, Math.floor(setting("TUTOR_JOB_ATTEMPTS", 4)));
  const backoffMs = setting("TUTOR_JOB_BACKOFF_MS", 1000);
  const timeoutMs = setting("TUTOR_JOB_TIMEOUT_MS", 10_000);
  let error = "";
  for (let n = 1; n <= attempts; n++) {
    const outcome = await attempt(url, job.body, secret, jobId, timeoutMs);
    if (outcome.ok) {
      await ctx.runMutation(internal.jobs.markSent, { jobId, attempts: n, serverJobId: outcome.serverJobId });
      return;
    }
    error = outcome.error;
    if (!outcome.retry) {
      await ctx.runMutation(internal.jobs.markFailed, { jobId, attempts: n, error });
      return;
    }
    if (n < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * 4 ** (n - 1)));
  }
  await ctx.runMutation(internal.jobs.markFailed, { jobId, attempts, error: `${error} (after ${attempts} attempts)` });
}

export const generate = internalAction({
  args: { jobId: v.id("jobs") },
  handler: async (ctx, { jobId }) => await deliver(ctx, jobId, "generate"),
});

export const edit = internalAction({
  args: { jobId: v.id("jobs") },
  handler: async (ctx, { jobId }) => await deliver(ctx, jobId, "edit"),
});

export const retry = internalAction({
  args: { jobId: v.id("jobs") },
  handler: async (ctx, { jobId }) => await deliver(ctx, jobId, "retry"),
});
