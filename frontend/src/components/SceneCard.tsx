"use client";

import { useEffect, useId, useState } from "react";

import { api, ApiError, describe } from "@/lib/client";
import { SCENE_STATUS_LABEL, sceneProgress, seconds } from "@/lib/format";
import { editOutcome, type PendingEdit } from "@/lib/session";
import type { JobAccepted, Scene, SessionDetail, Version } from "@/lib/types";
import { BUSY_SCENE } from "@/lib/types";

interface Props {
  scene: Scene;
  fps: number;
  playing: boolean;
  onSeek: () => void;
  onSession: (detail: SessionDetail) => void;
  onScene: (scene: Scene) => void;
}

const EXAMPLES = ["make everything green", "slower", "change the title to Right triangles", "add a note: a² + b² = c²"];

interface Notice {
  kind: "error" | "ok" | "refused";
  text: string;
  /** Of a refusal: edits to offer instead (a click puts one in the edit box). */
  suggestions?: string[];
}

export function SceneCard({ scene, fps, playing, onSeek, onSession, onScene }: Props) {
  const id = useId();
  const [prompt, setPrompt] = useState("");
  const [pending, setPending] = useState<PendingEdit | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [versionsError, setVersionsError] = useState<string | null>(null);

  const isBusy = BUSY_SCENE.includes(scene.status);
  const canEdit = !isBusy && Boolean(scene.chunkUrl);
  const label = `Scene ${scene.index + 1}`;

  // An edit is judged from the scene itself once its job has run.
  useEffect(() => {
    if (!pending) return;
    const outcome = editOutcome(scene, pending);
    if (outcome === "pending") return;
    if (outcome === "applied") {
      setNotice({ kind: "ok", text: `Edited: now version ${scene.version}.` });
      setPrompt("");
    } else if (outcome === "refused") {
      setNotice({
        kind: "refused",
        text: `tutor did not understand “${pending.prompt}”, so nothing changed.`,
        suggestions: EXAMPLES,
      });
    }
    setPending(null);
    if (versionsOpen) void loadVersions();
  }, [scene, pending]);

  async function edit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setFieldError(null);
    try {
      const job = await api<JobAccepted>("POST", `/scenes/${scene.id}/edit`, { prompt });
      setPending({ jobId: job.jobId, fromVersion: scene.version, prompt });
    } catch (err) {
      if (err instanceof ApiError && err.body.error === "EditNotUnderstood") {
        // Answered at once: nothing was queued, the scene is as it was.
        setNotice({ kind: "refused", text: `${err.body.detail.replace(/[.!?]?$/, ".")} Nothing changed.`, suggestions: err.body.suggestions });
      } else if (err instanceof ApiError && err.fields.prompt) setFieldError(err.fields.prompt);
      else setNotice({ kind: "error", text: describe(err) });
    } finally {
      setBusy(false);
    }
  }

  async function retry() {
    setBusy(true);
    setNotice(null);
    try {
      await api<JobAccepted>("POST", `/scenes/${scene.id}/retry`);
      onScene({ ...scene, status: "queued", updatedAt: scene.updatedAt });
    } catch (err) {
      setNotice({ kind: "error", text: describe(err) });
    } finally {
      setBusy(false);
    }
  }

  async function loadVersions() {
    setVersionsError(null);
    try {
      setVersions(await api<Version[]>("GET", `/scenes/${scene.id}/versions`));
    } catch (err) {
      setVersionsError(describe(err));
    }
  }

  async function rollback(version: number) {
    setBusy(true);
    setNotice(null);
    try {
      const detail = await api<SessionDetail>("POST", `/scenes/${scene.id}/rollback`, { version });
      onSession(detail);
      const now = detail.scenes.find((s) => s.id === scene.id);
      setNotice({ kind: "ok", text: `Restored version ${version} (saved as version ${now?.version ?? "new"}).` });
      await loadVersions();
    } catch (err) {
      setNotice({ kind: "error", text: describe(err) });
    } finally {
      setBusy(false);
    }
  }

  const statusText = pending
    ? "Editing…"
    : scene.status === "error" && scene.chunkUrl
      ? "Edit failed"
      : SCENE_STATUS_LABEL[scene.status];

  return (
    <li
      className={`card scene-card${playing ? " playing" : ""}`}
      data-scene-index={scene.index}
      data-scene-status={scene.status}
      data-scene-version={scene.version}
    >
      <div className="scene-top">
        <button type="button" className="scene-seek" onClick={onSeek} aria-describedby={`${id}-meta`}>
          <span className="scene-num" aria-hidden="true">
            {scene.index + 1}
          </span>
          <span className="scene-title">
            <span className="sr-only">Play {label}: </span>
            {scene.title || "Untitled scene"}
          </span>
        </button>
        <span className={`pill status-${pending ? "rendering" : scene.status}`}>{statusText}</span>
      </div>
      <p className="muted small" id={`${id}-meta`}>
        {scene.version > 0 ? `Version ${scene.version}` : "Not rendered yet"} · {seconds(scene.durationInFrames, fps)}
        {playing ? " · in the player" : ""}
      </p>
      {isBusy ? (
        <div
          className="progress"
          role="progressbar"
          aria-label={`${label} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(sceneProgress(scene.status) * 100)}
          aria-valuetext={SCENE_STATUS_LABEL[scene.status]}
        >
          <div style={{ width: `${Math.round(sceneProgress(scene.status) * 100)}%` }} />
        </div>
      ) : null}
      {scene.status === "error" ? (
        <div className="notice error scene-error" role="alert">
          <p>{scene.errorMessage ?? "This scene failed."}</p>
          {scene.chunkUrl ? <p className="small">The previous version still plays.</p> : null}
          <button type="button" className="button primary small" onClick={retry} disabled={busy}>
            Retry<span className="sr-only"> {label}</span>
          </button>
        </div>
      ) : null}
      {notice ? (
        <div className={`notice ${notice.kind === "ok" ? "ok" : notice.kind === "refused" ? "warn" : "error"}`} role={notice.kind === "ok" ? "status" : "alert"} data-notice={notice.kind}>
          <p>{notice.text}</p>
          {notice.suggestions?.length ? (
            <div className="suggestions">
              <span className="small">Try:</span>
              {notice.suggestions.map((suggestion) => (
                <button
                  key={suggestion}
                  type="button"
                  className="button ghost small suggestion"
                  onClick={() => {
                    setPrompt(suggestion);
                    document.getElementById(`${id}-edit`)?.focus();
                  }}
                >
                  {suggestion}
                </button>
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
      <form className="edit-form" onSubmit={edit} noValidate>
        <label htmlFor={`${id}-edit`} className="sr-only">
          Change {label}
        </label>
        <input
          id={`${id}-edit`}
          value={prompt}
          placeholder="e.g. make it slower"
          onChange={(e) => setPrompt(e.target.value)}
          disabled={!canEdit || pending !== null}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${id}-edit-error` : undefined}
        />
        <button className="button secondary small" type="submit" disabled={!canEdit || busy || pending !== null || !prompt.trim()}>
          {pending ? "Editing…" : "Apply"}
          <span className="sr-only"> to {label}</span>
        </button>
      </form>
      {fieldError ? (
        <p className="field-error" id={`${id}-edit-error`}>
          {fieldError}
        </p>
      ) : null}
      {scene.version > 1 || versions ? (
        <div className="versions">
          <button
            type="button"
            className="button ghost small"
            aria-expanded={versionsOpen}
            aria-controls={`${id}-versions`}
            onClick={() => {
              const open = !versionsOpen;
              setVersionsOpen(open);
              if (open) void loadVersions();
            }}
          >
            Versions<span className="sr-only"> of {label}</span> {versionsOpen ? "▴" : "▾"}
          </button>
          {versionsOpen ? (
            <div id={`${id}-versions`} className="versions-list">
              {versionsError ? <p className="field-error">{versionsError}</p> : null}
              {versions === null ? (
                <p className="muted small">Loading versions…</p>
              ) : (
                <ul aria-label={`Versions of ${label}`}>
                  {[...versions].reverse().map((v) => (
                    <li key={v.version}>
                      <span className="version-label">
                        <span>Version {v.version}</span>
                        {v.change ? <span className="muted small version-change">{v.change}</span> : null}
                      </span>
                      {v.current ? (
                        <span className="pill status-ready">Current</span>
                      ) : (
                        <button
                          type="button"
                          className="button ghost small"
                          onClick={() => rollback(v.version)}
                          disabled={busy || isBusy}
                        >
                          Restore<span className="sr-only"> version {v.version} of {label}</span>
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
