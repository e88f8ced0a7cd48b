/**
 * The tutor API's bearer tokens: HS256 JWTs with `sub` = the user's external id.
 *
 * Minted here, on the app's server side, for each API call; they never reach the browser.
 */
import { createHmac } from "node:crypto";

/** Seconds a minted token lives: one request (or one event stream's connection). */
export const TOKEN_TTL = 300;

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function mintToken(secret: string, subject: string, now = Date.now() / 1000, ttl = TOKEN_TTL): string {
  const sub = subject.trim();
  if (!sub || sub.length > 200) throw new Error("a user id must be 1 to 200 characters");
  const iat = Math.floor(now);
  const header = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64(JSON.stringify({ sub, iat, exp: iat + ttl }));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
