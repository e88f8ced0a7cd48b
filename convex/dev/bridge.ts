/**
 * A local stand-in for a Convex deployment, for tests and development only.
 *
 * It hosts the real functions of `../functions` in one `convex-test` instance (an
 * in-memory database, the real validators, scheduler and transaction serialization)
 * and answers Convex's public HTTP API on a loopback port:
 *
 *   POST /api/query | /api/mutation | /api/action | /api/function
 *   {"path": "module:function", "args": {...} or [{...}], "format": "convex_encoded_json"}
 *
 * -> 200 {"status": "success", "value": ..., "logLines": []}
 * -> 200 {"status": "error", "errorMessage": ..., "errorData"?: ...}   (function errors)
 * -> 4xx {"code": ..., "message": ...}                                (bad requests)
 *
 * `/d/<name>/api/...` addresses another deployment with its own empty database (made on
 * first use), so each test can start from nothing without starting another bridge.
 *
 * Auth: `Authorization: Convex <admin key>` may call internal functions, optionally
 * acting as a user (`Convex <key>:<base64 JSON identity>`, as `setAdminAuth` sends);
 * `Authorization: Bearer <JWT>` is a user, accepted when the bridge has a JWT secret and
 * the token is HS256-signed with it and unexpired. Interval crons run on their schedule.
 *
 * It does not speak the WebSocket sync protocol (no live subscriptions), keeps data in
 * memory only, and is not a security boundary: bind it to loopback only.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { convexTest } from "convex-test";
import { makeFunctionReference, type UserIdentity } from "convex/server";
import { ConvexError, convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import schema from "../functions/schema";

export type Modules = Record<string, () => Promise<Record<string, unknown>>>;
type Kind = "query" | "mutation" | "action";
type Identity = { -readonly [K in keyof UserIdentity]?: UserIdentity[K] };

export type BridgeOptions = {
  /** Secret for `Authorization: Convex <key>`; internal functions need it. */
  adminKey: string;
  /** HS256 secret for `Authorization: Bearer <JWT>`; without it, bearer tokens are refused. */
  jwtSecret?: string;
  /** Issuer stamped on bearer identities that carry no `iss`. */
  issuer?: string;
  host?: string;
  port?: number;
  /** The functions (default: every module of ../functions, found on disk). */
  modules?: Modules;
  /** Run interval crons (default true). */
  crons?: boolean;
  log?: (line: string) => void;
};

export type Bridge = {
  url: string;
  port: number;
  close: () => Promise<void>;
};

const FUNCTIONS_DIR = new URL("../functions/", import.meta.url);

/** Every module of the functions directory, as `import.meta.glob` would list them. */
export function modulesOnDisk(dir: string = FUNCTIONS_DIR.pathname): Modules {
  const modules: Modules = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== "node_modules") walk(full);
      } else if (/^[^.]+\.(ts|js)$/.test(name)) {
        // Like the Convex bundler: files with more than one dot (tests, .d.ts) are not modules.
        const key = "./" + relative(dir, full).split(sep).join("/");
        modules[key] = () => import(pathToFileURL(full).href);
      }
    }
  };
  walk(dir);
  return modules;
}

/** JSON with integral numbers written as floats (`1.0`): the Python client rejects ints. */
export function stringifyConvexJson(value: JSONValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    const text = JSON.stringify(value);
    return /^-?\d+$/.test(text) ? `${text}.0` : text;
  }
  if (Array.isArray(value)) return `[${value.map(stringifyConvexJson).join(",")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${stringifyConvexJson(v)}`)
    .join(",")}}`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function base64url(data: string): Buffer {
  return Buffer.from(data.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** The identity of an HS256 JWT signed with `secret`, or an HttpError(401). */
export function verifyJwt(token: string, secret: string, defaultIssuer: string, nowSeconds = Date.now() / 1000): Identity {
  const parts = token.split(".");
  const bad = (why: string): never => {
    throw new HttpError(401, "Unauthenticated", `invalid auth token: ${why}`);
  };
  if (parts.length !== 3) bad("not a JWT");
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(base64url(h).toString("utf8"));
    claims = JSON.parse(base64url(p).toString("utf8"));
  } catch {
    return bad("not JSON");
  }
  if (header.alg !== "HS256") bad(`algorithm ${String(header.alg)} is not accepted (HS256 only)`);
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = base64url(s);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) bad("bad signature");
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) bad("expired or without exp");
  if (typeof claims.sub !== "string" || claims.sub === "") bad("no subject");
  const issuer = typeof claims.iss === "string" ? claims.iss : defaultIssuer;
  const identity: Identity = { subject: claims.sub as string, issuer, tokenIdentifier: `${issuer}|${claims.sub as string}` };
  if (typeof claims.name === "string") identity.name = claims.name;
  if (typeof claims.email === "string") identity.email = claims.email;
  return identity;
}

function errorReply(e: unknown): Record<string, JSONValue> {
  if (e instanceof ConvexError) {
    const data = (e as ConvexError<Value>).data;
    const message = typeof data === "object" && data !== null && "message" in data ? String((data as { message: unknown }).message) : String(e.message);
    return { status: "error", errorMessage: message, errorData: convexToJson(data), logLines: [] };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { status: "error", errorMessage: `Uncaught Error: ${message}`, logLines: [] };
}

async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "PayloadTooLarge", `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Start the bridge; resolves once it listens. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  if (!options.adminKey) throw new Error("the bridge needs an admin key");
  const modules = options.modules ?? modulesOnDisk();
  // One deployment at the root, and more on demand under /d/<name>/ (each with its own
  // empty database), so test suites get fresh data without starting another bridge.
  const deployments = new Map<string, ReturnType<typeof convexTest>>();
  const deployment = (name: string): ReturnType<typeof convexTest> => {
    let found = deployments.get(name);
    if (found === undefined) {
      if (deployments.size >= 1000) throw new HttpError(429, "TooManyDeployments", "at most 1000 deployments per bridge");
      found = convexTest(schema, modules);
      deployments.set(name, found);
    }
    return found;
  };
  const t = deployment("");
  const log = options.log ?? (() => {});
  const issuer = options.issuer ?? "tutor-dev";

  async function resolve(path: string): Promise<{ udfPath: string; kind: Kind; internal: boolean }> {
    const [rawModule, exportName = "default"] = path.split(":") as [string, string?];
    const modulePath = rawModule.replace(/\.(js|ts)$/, "");
    const notFound = (): never => {
      throw new Error(`Could not find public function for '${path}'`);
    };
    if (!/^[A-Za-z0-9_/]+$/.test(modulePath) || modulePath.split("/").some((s) => s === "" || s.startsWith("_"))) {
      notFound();
    }
    const loader = modules[`./${modulePath}.ts`] ?? modules[`./${modulePath}.js`];
    if (loader === undefined) return notFound();
    const fn = (await loader())[exportName] as
      | { isQuery?: boolean; isMutation?: boolean; isAction?: boolean; isInternal?: boolean }
      | undefined;
    if (fn === undefined || fn === null) return notFound();
    const kind: Kind | undefined = fn.isQuery ? "query" : fn.isMutation ? "mutation" : fn.isAction ? "action" : undefined;
    if (kind === undefined) return notFound();
    return { udfPath: `${modulePath}:${exportName}`, kind, internal: fn.isInternal === true };
  }

  function caller(authorization: string | undefined): { admin: boolean; identity?: Identity } {
    if (!authorization) return { admin: false };
    if (authorization.startsWith("Convex ")) {
      const [key, acting] = authorization.slice("Convex ".length).split(":", 2) as [string, string?];
      if (!sameSecret(key, options.adminKey)) throw new HttpError(401, "BadAdminKey", "the admin key is not valid for this deployment");
      if (acting === undefined) return { admin: true };
      let identity: Identity;
      try {
        identity = JSON.parse(Buffer.from(acting, "base64").toString("utf8")) as Identity;
      } catch {
        throw new HttpError(400, "BadActingAs", "the acting-as identity is not base64 JSON");
      }
      const subject = identity.subject ?? "admin";
      const iss = identity.issuer ?? issuer;
      return { admin: true, identity: { ...identity, subject, issuer: iss, tokenIdentifier: identity.tokenIdentifier ?? `${iss}|${subject}` } };
    }
    if (authorization.startsWith("Bearer ")) {
      if (!options.jwtSecret) throw new HttpError(401, "NoAuthProvider", "this bridge has no JWT secret, so bearer tokens cannot be checked");
      return { admin: false, identity: verifyJwt(authorization.slice("Bearer ".length), options.jwtSecret, issuer) };
    }
    throw new HttpError(401, "Unauthenticated", "the Authorization header must be 'Bearer <token>' or 'Convex <admin key>'");
  }

  async function call(
    endpoint: Kind | "function",
    body: Record<string, unknown>,
    authorization?: string,
    name = "",
  ): Promise<Record<string, JSONValue>> {
    const who = caller(authorization);
    const t = deployment(name);
    if (typeof body.path !== "string") throw new HttpError(400, "BadRequest", "the body needs a string 'path'");
    if (body.format !== undefined && body.format !== "convex_encoded_json" && body.format !== "json") {
      throw new HttpError(400, "BadRequest", `unsupported format ${String(body.format)}`);
    }
    if (body.componentPath !== undefined && body.componentPath !== null && body.componentPath !== "") {
      throw new HttpError(400, "BadRequest", "components are not supported by this bridge");
    }
    // The Python client sends args as an object, the JS client as [object].
    let rawArgs = body.args ?? {};
    if (Array.isArray(rawArgs)) {
      if (rawArgs.length !== 1) throw new HttpError(400, "BadRequest", "args must be an object or a one-element array");
      rawArgs = rawArgs[0];
    }
    try {
      const args = jsonToConvex(rawArgs as JSONValue);
      if (args === null || typeof args !== "object" || Array.isArray(args)) {
        throw new Error("The arguments to a Convex function must be an object");
      }
      const fn = await resolve(body.path);
      if (fn.internal && !who.admin) {
        throw new Error(`Could not find public function for '${body.path}'`);
      }
      if (endpoint !== "function" && endpoint !== fn.kind) {
        throw new Error(`Trying to execute ${fn.udfPath} as ${endpoint}, but it is defined as ${fn.kind}`);
      }
      const accessor = who.identity ? t.withIdentity(who.identity) : t;
      const fnArgs = args as Record<string, Value>;
      const started = Date.now();
      const value: Value =
        fn.kind === "query"
          ? await accessor.query(makeFunctionReference<"query", Record<string, Value>, Value>(fn.udfPath), fnArgs)
          : fn.kind === "mutation"
            ? await accessor.mutation(makeFunctionReference<"mutation", Record<string, Value>, Value>(fn.udfPath), fnArgs)
            : await accessor.action(makeFunctionReference<"action", Record<string, Value>, Value>(fn.udfPath), fnArgs);
      log(`${fn.kind} ${fn.udfPath} ok in ${Date.now() - started} ms`);
      return { status: "success", value: convexToJson((value ?? null) as Value), logLines: [] };
    } catch (e) {
      log(`${String(body.path)} failed: ${e instanceof Error ? e.message : String(e)}`);
      return errorReply(e);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, payload: Record<string, JSONValue>): void => {
      const text = stringifyConvexJson(payload);
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const url = new URL(req.url ?? "/", "http://bridge");
      const match = /^(?:\/d\/([A-Za-z0-9_-]{1,64}))?\/api\/(query|mutation|action|function)$/.exec(url.pathname);
      if (url.pathname === "/version" && req.method === "GET") return send(200, { bridge: "tutor-convex-dev" });
      if (!match) throw new HttpError(404, "NotFound", `no route ${req.method} ${url.pathname}`);
      if (req.method !== "POST") throw new HttpError(405, "MethodNotAllowed", "use POST");
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, "BadJsonBody", "the request body is not JSON");
      }
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new HttpError(400, "BadJsonBody", "the request body must be a JSON object");
      }
      send(200, await call(match[2] as Kind | "function", body as Record<string, unknown>, req.headers.authorization, match[1] ?? ""));
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, { code: e.code, message: e.message });
      send(500, { code: "InternalServerError", message: e instanceof Error ? e.message : String(e) });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolveListen());
  });
  const timers: NodeJS.Timeout[] = [];
  if (options.crons !== false) {
    const cronModule = modules["./crons.ts"] ?? modules["./crons.js"];
    if (cronModule !== undefined) {
      const crons = ((await cronModule()).default as { crons?: Record<string, { name: string; args: JSONValue[]; schedule: Record<string, unknown> }> })?.crons ?? {};
      for (const [id, job] of Object.entries(crons)) {
        const s = job.schedule;
        if (s.type !== "interval") continue;
        const ms = 1000 * (Number(s.seconds ?? 0) + 60 * Number(s.minutes ?? 0) + 3600 * Number(s.hours ?? 0));
        const timer = setInterval(() => {
          void call("function", { path: job.name, args: job.args }, `Convex ${options.adminKey}`).then((r) =>
            log(`cron ${id}: ${r.status}`),
          );
        }, ms);
        timer.unref();
        timers.push(timer);
      }
    }
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
