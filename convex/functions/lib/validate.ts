/** Checks on user text, with errors that say what to do. */
import { fail } from "./errors";

export function text(value: string, field: string, max: number, { required = true } = {}): string {
  const trimmed = value.trim();
  if (required && trimmed.length === 0) {
    fail("invalid_input", `${field} is empty`, { hint: `give a ${field}` });
  }
  if (trimmed.length > max) {
    fail("invalid_input", `${field} is longer than ${max} characters (${trimmed.length})`, {
      hint: `shorten the ${field}`,
    });
  }
  return trimmed;
}

export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail("invalid_input", `${field} must be a whole number from ${min} to ${max}, got ${value}`, {
      hint: `pass a ${field} between ${min} and ${max}`,
    });
  }
  return value;
}
