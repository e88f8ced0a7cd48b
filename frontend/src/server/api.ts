/** Calls to the tutor API from the app's server side, as the signed-in user. */
import { apiUrl, tutorSecret } from "./config";
import { mintToken } from "./token";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; detail?: string; hint?: string },
  ) {
    super(body.detail ?? `the tutor API answered ${status}`);
    this.name = "ApiFailure";
  }
}

/** GET an API path as `sub` and return its JSON (ApiFailure on an error answer). */
export async function apiGet<T>(sub: string, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl()}${path}`, {
      headers: { Authorization: `Bearer ${mintToken(tutorSecret(), sub)}`, Accept: "application/json" },
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiFailure(503, {
      error: "ServiceUnavailable",
      detail: `cannot reach the tutor server at ${apiUrl()}: ${(error as Error).message}`,
      hint: "start it (`make web` starts both) or set TUTOR_API_URL",
    });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as ApiFailure["body"];
    throw new ApiFailure(response.status, body);
  }
  return (await response.json()) as T;
}
