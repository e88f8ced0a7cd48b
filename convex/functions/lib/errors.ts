/**
 * Errors that cross the function boundary as `ConvexError({kind, message, hint, ...})`.
 *
 * `kind` is stable so clients map it to their own errors (the Python store maps
 * `conflict` to ConflictError and `invalid_transition` to InvalidTransition).
 */
import { ConvexError, type Value } from "convex/values";

export type ErrorKind =
  | "unauthenticated"
  | "not_found"
  | "conflict"
  | "invalid_transition"
  | "invalid_input"
  | "busy";

export type ErrorData = {
  kind: ErrorKind;
  message: string;
  hint?: string;
  [key: string]: Value | undefined;
};

/** Throw a `ConvexError` whose data says what went wrong and what to do. */
export function fail(
  kind: ErrorKind,
  message: string,
  extra: { hint?: string; [key: string]: Value | undefined } = {},
): never {
  const data: Record<string, Value> = { kind, message };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) data[key] = value;
  }
  throw new ConvexError(data);
}

export function notFound(what: string, id: string): never {
  return fail("not_found", `no ${what} with id '${id}'`, {
    hint: `check the id; you can only see your own ${what}s`,
  });
}
