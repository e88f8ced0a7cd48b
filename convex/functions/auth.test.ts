/** Auth matrix: every public function needs a signed-in user, and users see only their own rows. */
import { afterEach, describe, expect, test } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { asUser, clearJobEnv, drain, expectKind, newT, type T } from "./test.helpers";

afterEach(clearJobEnv);

/** Alice with a project, a session and a ready scene (made through the worker API). */
async function world(t: T) {
  const alice = asUser(t, "alice");
  const projectId = await alice.mutation(api.projects.create, { title: "Geometry" });
  const { sessionId } = await alice.mutation(api.sessions.create, { projectId, prompt: "explain triangles", sceneCount: 1 });
  await drain(t); // the generate job fails (no TUTOR_API_URL): the session is error
  const scene = await t.mutation(internal.worker.createScene, { sessionId, index: 0, title: "One" });
  let s = scene;
  for (const status of ["generating_code", "rendering", "uploading"] as const) {
    s = await t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { status } });
  }
  s = await t.mutation(internal.worker.updateScene, {
    id: s._id,
    revision: s.revision,
    changes: { status: "ready", version: 1, s3ChunkKey: `projects/p/sessions/s/scenes/0/v1.mp4`, durationInFrames: 90 },
  });
  return { alice, projectId, sessionId, sceneId: s._id as Id<"scenes"> };
}

describe("signed-out callers", () => {
  test("every public function refuses them", async () => {
    const t = newT();
    const { projectId, sessionId, sceneId } = await world(t);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["users.me", () => t.query(api.users.me, {})],
      ["users.store", () => t.mutation(api.users.store, {})],
      ["projects.list", () => t.query(api.projects.list, {})],
      ["projects.get", () => t.query(api.projects.get, { projectId })],
      ["projects.create", () => t.mutation(api.projects.create, { title: "x" })],
      ["projects.update", () => t.mutation(api.projects.update, { projectId, title: "x" })],
      ["projects.remove", () => t.mutation(api.projects.remove, { projectId })],
      ["sessions.create", () => t.mutation(api.sessions.create, { projectId, prompt: "p", sceneCount: 1 })],
      ["sessions.list", () => t.query(api.sessions.list, { projectId })],
      ["sessions.get", () => t.query(api.sessions.get, { sessionId })],
      ["scenes.get", () => t.query(api.scenes.get, { sceneId })],
      ["scenes.requestEdit", () => t.mutation(api.scenes.requestEdit, { sceneId, prompt: "blue" })],
      ["scenes.retry", () => t.mutation(api.scenes.retry, { sceneId })],
      ["scenes.versions", () => t.query(api.scenes.versions, { sceneId })],
      ["scenes.rollback", () => t.mutation(api.scenes.rollback, { sceneId, version: 1 })],
    ];
    for (const [name, call] of calls) {
      const data = await expectKind(call(), "unauthenticated");
      expect(data.hint, name).toBeTruthy();
    }
  });
});

describe("another user's ids read as not found", () => {
  test("bob can neither read nor change alice's rows", async () => {
    const t = newT();
    const { alice, projectId, sessionId, sceneId } = await world(t);
    const bob = asUser(t, "bob");
    expect(await bob.query(api.projects.list, {})).toEqual([]);
    expect(await bob.query(api.users.me, {})).toBeNull();
    await expectKind(bob.query(api.projects.get, { projectId }), "not_found");
    await expectKind(bob.mutation(api.projects.update, { projectId, title: "mine" }), "not_found");
    await expectKind(bob.mutation(api.projects.remove, { projectId }), "not_found");
    await expectKind(bob.mutation(api.sessions.create, { projectId, prompt: "p", sceneCount: 1 }), "not_found");
    await expectKind(bob.query(api.sessions.list, { projectId }), "not_found");
    await expectKind(bob.query(api.sessions.get, { sessionId }), "not_found");
    await expectKind(bob.query(api.scenes.get, { sceneId }), "not_found");
    await expectKind(bob.mutation(api.scenes.requestEdit, { sceneId, prompt: "blue" }), "not_found");
    await expectKind(bob.mutation(api.scenes.retry, { sceneId }), "not_found");
    await expectKind(bob.query(api.scenes.versions, { sceneId }), "not_found");
    await expectKind(bob.mutation(api.scenes.rollback, { sceneId, version: 1 }), "not_found");
    // ... and the same message as an id that does not exist at all
    const gone = await alice.mutation(api.projects.create, { title: "temp" });
    await alice.mutation(api.projects.remove, { projectId: gone });
    const missing = await expectKind(alice.query(api.projects.get, { projectId: gone }), "not_found");
    const foreign = await expectKind(bob.query(api.projects.get, { projectId }), "not_found");
    expect(String(foreign.message).replace(projectId, "ID")).toBe(String(missing.message).replace(gone, "ID"));
    // nothing of alice's changed
    expect((await alice.query(api.projects.get, { projectId })).title).toBe("Geometry");
    expect((await alice.query(api.sessions.get, { sessionId })).scenes).toHaveLength(1);
  });

  test("the same subject at another issuer is another user", async () => {
    const t = newT();
    const { projectId } = await world(t);
    const impostor = t.withIdentity({ subject: "alice", issuer: "https://evil.test" });
    await expectKind(impostor.query(api.projects.get, { projectId }), "not_found");
  });

  test("internal functions are not part of the public api", () => {
    expect(Object.keys(api)).not.toContain("worker");
    expect(Object.keys(api)).not.toContain("jobs");
    expect(Object.keys(api)).not.toContain("recovery");
  });
});
