/** Words for statuses and times, as people read them. */
import type { SceneStatus, SessionStatus } from "./types";

export const SCENE_STATUS_LABEL: Record<SceneStatus, string> = {
  queued: "Waiting",
  generating_code: "Writing",
  rendering: "Rendering",
  uploading: "Saving",
  ready: "Ready",
  error: "Failed",
};

export const SESSION_STATUS_LABEL: Record<SessionStatus, string> = {
  idle: "Not started",
  queued: "Waiting",
  generating: "Planning",
  rendering: "Rendering",
  ready: "Ready",
  error: "Failed",
};

/** How far a scene is along its way to ready, 0..1 (for its progress bar). */
export function sceneProgress(status: SceneStatus): number {
  switch (status) {
    case "queued":
      return 0.05;
    case "generating_code":
      return 0.3;
    case "rendering":
      return 0.6;
    case "uploading":
      return 0.9;
    default:
      return 1;
  }
}

export function when(ms: number): string {
  const date = new Date(ms);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function seconds(frames: number | null, fps: number): string {
  if (!frames || fps <= 0) return "—";
  return `${(frames / fps).toFixed(1)} s`;
}
