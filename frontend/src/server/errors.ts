/** Errors of the app's server side, shaped like the API's (error, detail, hint). */

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

export function errorJson(status: number, error: string, detail: string, hint?: string): Response {
  return Response.json(hint ? { error, detail, hint } : { error, detail }, {
    status,
    headers: { "Cache-Control": "no-store" },
  });
}
