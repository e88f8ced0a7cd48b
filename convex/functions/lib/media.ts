/**
 * Media URLs, computed when read from the stored keys (never stored: presigned or
 * CDN URLs change, keys do not). `TUTOR_MEDIA_BASE_URL` is the public base of the chunks
 * bucket (the CDN); without it the URL fields are left out and clients resolve keys
 * through the tutor server.
 */
import type { Doc } from "../_generated/dataModel";

export function mediaUrl(key: string | undefined): string | undefined {
  const base = process.env.TUTOR_MEDIA_BASE_URL;
  if (!key || !base) return undefined;
  return `${base.replace(/\/+$/, "")}/${key}`;
}

export type SceneView = Doc<"scenes"> & { s3ChunkUrl?: string; s3SubtitlesUrl?: string; playable: boolean };

/** A scene as clients read it: the stored row plus its computed URLs. */
export function sceneView(scene: Doc<"scenes">): SceneView {
  const view: SceneView = { ...scene, playable: isPlayable(scene) };
  const chunk = mediaUrl(scene.s3ChunkKey);
  const subtitles = mediaUrl(scene.s3SubtitlesKey);
  if (chunk) view.s3ChunkUrl = chunk;
  if (subtitles) view.s3SubtitlesUrl = subtitles;
  return view;
}

/** A scene is playable when a rendered chunk exists, even if a later edit failed. */
export function isPlayable(scene: Pick<Doc<"scenes">, "s3ChunkKey" | "version">): boolean {
  return scene.s3ChunkKey !== undefined && scene.version >= 1;
}
