/** The local Convex bridge speaks the HTTP API the official clients use. */
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { makeFunctionReference } from "convex/server";
import { startBridge, stringifyConvexJson, verifyJwt, type Bridge } from "./bridge";
import { clearJobEnv, jobEnv, webhookListener } from "../functions/test.helpers";

const ADMIN = "admin-key-for-tests-0123456789";
const JWT_SECRET = "jwt-secret-for-tests";
let bridge: Bridge;

function jwt(claims: Record<string, unknown>, secret = JWT_SECRET, alg = "HS256"): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg, typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${bridge.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) as Record<string, any> };
}

type Admin = { setAdminAuth(key: string, actingAs?: Record<string, string>): void };

function client(url = bridge.url): ConvexHttpClient & Admin {
  // setAdminAuth is marked internal in the client's types, but it is what server code uses.
  return new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true, logger: false }) as ConvexHttpClient & Admin;
}

const q = (name: string) => makeFunctionReference<"query">(name);
const m = (name: string) => makeFunctionReference<"mutation">(name);

beforeAll(async () => {
  bridge = await startBridge({ adminKey: ADMIN, jwtSecret: JWT_SECRET, crons: false });
});
afterAll(async () => {
  clearJobEnv();
  await bridge.close();
});

describe("wire format", () => {
  test("integral numbers are written as floats; other JSON is unchanged", () => {
    expect(stringifyConvexJson({ a: 1, b: -2, c: 1.5, d: [0, 1e21], e: "7", f: null, g: true })).toBe(
      '{"a":1.0,"b":-2.0,"c":1.5,"d":[0.0,1e+21],"e":"7","f":null,"g":true}',
    );
  });

  test("a Python-style call (args as an object) gets floats for every integral number", async () => {
    const r = await post(
      "/api/mutation",
      { path: "worker:ensureUser", args: { externalId: "py|1" }, format: "convex_encoded_json" },
      { Authorization: `Convex ${ADMIN}` },
    );
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("success");
    expect(r.text).toMatch(/"createdAt":\d+\.0[,}]/);
    expect(r.text).not.toMatch(/[:[,]-?\d+[,}\]]/); // no bare JSON integer anywhere
  });

  test("the JS client (args as [object]) works, with .js module paths too", async () => {
    const c = client();
    c.setAdminAuth(ADMIN);
    const user = await c.mutation(m("worker:ensureUser"), { externalId: "js|1" });
    expect(user.externalId).toBe("js|1");
    const again = await post("/api/query", { path: "worker.js:getUser", args: [{ id: user._id }] }, { Authorization: `Convex ${ADMIN}` });
    expect(again.json.value._id).toBe(user._id);
    const any = await post("/api/function", { path: "worker:getUser", args: { id: user._id } }, { Authorization: `Convex ${ADMIN}` });
    expect(any.json.status).toBe("success");
  });
});

describe("auth", () => {
  test("internal functions need the admin key; without it they do not exist", async () => {
    const r = await post("/api/mutation", { path: "worker:ensureUser", args: { externalId: "x" } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "error", errorMessage: "Uncaught Error: Could not find public function for 'worker:ensureUser'" });
    expect(r.json.errorData).toBeUndefined();
    const bad = await post("/api/mutation", { path: "worker:ensureUser", args: { externalId: "x" } }, { Authorization: "Convex wrong-key" });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ code: "BadAdminKey", message: expect.stringMatching(/admin key/) });
    const c = client();
    await expect(c.mutation(m("worker:ensureUser"), { externalId: "x" })).rejects.toThrow(/Could not find public function/);
  });

  test("an admin acting as a user, and a user with a signed token, see the same rows", async () => {
    const admin = client();
    admin.setAdminAuth(ADMIN, { subject: "carol", issuer: "tutor-dev", name: "Carol" });
    const projectId = await admin.mutation(m("projects:create"), { title: "Carol's" });
    const user = client();
    user.setAuth(jwt({ sub: "carol", iss: "tutor-dev", exp: Math.floor(Date.now() / 1000) + 600 }));
    expect((await user.query(q("projects:list"), {})).map((p: { _id: string }) => p._id)).toEqual([projectId]);
    const dave = client();
    dave.setAuth(jwt({ sub: "dave", exp: Math.floor(Date.now() / 1000) + 600 }));
    expect(await dave.query(q("projects:list"), {})).toEqual([]);
    const err = await dave.query(q("projects:get"), { projectId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConvexError);
    expect((err as ConvexError<{ kind: string }>).data.kind).toBe("not_found");
  });

  test("bad tokens are refused with 401 before any function runs", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const token of [
      jwt({ sub: "eve", exp: now - 1 }),
      jwt({ sub: "eve", exp: now + 600 }, "another-secret"),
      jwt({ sub: "eve" }),
      jwt({ sub: "eve", exp: now + 600 }, JWT_SECRET, "none"),
      "not-a-jwt",
    ]) {
      const r = await post("/api/query", { path: "projects:list", args: {} }, { Authorization: `Bearer ${token}` });
      expect(r.status, token).toBe(401);
      expect(r.json.code).toMatch(/Unauthenticated/);
    }
    expect(() => verifyJwt(jwt({ sub: "x", exp: now + 5 }), JWT_SECRET, "i", now + 10)).toThrow(/expired/);
  });

  test("signed out, a user function answers with the unauthenticated error", async () => {
    const r = await post("/api/query", { path: "projects:list", args: {} });
    expect(r.json).toMatchObject({ status: "error", errorData: { kind: "unauthenticated" } });
  });
});

describe("errors", () => {
  test("function errors are HTTP 200 with errorData; a stale revision is a conflict", async () => {
    const auth = { Authorization: `Convex ${ADMIN}` };
    const user = (await post("/api/mutation", { path: "worker:ensureUser", args: { externalId: "u|err" } }, auth)).json.value;
    const project = (await post("/api/mutation", { path: "worker:createProject", args: { ownerId: user._id, title: "P" } }, auth)).json.value;
    const session = (await post("/api/mutation", { path: "worker:createSession", args: { projectId: project._id } }, auth)).json.value;
    const scene = (await post("/api/mutation", { path: "worker:createScene", args: { sessionId: session._id, index: 0.0 } }, auth)).json.value;
    const ok = await post("/api/mutation", { path: "worker:updateScene", args: { id: scene._id, revision: 1.0, changes: { status: "generating_code" } } }, auth);
    expect(ok.json.value.revision).toBe(2);
    const stale = await post("/api/mutation", { path: "worker:updateScene", args: { id: scene._id, revision: 1.0, changes: { title: "x" } } }, auth);
    expect(stale.status).toBe(200);
    expect(stale.json).toMatchObject({ status: "error", errorData: { kind: "conflict", revision: 2, status: "generating_code" } });
    expect(stale.text).toContain('"revision":2.0');
    const illegal = await post("/api/mutation", { path: "worker:updateScene", args: { id: scene._id, revision: 2.0, changes: { status: "uploading" } } }, auth);
    expect(illegal.json.errorData).toMatchObject({ kind: "invalid_transition", machine: "scene", source: "generating_code", target: "uploading" });
    const invalid = await post("/api/mutation", { path: "worker:updateScene", args: { id: scene._id, revision: 2.0, changes: { status: "done" } } }, auth);
    expect(invalid.json.status).toBe("error");
    expect(invalid.json.errorMessage).toMatch(/Validator|status/);
  });

  test("wrong endpoint, unknown paths and malformed requests", async () => {
    const auth = { Authorization: `Convex ${ADMIN}` };
    expect((await post("/api/query", { path: "worker:ensureUser", args: { externalId: "x" } }, auth)).json.errorMessage).toMatch(
      /as query, but it is defined as mutation/,
    );
    for (const path of ["nope:fn", "worker:nope", "_generated/api:api", "../etc/passwd", "lib/model:relayout", "schema"]) {
      const r = await post("/api/function", { path, args: {} }, auth);
      expect(r.json.errorMessage, path).toMatch(/Could not find public function/);
    }
    expect((await post("/api/query", "{not json")).status).toBe(400);
    expect((await post("/api/query", [])).status).toBe(400);
    expect((await post("/api/query", { args: {} })).json.code).toBe("BadRequest");
    expect((await post("/api/query", { path: "projects:list", args: [{}, {}] })).status).toBe(400);
    expect((await post("/api/nothing", {})).status).toBe(404);
    expect((await fetch(`${bridge.url}/api/query`)).status).toBe(405);
  });
});

describe("deployments", () => {
  test("/d/<name>/ is another deployment with its own empty data", async () => {
    const auth = { Authorization: `Convex ${ADMIN}` };
    const a = client(`${bridge.url}/d/suite-a`);
    a.setAdminAuth(ADMIN);
    const user = await a.mutation(m("worker:ensureUser"), { externalId: "only-in-a" });
    const inA = await fetch(`${bridge.url}/d/suite-a/api/query`, { method: "POST", headers: auth, body: JSON.stringify({ path: "worker:getUser", args: { id: user._id } }) });
    expect((await inA.json()).status).toBe("success");
    for (const where of ["/d/suite-b", ""]) {
      const r = await fetch(`${bridge.url}${where}/api/query`, { method: "POST", headers: auth, body: JSON.stringify({ path: "worker:getUser", args: { id: user._id } }) });
      const reply = await r.json();
      // ids are per deployment: the same id may name another row elsewhere, never this one
      expect(reply.status === "error" ? reply.errorData?.kind : reply.value.externalId, where).not.toBe("only-in-a");
      if (where === "/d/suite-b") expect(reply.errorData?.kind).toBe("not_found");
    }
    expect((await fetch(`${bridge.url}/d/a.b/api/query`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("concurrency", () => {
  test("parallel compare-and-set writers over HTTP: exactly one wins each revision", async () => {
    const auth = { Authorization: `Convex ${ADMIN}` };
    const user = (await post("/api/mutation", { path: "worker:ensureUser", args: { externalId: "u|race" } }, auth)).json.value;
    const project = (await post("/api/mutation", { path: "worker:createProject", args: { ownerId: user._id, title: "P" } }, auth)).json.value;
    const session = (await post("/api/mutation", { path: "worker:createSession", args: { projectId: project._id } }, auth)).json.value;
    const scene = (await post("/api/mutation", { path: "worker:createScene", args: { sessionId: session._id, index: 0 } }, auth)).json.value;
    for (let revision = 1; revision <= 3; revision++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          post("/api/mutation", { path: "worker:updateScene", args: { id: scene._id, revision, changes: { title: `w${i}` } } }, auth),
        ),
      );
      const winners = results.filter((r) => r.json.status === "success");
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.json.errorData?.kind === "conflict")).toHaveLength(7);
      expect(winners[0]!.json.value.revision).toBe(revision + 1);
    }
  });
});

describe("scheduled functions", () => {
  test("creating a session through the bridge fires the signed webhook", async () => {
    const listener = await webhookListener([202]);
    try {
      jobEnv(listener.url, 1);
      const c = client();
      c.setAdminAuth(ADMIN, { subject: "frank", issuer: "tutor-dev" });
      const projectId = await c.mutation(m("projects:create"), { title: "F" });
      const { sessionId } = await c.mutation(m("sessions:create"), { projectId, prompt: "explain sine", sceneCount: 2 });
      for (let i = 0; i < 200 && listener.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(listener.received).toHaveLength(1);
      expect(listener.received[0]!.verdict.ok).toBe(true);
      expect(JSON.parse(listener.received[0]!.body)).toEqual({ projectId, sessionId, sceneCount: 2, prompt: "explain sine" });
    } finally {
      await listener.close();
    }
  });
});

describe("the whole loop through the bridge", () => {
  test("a user creates a session; the signed webhook starts a worker that writes progress; the user reads a ready lesson", async () => {
    const worker = client();
    worker.setAdminAuth(ADMIN);
    const done: Promise<void>[] = [];
    // The tutor server's stand-in: on a genuine /jobs/generate it answers 202 and works
    // like a worker would, through the admin API (compare-and-set on every step).
    const { createServer } = await import("node:http");
    const { verify } = await import("../functions/lib/signing");
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        void (async () => {
          const verdict = await verify(body, req.headers as Record<string, string>, "loop-secret");
          if (!verdict.ok || req.url !== "/jobs/generate") return void res.writeHead(401).end();
          res.writeHead(202, { "Content-Type": "application/json" }).end('{"jobId":"srv-loop"}');
          const job = JSON.parse(body) as { sessionId: string; sceneCount: number };
          done.push(
            (async () => {
              let session = await worker.query(q("worker:getSession"), { id: job.sessionId });
              for (const status of ["generating", "rendering"]) {
                session = await worker.mutation(m("worker:updateSession"), { id: session._id, revision: session.revision, expectedStatus: session.status, changes: { status } });
              }
              for (let index = 0; index < job.sceneCount; index++) {
                let scene = await worker.mutation(m("worker:createScene"), { sessionId: job.sessionId, index, title: `Scene ${index + 1}` });
                for (const status of ["generating_code", "rendering", "uploading"]) {
                  scene = await worker.mutation(m("worker:updateScene"), { id: scene._id, revision: scene.revision, changes: { status } });
                }
                await worker.mutation(m("worker:updateScene"), {
                  id: scene._id,
                  revision: scene.revision,
                  changes: { status: "ready", version: 1, s3ChunkKey: `projects/p/sessions/s/scenes/${index}/v1.mp4`, durationInFrames: 30 * (index + 2) },
                });
              }
              await worker.mutation(m("worker:settle"), { id: job.sessionId });
            })(),
          );
        })();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const { port } = server.address() as { port: number };
      process.env.TUTOR_API_URL = `http://127.0.0.1:${port}`;
      process.env.TUTOR_WEBHOOK_SECRET = "loop-secret";
      const user = client();
      user.setAuth(jwt({ sub: "grace", exp: Math.floor(Date.now() / 1000) + 600 }));
      const projectId = await user.mutation(m("projects:create"), { title: "Loop" });
      const { sessionId } = await user.mutation(m("sessions:create"), { projectId, prompt: "explain sine", sceneCount: 2, quality: "draft" });
      for (let i = 0; i < 400 && done.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await Promise.all(done);
      const view = await user.query(q("sessions:get"), { sessionId });
      expect(view.session).toMatchObject({ status: "ready", durationInFrames: 150, version: 2 });
      expect(view.scenes.map((s: { index: number; startFrame: number; endFrame: number; status: string }) => [s.index, s.startFrame, s.endFrame, s.status])).toEqual([
        [0, 0, 59, "ready"],
        [1, 60, 149, "ready"],
      ]);
      const versions = await user.query(q("scenes:versions"), { sceneId: view.scenes[1]._id });
      expect(versions.map((v: { version: number }) => v.version)).toEqual([1]);
    } finally {
      clearJobEnv();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("the command", () => {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, ["--import", "tsx", main], {
      env: { PATH: process.env.PATH ?? "", ...env },
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    return { child, output: () => out, exited };
  }

  test("starts on a free loopback port, prints where, serves, and stops on SIGTERM", async () => {
    const p = run({ CONVEX_BRIDGE_ADMIN_KEY: ADMIN, CONVEX_BRIDGE_PORT: "0" });
    try {
      for (let i = 0; i < 400 && !/ready at/.test(p.output()); i++) await new Promise((r) => setTimeout(r, 25));
      const url = /convex bridge ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1];
      expect(url, p.output()).toBeTruthy();
      const c = client(url!);
      c.setAdminAuth(ADMIN);
      expect((await c.mutation(m("worker:ensureUser"), { externalId: "cli|1" })).externalId).toBe("cli|1");
    } finally {
      p.child.kill("SIGTERM");
    }
    expect(await p.exited).toBe(0);
  });

  test("refuses a short admin key and a non-loopback host", async () => {
    const short = run({ CONVEX_BRIDGE_ADMIN_KEY: "short" });
    expect(await short.exited).toBe(2);
    expect(short.output()).toMatch(/at least 16 characters/);
    const open = run({ CONVEX_BRIDGE_ADMIN_KEY: ADMIN, CONVEX_BRIDGE_HOST: "0.0.0.0" });
    expect(await open.exited).toBe(2);
    expect(open.output()).toMatch(/loopback only/);
  });
});
