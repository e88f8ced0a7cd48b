"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

import { api, ApiError, describe } from "@/lib/client";
import type { Quality, SessionDetail } from "@/lib/types";

type Fields = Partial<Record<"prompt" | "sceneCount" | "quality", string>>;

export function NewLessonForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [prompt, setPrompt] = useState("");
  const [sceneCount, setSceneCount] = useState("");
  const [quality, setQuality] = useState<Quality>("draft");
  const [fields, setFields] = useState<Fields>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    const body: Record<string, unknown> = { prompt, quality };
    // Blank means "what the prompt says, else 4"; anything else goes to the server to judge.
    if (sceneCount.trim() !== "") body.sceneCount = Number(sceneCount);
    try {
      const session = await api<SessionDetail>("POST", `/projects/${projectId}/sessions`, body);
      router.push(`/lessons/${session.id}`);
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
        setFields(err.fields as Fields);
        const known = ["prompt", "sceneCount", "quality"];
        const others = Object.entries(err.fields).filter(([k]) => !known.includes(k));
        if (others.length) setError(others.map(([k, v]) => `${k}: ${v}`).join("; "));
      } else {
        setError(describe(err));
      }
      setBusy(false);
    }
  }

  const describedBy = (name: keyof Fields, help?: string) =>
    [help, fields[name] ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;

  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-lesson">
      <div className="field">
        <label htmlFor="prompt">What should it explain?</label>
        <textarea
          id="prompt"
          rows={3}
          value={prompt}
          placeholder="explain the Pythagorean theorem"
          onChange={(e) => setPrompt(e.target.value)}
          aria-invalid={fields.prompt ? true : undefined}
          aria-describedby={describedBy("prompt")}
        />
        {fields.prompt ? (
          <p className="field-error" id="prompt-error">
            {fields.prompt}
          </p>
        ) : null}
      </div>
      <div className="row wrap">
        <div className="field">
          <label htmlFor="sceneCount">Scenes</label>
          <input
            id="sceneCount"
            inputMode="numeric"
            className="narrow"
            value={sceneCount}
            placeholder="auto"
            onChange={(e) => setSceneCount(e.target.value)}
            aria-invalid={fields.sceneCount ? true : undefined}
            aria-describedby={describedBy("sceneCount", "sceneCount-help")}
          />
          <p className="help" id="sceneCount-help">
            1 to 12; blank: as the prompt says, else 4
          </p>
          {fields.sceneCount ? (
            <p className="field-error" id="sceneCount-error">
              {fields.sceneCount}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="quality">Quality</label>
          <select
            id="quality"
            value={quality}
            onChange={(e) => setQuality(e.target.value as Quality)}
            aria-invalid={fields.quality ? true : undefined}
            aria-describedby={describedBy("quality")}
          >
            <option value="draft">Draft (480p, fast)</option>
            <option value="final">Final (1080p)</option>
          </select>
          {fields.quality ? (
            <p className="field-error" id="quality-error">
              {fields.quality}
            </p>
          ) : null}
        </div>
      </div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <button className="button primary" type="submit" disabled={busy}>
        {busy ? "Starting…" : "Make the lesson"}
      </button>
    </form>
  );
}
