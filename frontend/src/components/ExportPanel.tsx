"use client";

import { useState } from "react";

import { api, describe } from "@/lib/client";
import type { ExportOut, SessionDetail } from "@/lib/types";
import { BUSY_SESSION } from "@/lib/types";
import { downloadUrl, safeFilename } from "@/lib/urls";

export function ExportPanel({ session }: { session: SessionDetail }) {
  const [result, setResult] = useState<ExportOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const playable = session.scenes.some((s) => s.chunkUrl);
  const making = BUSY_SESSION.includes(session.status);
  const name = safeFilename(session.title, "lesson");
  const fresh = result && result.version === session.version ? result : null;

  async function make() {
    setBusy(true);
    setError(null);
    try {
      const out = await api<ExportOut>("POST", `/sessions/${session.id}/export`);
      setResult(out);
      // Start the download at once; the links below stay for the subtitles or a second copy.
      const link = document.createElement("a");
      link.href = downloadUrl(out.videoUrl, `${name}.mp4`);
      link.download = `${name}.mp4`;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card export">
      <div className="export-row">
        <div>
          <h2 className="h3">Export</h2>
          <p className="muted small">
            {making
              ? "Available when every scene has finished."
              : playable
                ? "One MP4 of the whole lesson, with subtitles (.vtt)."
                : "Nothing to export yet."}
          </p>
        </div>
        <button type="button" className="button primary" onClick={make} disabled={busy || making || !playable}>
          {busy ? "Making the video…" : "Export video"}
        </button>
      </div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {fresh ? (
        <div className="stack" role="status">
          <p className="small">
            Your video is ready: {fresh.duration.toFixed(1)} s, {fresh.scenes} scenes
            {fresh.missingScenes.length
              ? ` (left out, not ready: ${fresh.missingScenes.map((i) => i + 1).join(", ")})`
              : ""}
            .
          </p>
          <div className="row wrap">
            <a className="button secondary small" href={downloadUrl(fresh.videoUrl, `${name}.mp4`)} download={`${name}.mp4`}>
              Download MP4
            </a>
            {fresh.subtitlesUrl ? (
              <a className="button secondary small" href={downloadUrl(fresh.subtitlesUrl, `${name}.vtt`)} download={`${name}.vtt`}>
                Download subtitles (.vtt)
              </a>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
