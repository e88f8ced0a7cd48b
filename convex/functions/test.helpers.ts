/** Shared test helpers: a convex-test instance, users, error matchers, a webhook listener. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { convexTest } from "convex-test";
import { ConvexError, type Value } from "convex/values";
import { expect } from "vitest";
import schema from "./schema";
import { modules } from "./test.setup";
import { verify, type VerifyResult } from "./lib/signing";

export const SECRET = "whsec_test_local_listener_secret";

export function newT() {
  return convexTest(schema, modules);
}
export type T = ReturnType<typeof newT>;

export function asUser(t: T, subject: string) {
  return t.withIdentity({ subject, issuer: "https://auth.test", name: subject, email: `${subject}@example.test` });
}

/** Await `promise` and check it fails with a ConvexError of this `kind`; return its data. */
export async function expectKind(promise: Promise<unknown>, kind: string): Promise<Record<string, unknown>> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ConvexError of kind ${kind}`).toBeInstanceOf(ConvexError);
  const data = (error as ConvexError<Record<string, Value>>).data;
  expect(data.kind, JSON.stringify(data)).toBe(kind);
  expect(typeof data.message).toBe("string");
  return data;
}

export type Received = {
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
  verdict: VerifyResult;
};

/**
 * A real HTTP listener on loopback standing in for the tutor server's webhooks. It
 * checks every request's signature with the shared scheme and answers from `script`
 * (one status per request; the last one repeats). A bad signature is answered 401.
 */
export async function webhookListener(script: number[] = [202], opts: { hangMs?: number } = {}) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const verdict = await verify(body, req.headers as Record<string, string>, SECRET);
        received.push({ path: req.url ?? "", body, headers: req.headers, verdict });
        if (!verdict.ok) {
          res.writeHead(401).end(JSON.stringify({ error: verdict.error }));
          return;
        }
        const status = script[Math.min(received.length - 1, script.length - 1)]!;
        if (status === 0) {
          // 0 = never answer (the action's timeout must fire)
          setTimeout(() => res.destroy(), opts.hangMs ?? 2000);
          return;
        }
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(status < 300 ? JSON.stringify({ jobId: `srv-${received.length}` }) : JSON.stringify({ error: "nope" }));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Point the job actions at `url` with fast retries. The answer timeout stays generous so
 * a loaded machine never turns a slow answer into a retry; tests of timeouts lower it.
 */
export function jobEnv(url: string, attempts = 3): void {
  process.env.TUTOR_API_URL = url;
  process.env.TUTOR_WEBHOOK_SECRET = SECRET;
  process.env.TUTOR_JOB_ATTEMPTS = String(attempts);
  process.env.TUTOR_JOB_BACKOFF_MS = "5";
  process.env.TUTOR_JOB_TIMEOUT_MS = "10000";
}

export function clearJobEnv(): void {
  for (const name of ["TUTOR_API_URL", "TUTOR_WEBHOOK_SECRET", "TUTOR_JOB_ATTEMPTS", "TUTOR_JOB_BACKOFF_MS", "TUTOR_JOB_TIMEOUT_MS", "TUTOR_MEDIA_BASE_URL"]) {
    delete process.env[name];
  }
}

export function contract<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../contracts/${name}`, import.meta.url), "utf8")) as T;
}

/** Wait for every scheduled function (and what they schedule) to finish, on real timers. */
export async function drain(t: T): Promise<void> {
  await t.finishAllScheduledFunctions(() => {});
}
