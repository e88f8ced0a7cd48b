"use client";

import Link from "next/link";
import { useState } from "react";

import { api, ApiError, describe } from "@/lib/client";
import { when } from "@/lib/format";
import type { Project } from "@/lib/types";

export function ProjectsView({ initial }: { initial: Project[] }) {
  const [projects, setProjects] = useState(initial);
  const [title, setTitle] = useState("");
  const [titleError, setTitleError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setCreating(true);
    setTitleError(null);
    try {
      const project = await api<Project>("POST", "/projects", { title });
      setProjects((list) => [...list, project]);
      setTitle("");
      setMessage(`Created “${project.title}”.`);
    } catch (error) {
      if (error instanceof ApiError && error.fields.title) setTitleError(error.fields.title);
      else setTitleError(describe(error));
    } finally {
      setCreating(false);
    }
  }

  return (
    <div className="stack-lg">
      <form className="card inline-form" onSubmit={create} noValidate aria-label="Create a project">
        <div className="field grow">
          <label htmlFor="project-title">New project</label>
          <input
            id="project-title"
            value={title}
            placeholder="e.g. Geometry"
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={titleError ? true : undefined}
            aria-describedby={titleError ? "project-title-error" : undefined}
          />
          {titleError ? (
            <p className="field-error" id="project-title-error">
              {titleError}
            </p>
          ) : null}
        </div>
        <button className="button primary" type="submit" disabled={creating}>
          {creating ? "Creating…" : "Create project"}
        </button>
      </form>
      <p className="sr-only" role="status" aria-live="polite">
        {message}
      </p>
      {projects.length === 0 ? (
        <div className="empty card">
          <h2>No projects yet</h2>
          <p>Create one above, then ask for your first lesson.</p>
        </div>
      ) : (
        <ul className="grid" aria-label="Projects">
          {projects.map((project) => (
            <ProjectCard
              key={project.id}
              project={project}
              onChange={(p) => setProjects((list) => list.map((x) => (x.id === p.id ? p : x)))}
              onDelete={(id) => {
                setProjects((list) => list.filter((x) => x.id !== id));
                setMessage(`Deleted “${project.title}”.`);
              }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function ProjectCard({
  project,
  onChange,
  onDelete,
}: {
  project: Project;
  onChange: (p: Project) => void;
  onDelete: (id: string) => void;
}) {
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [title, setTitle] = useState(project.title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = `project-${project.id}-error`;

  async function rename(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChange(await api<Project>("PATCH", `/projects/${project.id}`, { title }));
      setMode("view");
    } catch (err) {
      setError(err instanceof ApiError && err.fields.title ? err.fields.title : describe(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api<void>("DELETE", `/projects/${project.id}`);
      onDelete(project.id);
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  }

  return (
    <li className="card project-card">
      {mode === "rename" ? (
        <form onSubmit={rename} className="stack" noValidate>
          <div className="field">
            <label htmlFor={`rename-${project.id}`}>Project title</label>
            <input
              id={`rename-${project.id}`}
              value={title}
              autoFocus
              onChange={(e) => setTitle(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") setMode("view");
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <div className="row">
            <button className="button primary small" type="submit" disabled={busy}>
              Save
            </button>
            <button className="button ghost small" type="button" onClick={() => setMode("view")}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <h2 className="card-title">
            <Link href={`/projects/${project.id}`}>{project.title}</Link>
          </h2>
          {project.description ? <p className="muted">{project.description}</p> : null}
          <p className="muted small">Updated {when(project.updatedAt)}</p>
          {mode === "delete" ? (
            <div className="confirm" role="group" aria-label={`Delete ${project.title}?`}>
              <p>Delete “{project.title}” with all its lessons and videos? This cannot be undone.</p>
              <div className="row">
                <button className="button danger small" type="button" onClick={remove} disabled={busy}>
                  {busy ? "Deleting…" : "Delete for good"}
                </button>
                <button className="button ghost small" type="button" onClick={() => setMode("view")} autoFocus>
                  Keep it
                </button>
              </div>
            </div>
          ) : (
            <div className="row">
              <button className="button ghost small" type="button" onClick={() => setMode("rename")}>
                Rename<span className="sr-only"> {project.title}</span>
              </button>
              <button className="button ghost small" type="button" onClick={() => setMode("delete")}>
                Delete<span className="sr-only"> {project.title}</span>
              </button>
            </div>
          )}
        </>
      )}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
