import type { Metadata } from "next";
import Link from "next/link";

import { LessonView } from "@/components/LessonView";
import type { Project, SessionDetail } from "@/lib/types";
import { load, requireUser } from "@/server/pages";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Lesson" };

export default async function LessonPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  const user = await requireUser(`/lessons/${sessionId}`);
  const session = await load<SessionDetail>(user, `/api/sessions/${encodeURIComponent(sessionId)}`);
  if (!session.ok) {
    return (
      <p className="notice error" role="alert">
        {session.message}
      </p>
    );
  }
  const project = await load<Project>(user, `/api/projects/${encodeURIComponent(session.value.projectId)}`);
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/projects">Projects</Link> <span aria-hidden="true">/</span>{" "}
        <Link href={`/projects/${session.value.projectId}`}>{project.ok ? project.value.title : "Project"}</Link>{" "}
        <span aria-hidden="true">/</span> <span>{session.value.title}</span>
      </nav>
      <LessonView initial={session.value} />
    </>
  );
}
