/**
 * The app's server-side settings, read from the environment (never sent to the browser).
 *
 * TUTOR_API_URL     where the tutor server listens (default http://127.0.0.1:8000)
 * TUTOR_SECRET_KEY  the server's token secret: this app signs the API tokens with it
 * TUTOR_LOCAL=1     local mode (`make web`): a local sign-in by name, loopback only
 * GITHUB_ID / GITHUB_SECRET, GOOGLE_ID / GOOGLE_SECRET   sign-in providers (each only when set)
 * NEXTAUTH_URL / NEXTAUTH_SECRET   Auth.js: this app's public URL and cookie secret
 */
import { createHmac } from "node:crypto";

import { ConfigError } from "./errors";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function apiUrl(): string {
  return (process.env.TUTOR_API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

/** The secret shared with the tutor server; the app cannot work without it. */
export function tutorSecret(): string {
  const secret = process.env.TUTOR_SECRET_KEY ?? "";
  if (secret.length < 32) {
    throw new ConfigError(
      "TUTOR_SECRET_KEY is not set (or shorter than 32 characters)",
      "set the same TUTOR_SECRET_KEY here and in the tutor server (`make web` does it for you)",
    );
  }
  return secret;
}

/** Local mode: on for `make web`, and only while the API server is on this machine. */
export function localMode(): boolean {
  if (process.env.TUTOR_LOCAL !== "1") return false;
  try {
    return LOOPBACK_HOSTS.has(new URL(apiUrl()).hostname);
  } catch {
    return false;
  }
}

/**
 * Auth.js's cookie secret. Outside local mode it must be set; in local mode it is derived
 * from the tutor secret, so `make web` needs nothing more.
 */
export function authSecret(): string | undefined {
  const explicit = process.env.NEXTAUTH_SECRET;
  if (explicit) return explicit;
  if (localMode() && (process.env.TUTOR_SECRET_KEY ?? "").length >= 32) {
    return createHmac("sha256", tutorSecret()).update("tutor-web-session").digest("base64url");
  }
  return undefined;
}

export interface ProviderInfo {
  id: string;
  name: string;
}

/** The sign-in choices this deployment offers (GitHub/Google only when configured). */
export function providers(): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) out.push({ id: "github", name: "GitHub" });
  if (process.env.GOOGLE_ID && process.env.GOOGLE_SECRET) out.push({ id: "google", name: "Google" });
  if (localMode()) out.push({ id: "local", name: "this computer" });
  return out;
}
