/** The tutor API's wire types (camelCase), as the server's OpenAPI describes them. */

export type SessionStatus = "idle" | "queued" | "generating" | "rendering" | "ready" | "error";
export type SceneStatus =
  | "queued"
  | "generating_code"
  | "rendering"
  | "uploading"
  | "ready"
  | "error";
export type Quality = "draft" | "final";

export interface Project {
  id: string;
  title: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SessionOut {
  id: string;
  projectId: string;
  title: string;
  prompt: string;
  status: SessionStatus;
  quality: Quality;
  fps: number;
  width: number;
  height: number;
  codec: string;
  durationInFrames: number;
  errorMessage: string | null;
  jobId: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** Scenes asked for (the plan may differ until it is made). */
  sceneCount?: number | null;
  /** The agent did not know the topic: the lesson is an outline. */
  outline?: boolean;
  notice?: string | null;
}

export interface Scene {
  id: string;
  sessionId: string;
  index: number;
  title: string;
  status: SceneStatus;
  version: number;
  checksum: string | null;
  startFrame: number | null;
  endFrame: number | null;
  durationInFrames: number | null;
  errorMessage: string | null;
  chunkUrl: string | null;
  subtitlesUrl: string | null;
  jobId: string | null;
  updatedAt: number;
}

export interface SessionDetail extends SessionOut {
  scenes: Scene[];
}

export interface Version {
  version: number;
  current: boolean;
  chunkUrl: string | null;
  subtitlesUrl: string | null;
  title?: string | null;
  /** What made this version: "first version", "edit: …", "restored version 2". */
  change?: string | null;
}

export interface ExportOut {
  sessionId: string;
  version: number;
  videoUrl: string;
  subtitlesUrl: string | null;
  frames: number;
  duration: number;
  scenes: number;
  missingScenes: number[];
}

export interface JobAccepted {
  jobId: string;
  sessionId: string;
  sceneId: string | null;
  status: "queued";
}

/** Every error the API sends: what went wrong, what to do, and per-field messages on a 422. */
export interface ErrorBody {
  error: string;
  detail: string;
  hint?: string;
  fields?: Record<string, string>;
  /** Of an edit that was not understood: instructions that do work on this scene. */
  suggestions?: string[];
  nearest?: string;
}

export const BUSY_SCENE: readonly SceneStatus[] = [
  "queued",
  "generating_code",
  "rendering",
  "uploading",
];
export const BUSY_SESSION: readonly SessionStatus[] = ["queued", "generating", "rendering"];
