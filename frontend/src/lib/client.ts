/** The browser's calls to the tutor API, through the app's same-origin proxy. */
import type { ErrorBody } from "./types";
import { PROXY_PREFIX } from "./urls";

/** An error answer from the API, with its per-field messages when it is a 422. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.detail);
    this.name = "ApiError";
  }

  get fields(): Record<string, string> {
    return this.body.fields ?? {};
  }

  /** One line for a person: what went wrong, then what to do. */
  get message(): string {
    return this.body.hint ? `${this.body.detail} — ${this.body.hint}` : this.body.detail;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${PROXY_PREFIX}${path}`, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, {
      error: "NetworkError",
      detail: "the app cannot be reached",
      hint: "check your connection and try again",
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const err = (parsed ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, {
      error: err.error ?? `HTTP${response.status}`,
      detail: err.detail ?? `the server answered ${response.status}`,
      hint: response.status === 401 ? "sign in again" : err.hint,
      fields: err.fields,
      suggestions: err.suggestions,
      nearest: err.nearest,
    });
  }
  return parsed as T;
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
