/**
 * Where the browser loads API URLs from: the app's own origin.
 *
 * The server gives media URLs relative to itself (`/api/files/...`); the browser fetches
 * them through the app's proxy (`/api/tutor/files/...`), which adds the user's token.
 * Absolute URLs (a CDN, presigned S3) are played directly.
 */

export const PROXY_PREFIX = "/api/tutor";

/** The same-origin URL for an API path or URL. */
export function proxied(url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith("/api/")) return `${PROXY_PREFIX}/${url.slice("/api/".length)}`;
  return `${PROXY_PREFIX}/${url.replace(/^\/+/, "")}`;
}

/** A download link for a media URL: the proxy answers it as an attachment named `filename`. */
export function downloadUrl(url: string, filename: string): string {
  const target = proxied(url);
  if (/^https?:\/\//i.test(target)) return target;
  const separator = target.includes("?") ? "&" : "?";
  return `${target}${separator}download=${encodeURIComponent(filename)}`;
}

/**
 * The API path a proxy request may reach, or null when the path tries to leave `/api/`.
 *
 * Segments arrive decoded, so "..", "." and anything with a slash or backslash are
 * refused rather than trusting URL normalization further down.
 */
export function upstreamPath(segments: readonly string[]): string | null {
  if (segments.length === 0) return null;
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return null;
    if (/[/\\\0]/.test(segment)) return null;
  }
  return `/api/${segments.map(encodeURIComponent).join("/")}`;
}

/** A file name safe for Content-Disposition: letters, digits, dot, dash, underscore. */
export function safeFilename(name: string, fallback = "lesson.mp4"): string {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\w.-]+/g, "-")
    .replace(/-+\./g, ".")
    .replace(/-+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 80);
  return cleaned || fallback;
}
