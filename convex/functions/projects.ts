/** A signed-in user's projects: list, read, create, rename, delete. */
import { v } from "convex/values";
import { ownProject, userMutation, userQuery } from "./lib/auth";
import { fail } from "./lib/errors";
import { BUSY_SESSION } from "./lib/states";
import { text } from "./lib/validate";

export const list = userQuery({
  args: {},
  handler: async (ctx) => {
    if (ctx.user === null) return [];
    const userId = ctx.user._id;
    return await ctx.db
      .query("projects")
      .withIndex("by_owner", (q) => q.eq("ownerId", userId))
      .order("desc")
      .take(200);
  },
});

export const get = userQuery({
  args: { projectId: v.id("projects") },
  handler: async (ctx, { projectId }) => await ownProject(ctx, ctx.user, projectId),
});

export const create = userMutation({
  args: { title: v.string(), description: v.optional(v.string()) },
  handler: async (ctx, args) => {
    const now = Date.now();
    return await ctx.db.insert("projects", {
      ownerId: ctx.user._id,
      title: text(args.title, "title", 200),
      description: args.description === undefined ? undefined : text(args.description, "description", 2000, { required: false }),
      createdAt: now,
      updatedAt: now,
      revision: 1,
    });
  },
});

export const update = userMutation({
  args: {
    projectId: v.id("projects"),
    title: v.optional(v.string()),
    description: v.optional(v.string()),
    /** When given, the update is refused if the project changed since this revision. */
    revision: v.optional(v.number()),
  },
  handler: async (ctx, args) => {
    const project = await ownProject(ctx, ctx.user, args.projectId);
    if (args.revision !== undefined && args.revision !== project.revision) {
      fail("conflict", `project is at revision ${project.revision}, not ${args.revision}: someone else changed it`, {
        hint: "re-read the project and apply your change again",
        revision: project.revision,
      });
    }
    await ctx.db.patch(project._id, {
      ...(args.title !== undefined ? { title: text(args.title, "title", 200) } : {}),
      ...(args.description !== undefined
        ? { description: text(args.description, "description", 2000, { required: false }) || undefined }
        : {}),
      updatedAt: Date.now(),
      revision: project.revision + 1,
    });
    return (await ctx.db.get(project._id))!;
  },
});

/** Delete a project with its sessions, scenes, versions and jobs (refused while a job runs). */
export const remove = userMutation({
  args: { projectId: v.id("projects") },
  handler: async (ctx, { projectId }) => {
    const project = await ownProject(ctx, ctx.user, projectId);
    const sessions = await ctx.db
      .query("videoSessions")
      .withIndex("by_project", (q) => q.eq("projectId", project._id))
      .collect();
    const busy = sessions.find((s) => BUSY_SESSION.includes(s.status));
    if (busy !== undefined) {
      fail("busy", `session ${busy._id} of this project is ${busy.status}`, {
        hint: "wait until its job finishes (ready or error), then delete the project",
      });
    }
    for (const session of sessions) {
      for (const table of ["sceneVersions", "jobs"] as const) {
        const rows = await ctx.db
          .query(table)
          .withIndex("by_session", (q) => q.eq("sessionId", session._id))
          .collect();
        for (const row of rows) await ctx.db.delete(row._id);
      }
      const scenes = await ctx.db
        .query("scenes")
        .withIndex("by_session_index", (q) => q.eq("sessionId", session._id))
        .collect();
      for (const scene of scenes) await ctx.db.delete(scene._id);
      await ctx.db.delete(session._id);
    }
    await ctx.db.delete(project._id);
    return null;
  },
});
