/** Storage keys: the same rules as `tutor_core.keys.validate_key`, so no key escapes a root. */
import { fail } from "./errors";

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const MAX_KEY_LENGTH = 1024;

/** Return `key` if it is a safe relative object key, else throw `invalid_input`. */
export function validateKey(key: string, field = "key"): string {
  const bad = (why: string): never =>
    fail("invalid_input", `${field} ${JSON.stringify(key.slice(0, 80))} ${why}`, {
      hint: "keys look like projects/<project>/sessions/<session>/scenes/<index>/v<n>.mp4",
    });
  if (key.length === 0) bad("is empty");
  if (key.length > MAX_KEY_LENGTH) bad(`is longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes("\u0000") || key.includes("\\")) bad("contains a NUL byte or a backslash");
  if (key.startsWith("/")) bad("is absolute; keys are relative");
  for (const segment of key.split("/")) {
    if (!SEGMENT.test(segment)) bad(`has a bad segment ${JSON.stringify(segment)}`);
  }
  return key;
}
