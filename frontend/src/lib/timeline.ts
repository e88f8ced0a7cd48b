/**
 * The lesson's timeline for the Player: ready scenes play their chunk for the frames the
 * session's timeline gives them; scenes not ready yet hold a short placeholder card, so
 * playback can start as soon as scene 1 is ready and the layout only grows.
 */
import type { Scene, SceneStatus, SessionDetail } from "./types";

/** Seconds a placeholder card stays on screen for a scene that cannot play yet. */
export const PLACEHOLDER_SECONDS = 3;

export interface Segment {
  sceneId: string;
  index: number;
  title: string;
  status: SceneStatus;
  version: number;
  kind: "video" | "placeholder";
  /** The chunk's URL as the browser fetches it (video segments only). */
  src: string | null;
  subtitlesUrl: string | null;
  errorMessage: string | null;
  /** First frame of this segment in the composed timeline. */
  from: number;
  durationInFrames: number;
}

export interface Timeline {
  fps: number;
  width: number;
  height: number;
  segments: Segment[];
  durationInFrames: number;
}

/** True when a scene has a chunk to play (a failed edit still plays its previous version). */
export function isPlayable(scene: Scene): boolean {
  return Boolean(scene.chunkUrl) && (scene.durationInFrames ?? 0) > 0;
}

/**
 * Compose the Player's timeline from a session.
 *
 * @param session the session with its scenes (any order).
 * @param mapUrl turns an API URL into the URL the browser loads (the same-origin proxy).
 */
export function composeTimeline(
  session: Pick<SessionDetail, "fps" | "width" | "height" | "scenes">,
  mapUrl: (url: string) => string = (url) => url,
): Timeline {
  const fps = session.fps > 0 ? session.fps : 30;
  const placeholderFrames = Math.round(PLACEHOLDER_SECONDS * fps);
  const scenes = [...session.scenes].sort((a, b) => a.index - b.index);
  const segments: Segment[] = [];
  let from = 0;
  for (const scene of scenes) {
    const playable = isPlayable(scene);
    const durationInFrames = playable ? (scene.durationInFrames as number) : placeholderFrames;
    segments.push({
      sceneId: scene.id,
      index: scene.index,
      title: scene.title,
      status: scene.status,
      version: scene.version,
      kind: playable ? "video" : "placeholder",
      src: playable ? mapUrl(scene.chunkUrl as string) : null,
      subtitlesUrl: playable && scene.subtitlesUrl ? mapUrl(scene.subtitlesUrl) : null,
      errorMessage: scene.errorMessage,
      from,
      durationInFrames,
    });
    from += durationInFrames;
  }
  return {
    fps,
    width: session.width > 0 ? session.width : 854,
    height: session.height > 0 ? session.height : 480,
    segments,
    // The Player needs at least one frame, even before the plan has any scene.
    durationInFrames: Math.max(from, 1),
  };
}

/** The segment that plays at `frame` (the last one past the end, null when empty). */
export function segmentAt(timeline: Timeline, frame: number): Segment | null {
  const { segments } = timeline;
  if (segments.length === 0) return null;
  for (const segment of segments) {
    if (frame < segment.from + segment.durationInFrames) return segment;
  }
  return segments[segments.length - 1] ?? null;
}

/** "1:05" for 65 seconds. */
export function formatTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
