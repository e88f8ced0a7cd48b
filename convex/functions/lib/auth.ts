/**
 * The function builders every public function uses: the caller must be signed in, and
 * `ctx.user` is their row (keyed on the identity's `tokenIdentifier`). Nothing takes a
 * user id as an argument; ownership is checked through `own*` below, and another
 * user's ids read exactly like ids that do not exist.
 */
import { customCtx, customMutation, customQuery } from "convex-helpers/server/customFunctions";
import type { UserIdentity } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import { mutation, query, type MutationCtx, type QueryCtx } from "../_generated/server";
import { fail, notFound } from "./errors";

async function requireIdentity(ctx: QueryCtx): Promise<UserIdentity> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    fail("unauthenticated", "not signed in", {
      hint: "sign in; the Convex client must send the user's token (setAuth)",
    });
  }
  return identity;
}

async function findUser(ctx: QueryCtx, identity: UserIdentity): Promise<Doc<"users"> | null> {
  return await ctx.db
    .query("users")
    .withIndex("by_externalId", (q) => q.eq("externalId", identity.tokenIdentifier))
    .unique();
}

/** The signed-in user's row, created (or its name and email refreshed) on first write. */
async function ensureUser(ctx: MutationCtx, identity: UserIdentity): Promise<Doc<"users">> {
  const existing = await findUser(ctx, identity);
  const name = identity.name ?? undefined;
  const email = identity.email ?? undefined;
  if (existing !== null) {
    if ((name !== undefined && name !== existing.name) || (email !== undefined && email !== existing.email)) {
      await ctx.db.patch(existing._id, { name: name ?? existing.name, email: email ?? existing.email });
      return (await ctx.db.get(existing._id))!;
    }
    return existing;
  }
  const id = await ctx.db.insert("users", {
    externalId: identity.tokenIdentifier,
    name,
    email,
    createdAt: Date.now(),
  });
  return (await ctx.db.get(id))!;
}

/** A query for a signed-in user; `ctx.user` is null until their first write. */
export const userQuery = customQuery(
  query,
  customCtx(async (ctx) => {
    const identity = await requireIdentity(ctx);
    return { identity, user: await findUser(ctx, identity) };
  }),
);

/** A mutation for a signed-in user; `ctx.user` always exists. */
export const userMutation = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const identity = await requireIdentity(ctx);
    return { identity, user: await ensureUser(ctx, identity) };
  }),
);

type Reader = Pick<QueryCtx, "db">;

export async function ownProject(
  ctx: Reader,
  user: Doc<"users"> | null,
  projectId: Id<"projects">,
): Promise<Doc<"projects">> {
  const project = await ctx.db.get(projectId);
  if (project === null || user === null || project.ownerId !== user._id) notFound("project", projectId);
  return project;
}

export async function ownSession(
  ctx: Reader,
  user: Doc<"users"> | null,
  sessionId: Id<"videoSessions">,
): Promise<{ session: Doc<"videoSessions">; project: Doc<"projects"> }> {
  const session = await ctx.db.get(sessionId);
  if (session === null) notFound("session", sessionId);
  const project = await ctx.db.get(session.projectId);
  if (project === null || user === null || project.ownerId !== user._id) notFound("session", sessionId);
  return { session, project };
}

export async function ownScene(
  ctx: Reader,
  user: Doc<"users"> | null,
  sceneId: Id<"scenes">,
): Promise<{ scene: Doc<"scenes">; session: Doc<"videoSessions">; project: Doc<"projects"> }> {
  const scene = await ctx.db.get(sceneId);
  if (scene === null) notFound("scene", sceneId);
  const session = await ctx.db.get(scene.sessionId);
  const project = await ctx.db.get(scene.projectId);
  if (session === null || project === null || user === null || project.ownerId !== user._id) {
    notFound("scene", sceneId);
  }
  return { scene, session, project };
}
