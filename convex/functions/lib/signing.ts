/**
 * HMAC-SHA256 webhook signatures with Web Crypto: the scheme of `tutor_core.signing`.
 *
 *     X-Tutor-Timestamp: 1800000000
 *     X-Tutor-Signature: sha256=<lowercase hex HMAC-SHA256(secret, "1800000000." + body)>
 *
 * Both implementations are checked against `contracts/webhook-signing.json`.
 */

export const TIMESTAMP_HEADER = "X-Tutor-Timestamp";
export const SIGNATURE_HEADER = "X-Tutor-Signature";
export const SCHEME = "sha256=";
/** Seconds a signature stays valid, either side of now. */
export const DEFAULT_TOLERANCE = 300;

export type VerifyError = "malformed" | "stale" | "mismatch";
export type VerifyResult = { ok: true; timestamp: number } | { ok: false; error: VerifyError; message: string };

const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  if (!secret) {
    throw new Error("cannot sign with an empty secret: set TUTOR_WEBHOOK_SECRET on both sides");
  }
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

function message(body: string, timestamp: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${timestamp}.${body}`);
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The header value `sha256=<hex>` for `body` signed at `timestamp` (unix seconds). */
export async function signature(body: string, secret: string, timestamp: number): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, message(body, String(Math.trunc(timestamp))));
  return SCHEME + toHex(mac);
}

/** The two headers that sign `body` (default time: now). */
export async function sign(
  body: string,
  secret: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const t = Math.trunc(timestamp);
  return { [TIMESTAMP_HEADER]: String(t), [SIGNATURE_HEADER]: await signature(body, secret, t) };
}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Check a signed request the way `tutor_core.signing.verify` does (same order of checks).
 * The comparison is `crypto.subtle.verify`, which runs in constant time.
 */
export async function verify(
  body: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  secret: string,
  options: { tolerance?: number; now?: number } = {},
): Promise<VerifyResult> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const rawT = header(headers, TIMESTAMP_HEADER)?.trim();
  const rawSig = header(headers, SIGNATURE_HEADER)?.trim();
  if (!rawT || !rawSig) {
    return { ok: false, error: "malformed", message: `missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header` };
  }
  if (!/^[0-9]{1,12}$/.test(rawT)) {
    return { ok: false, error: "malformed", message: `${TIMESTAMP_HEADER} is not a unix time in seconds` };
  }
  if (!rawSig.startsWith(SCHEME)) {
    return { ok: false, error: "malformed", message: `${SIGNATURE_HEADER} must look like sha256=<64 hex digits>` };
  }
  const timestamp = Number(rawT);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > tolerance) {
    return { ok: false, error: "stale", message: `signature timestamp is ${now - timestamp} s from now (tolerance ${tolerance} s)` };
  }
  const hex = rawSig.slice(SCHEME.length);
  // Python compares the lowercase hex string, so anything else is a mismatch, not malformed.
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    return { ok: false, error: "mismatch", message: "signature does not match the body" };
  }
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const key = await hmacKey(secret, "verify");
  const good = await crypto.subtle.verify("HMAC", key, mac, message(body, rawT));
  return good
    ? { ok: true, timestamp }
    : { ok: false, error: "mismatch", message: "signature does not match the body" };
}
