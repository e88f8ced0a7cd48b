import type { Metadata } from "next";

import { ProjectsView } from "@/components/ProjectsView";
import type { Project } from "@/lib/types";
import { load, requireUser } from "@/server/pages";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const user = await requireUser("/projects");
  const projects = await load<Project[]>(user, "/api/projects");
  return (
    <>
      <div className="page-head">
        <h1>Your projects</h1>
        <p className="lead">A project holds the lessons about one subject.</p>
      </div>
      {projects.ok ? (
        <ProjectsView initial={projects.value} />
      ) : (
        <p className="notice error" role="alert">
          {projects.message}
        </p>
      )}
    </>
  );
}
