/**
 * The same-origin proxy to the tutor API: JSON, Server-Sent Events and media (with Range).
 *
 * The browser never holds an API token: each request is signed here with a short-lived
 * token for the signed-in user. Only `/api/...` on the tutor server is reachable.
 */
import type { NextRequest } from "next/server";

import { currentUser } from "@/server/auth";
import { apiUrl, tutorSecret } from "@/server/config";
import { ConfigError, errorJson } from "@/server/errors";
import { mintToken } from "@/server/token";
import { safeFilename, upstreamPath } from "@/lib/urls";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Largest JSON body the proxy forwards (the API's own limit is 64 KiB). */
const MAX_BODY = 256 * 1024;

const REQUEST_HEADERS = ["accept", "content-type", "range", "last-event-id", "if-range", "x-request-id"];
const RESPONSE_HEADERS = [
  "content-type",
  "content-length",
  "content-range",
  "accept-ranges",
  "cache-control",
  "etag",
  "last-modified",
  "retry-after",
  "x-request-id",
  "x-accel-buffering",
];

type Context = { params: Promise<{ path: string[] }> };

/**
 * Writes only from this app's own pages: the session cookie would ride along on a form
 * another site posts here, so a write must say it comes from our origin.
 */
function fromOurOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  let expected = request.nextUrl.origin;
  try {
    if (process.env.NEXTAUTH_URL) expected = new URL(process.env.NEXTAUTH_URL).origin;
  } catch {
    // A malformed NEXTAUTH_URL is reported by Auth.js itself; keep the request's origin.
  }
  return origin === expected;
}

async function proxy(request: NextRequest, context: Context): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD" && !fromOurOrigin(request)) {
    return errorJson(
      403,
      "Forbidden",
      "changes are only accepted from this app's own pages",
      "use the app in your browser; scripts should call the tutor API with a token",
    );
  }
  const user = await currentUser();
  if (!user) {
    return errorJson(401, "Unauthorized", "you are signed out", "sign in again at /signin");
  }
  const { path } = await context.params;
  const target = upstreamPath(path);
  if (!target) {
    return errorJson(404, "NotFound", "no such API path", "the app only proxies the tutor API");
  }
  let token: string;
  try {
    token = mintToken(tutorSecret(), user.sub);
  } catch (error) {
    const hint = error instanceof ConfigError ? error.hint : undefined;
    return errorJson(503, "ConfigurationError", (error as Error).message, hint);
  }
  const search = new URLSearchParams(request.nextUrl.searchParams);
  const download = search.get("download");
  search.delete("download");
  const query = search.toString();
  const url = `${apiUrl()}${target}${query ? `?${query}` : ""}`;

  const headers = new Headers({ Authorization: `Bearer ${token}` });
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  let body: ArrayBuffer | undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    body = await request.arrayBuffer();
    if (body.byteLength > MAX_BODY) {
      return errorJson(413, "PayloadTooLarge", "the request body is too large", "send less text");
    }
  }

  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
      cache: "no-store",
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return errorJson(
      503,
      "ServiceUnavailable",
      `cannot reach the tutor server: ${(error as Error).message}`,
      "check that it is running (`make web` starts it) and try again",
    );
  }
  const out = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  if (download && upstream.ok) {
    out.set("Content-Disposition", `attachment; filename="${safeFilename(download)}"`);
  }
  if ((upstream.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    out.set("Cache-Control", "no-store");
    out.set("X-Accel-Buffering", "no");
  }
  return new Response(upstream.status === 204 || request.method === "HEAD" ? null : upstream.body, {
    status: upstream.status,
    headers: out,
  });
}

export { proxy as GET, proxy as POST, proxy as PATCH, proxy as DELETE, proxy as HEAD };
