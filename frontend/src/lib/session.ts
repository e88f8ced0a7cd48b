/** Folding live events into the page's copy of a session. */
import type { Scene, SessionDetail, SessionOut } from "./types";

/** Apply a scene event; an event older than what the page holds is ignored. */
export function mergeScene(session: SessionDetail, scene: Scene): SessionDetail {
  if (scene.sessionId !== session.id) return session;
  const current = session.scenes.find((s) => s.id === scene.id);
  if (current && scene.updatedAt < current.updatedAt) return session;
  const scenes = current
    ? session.scenes.map((s) => (s.id === scene.id ? scene : s))
    : [...session.scenes, scene].sort((a, b) => a.index - b.index);
  return { ...session, scenes };
}

/** Apply a session event (it carries no scenes); older events are ignored. */
export function mergeSession(session: SessionDetail, update: SessionOut): SessionDetail {
  if (update.id !== session.id || update.updatedAt < session.updatedAt) return session;
  return { ...session, ...update, scenes: session.scenes };
}

/** Replace the whole session (a rollback answers with it), keeping the newer of each scene. */
export function mergeDetail(session: SessionDetail, detail: SessionDetail): SessionDetail {
  let next = mergeSession(session, detail);
  for (const scene of detail.scenes) next = mergeScene(next, scene);
  return next;
}

export type EditOutcome = "pending" | "applied" | "refused" | "failed";

export interface PendingEdit {
  jobId: string;
  fromVersion: number;
  prompt: string;
}

/**
 * What became of an edit job, judged from the scene: the server puts a scene whose edit it
 * did not understand back to `ready` at the same version, under the edit's job id.
 */
export function editOutcome(scene: Scene, edit: PendingEdit): EditOutcome {
  if (scene.jobId !== edit.jobId) return "pending";
  if (scene.status === "error") return "failed";
  if (scene.status !== "ready") return "pending";
  return scene.version > edit.fromVersion ? "applied" : "refused";
}
