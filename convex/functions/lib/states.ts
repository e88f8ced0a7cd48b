/**
 * Status values and allowed transitions of sessions and scenes.
 *
 * The table is read from `contracts/states.json`, which is generated from the Python
 * state machines (`tutor_core.states`), so the pipeline and Convex cannot disagree.
 * The literal lists below give TypeScript its types; a test checks they equal the file.
 */
import { v } from "convex/values";
import contract from "../../../contracts/states.json";
import { fail } from "./errors";

export const SESSION_STATUSES = [
  "idle",
  "queued",
  "generating",
  "rendering",
  "ready",
  "error",
] as const;
export const SCENE_STATUSES = [
  "queued",
  "generating_code",
  "rendering",
  "uploading",
  "ready",
  "error",
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type SceneStatus = (typeof SCENE_STATUSES)[number];
export type Machine = "session" | "scene";

export const sessionStatus = v.union(
  v.literal("idle"),
  v.literal("queued"),
  v.literal("generating"),
  v.literal("rendering"),
  v.literal("ready"),
  v.literal("error"),
);
export const sceneStatus = v.union(
  v.literal("queued"),
  v.literal("generating_code"),
  v.literal("rendering"),
  v.literal("uploading"),
  v.literal("ready"),
  v.literal("error"),
);

/** Scene statuses in which a worker holds the scene (a lease applies). */
export const BUSY_SCENE: readonly SceneStatus[] = ["queued", "generating_code", "rendering", "uploading"];
/** Session statuses in which a job is under way. */
export const BUSY_SESSION: readonly SessionStatus[] = ["queued", "generating", "rendering"];

const TABLE: Record<Machine, Record<string, readonly string[]>> = {
  session: contract.session.transitions,
  scene: contract.scene.transitions,
};

/** True when `machine` may go from `source` to `target` in one step. */
export function canTransition(machine: Machine, source: string, target: string): boolean {
  return (TABLE[machine][source] ?? []).includes(target);
}

/** Refuse an undeclared status change with an `invalid_transition` error. */
export function checkTransition(machine: Machine, source: string, target: string): void {
  if (!canTransition(machine, source, target)) {
    fail("invalid_transition", `${machine} cannot go from '${source}' to '${target}'`, {
      hint: "only declared transitions are allowed (contracts/states.json, from tutor_core.states)",
      machine,
      source,
      target,
    });
  }
}
