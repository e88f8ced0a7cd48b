import type { Metadata } from "next";
import Link from "next/link";

import { NewLessonForm } from "@/components/NewLessonForm";
import { SESSION_STATUS_LABEL, when } from "@/lib/format";
import type { Project, SessionOut } from "@/lib/types";
import { load, requireUser } from "@/server/pages";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await requireUser(`/projects/${projectId}`);
  const id = encodeURIComponent(projectId);
  const project = await load<Project>(user, `/api/projects/${id}`);
  if (!project.ok) {
    return (
      <p className="notice error" role="alert">
        {project.message}
      </p>
    );
  }
  const sessions = await load<SessionOut[]>(user, `/api/projects/${id}/sessions`);
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/projects">Projects</Link> <span aria-hidden="true">/</span> <span>{project.value.title}</span>
      </nav>
      <div className="page-head">
        <h1>{project.value.title}</h1>
      </div>
      <div className="two-col">
        <section aria-labelledby="new-lesson" className="card">
          <h2 id="new-lesson">New lesson</h2>
          <NewLessonForm projectId={project.value.id} />
        </section>
        <section aria-labelledby="lessons">
          <h2 id="lessons">Lessons</h2>
          {!sessions.ok ? (
            <p className="notice error" role="alert">
              {sessions.message}
            </p>
          ) : sessions.value.length === 0 ? (
            <div className="empty card">
              <p>No lessons yet. Describe one on the left: it starts playing as soon as its first scene is ready.</p>
            </div>
          ) : (
            <ul className="list" aria-label="Lessons">
              {[...sessions.value].reverse().map((s) => (
                <li key={s.id} className="card lesson-row">
                  <div>
                    <Link href={`/lessons/${s.id}`} className="card-title">
                      {s.title}
                    </Link>
                    <p className="muted small">
                      {when(s.createdAt)} · {s.quality === "final" ? "1080p" : "draft 480p"}
                    </p>
                  </div>
                  <span className={`pill status-${s.status}`}>{SESSION_STATUS_LABEL[s.status]}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
