/** The internal API the Python store and workers use: compare-and-set, state machine, versions, leases. */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { internal } from "./_generated/api";
import type { Doc } from "./_generated/dataModel";
import { contract, expectKind, newT, type T } from "./test.helpers";
import { SCENE_STATUSES } from "./lib/states";

async function fixture(t: T) {
  const user = await t.mutation(internal.worker.ensureUser, { externalId: "github|42", name: "Ada" });
  const project = await t.mutation(internal.worker.createProject, { ownerId: user._id, title: "Maths" });
  const session = await t.mutation(internal.worker.createSession, { projectId: project._id, prompt: "p", quality: "draft" });
  const scene = await t.mutation(internal.worker.createScene, { sessionId: session._id, index: 0, title: "A" });
  return { user, project, session, scene };
}

async function walk(t: T, scene: Doc<"scenes">, statuses: Doc<"scenes">["status"][]): Promise<Doc<"scenes">> {
  for (const status of statuses) {
    scene = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: scene.revision, changes: { status } });
  }
  return scene;
}

const KEY = "projects/p1/sessions/s1/scenes/0/v1.mp4";

describe("users, projects, sessions", () => {
  test("ensureUser is idempotent and refreshes name and email", async () => {
    const t = newT();
    const a = await t.mutation(internal.worker.ensureUser, { externalId: "github|1" });
    const b = await t.mutation(internal.worker.ensureUser, { externalId: "github|1", name: "Bo", email: "bo@example.test" });
    expect(b._id).toBe(a._id);
    expect(b).toMatchObject({ name: "Bo", email: "bo@example.test" });
    expect(await t.query(internal.worker.getUser, { id: a._id })).toEqual(b);
    await expectKind(t.mutation(internal.worker.ensureUser, { externalId: "" }), "invalid_input");
  });

  test("projects: create for an existing owner, get, list by owner", async () => {
    const t = newT();
    const { user, project } = await fixture(t);
    expect(project).toMatchObject({ ownerId: user._id, title: "Maths", revision: 1 });
    expect(await t.query(internal.worker.getProject, { id: project._id })).toEqual(project);
    const other = await t.mutation(internal.worker.ensureUser, { externalId: "github|7" });
    await t.mutation(internal.worker.createProject, { ownerId: other._id, title: "Other" });
    expect((await t.query(internal.worker.listProjects, { ownerId: user._id })).map((p) => p._id)).toEqual([project._id]);
    await t.run(async (ctx) => ctx.db.delete(other._id));
    await expectKind(t.mutation(internal.worker.createProject, { ownerId: other._id, title: "Orphan" }), "not_found");
    await expectKind(t.query(internal.worker.getUser, { id: other._id }), "not_found");
  });

  test("ids that are malformed or of another table read as not found", async () => {
    const t = newT();
    const { user, project, session, scene } = await fixture(t);
    const wrong = [
      () => t.query(internal.worker.getUser, { id: "usr_nope" }),
      () => t.query(internal.worker.getProject, { id: user._id }),
      () => t.query(internal.worker.getSession, { id: scene._id }),
      () => t.query(internal.worker.getScene, { id: session._id }),
      () => t.mutation(internal.worker.updateScene, { id: "scn_nope", revision: 1, changes: { title: "x" } }),
      () => t.mutation(internal.worker.updateSession, { id: project._id, revision: 1, changes: { title: "x" } }),
      () => t.mutation(internal.worker.createScene, { sessionId: "ses_nope", index: 0 }),
      () => t.mutation(internal.worker.createSession, { projectId: "prj_nope" }),
      () => t.mutation(internal.worker.createProject, { ownerId: "usr_nope", title: "x" }),
      () => t.mutation(internal.worker.renewLease, { sceneId: "scn_nope", jobId: "j", expiresAt: 1 }),
      () => t.mutation(internal.worker.settle, { id: "ses_nope" }),
    ];
    for (const call of wrong) {
      const data = await expectKind(call(), "not_found");
      expect(data.hint).toBeTruthy();
    }
    expect(await t.query(internal.worker.listScenes, { sessionId: "ses_nope" })).toEqual([]);
    expect(await t.query(internal.worker.listSessions, { projectId: "prj_nope", statuses: ["queued"] })).toEqual([]);
    expect(await t.query(internal.worker.listProjects, { ownerId: "usr_nope" })).toEqual([]);
    expect(await t.query(internal.worker.listSessions, { statuses: [] })).toEqual([]);
  });

  test("updateProject is compare-and-set; deleteProject removes everything in the project", async () => {
    const t = newT();
    const { project, session, scene } = await fixture(t);
    const renamed = await t.mutation(internal.worker.updateProject, { id: project._id, revision: 1, changes: { title: "Algebra", description: "x" } });
    expect(renamed).toMatchObject({ title: "Algebra", description: "x", revision: 2 });
    await expectKind(t.mutation(internal.worker.updateProject, { id: project._id, revision: 1, changes: { title: "Old" } }), "conflict");
    const cleared = await t.mutation(internal.worker.updateProject, { id: project._id, revision: 2, changes: { description: null } });
    expect(cleared.description).toBeUndefined();
    expect(await t.mutation(internal.worker.deleteProject, { id: project._id })).toBeNull();
    await expectKind(t.query(internal.worker.getProject, { id: project._id }), "not_found");
    await expectKind(t.query(internal.worker.getSession, { id: session._id }), "not_found");
    await expectKind(t.query(internal.worker.getScene, { id: scene._id }), "not_found");
    await expectKind(t.mutation(internal.worker.deleteProject, { id: project._id }), "not_found");
  });

  test("sessions get the quality's size and 30 fps; lists are per project, oldest first", async () => {
    const t = newT();
    const { project, session } = await fixture(t);
    expect(session).toMatchObject({ status: "idle", width: 854, height: 480, targetFps: 30, codec: "h264", version: 1, revision: 1 });
    const second = await t.mutation(internal.worker.createSession, { projectId: project._id, status: "queued" });
    expect(second).toMatchObject({ width: 1920, height: 1080, quality: "final", status: "queued" });
    const listed = await t.query(internal.worker.listSessions, { projectId: project._id });
    expect(listed.map((s) => s._id)).toEqual([session._id, second._id]); // oldest first
    expect((await t.query(internal.worker.listSessions, {})).map((s) => s._id)).toEqual([session._id, second._id]);
    const busy = await t.query(internal.worker.listSessions, { statuses: ["queued", "generating", "rendering"] });
    expect(busy.map((s) => s._id)).toEqual([second._id]);
    const mine = await t.query(internal.worker.listSessions, { projectId: project._id, statuses: ["idle"] });
    expect(mine.map((s) => s._id)).toEqual([session._id]);
    await expectKind(t.mutation(internal.worker.createSession, { projectId: project._id, status: "ready" }), "invalid_transition");
    await expectKind(t.mutation(internal.worker.createSession, { projectId: project._id, sceneCount: 0 }), "invalid_input");
    await expectKind(t.mutation(internal.worker.createSession, { projectId: project._id, version: 0 }), "invalid_input");
    const full = await t.mutation(internal.worker.createSession, { projectId: project._id, sceneCount: 4, version: 3, title: "T" });
    expect(full).toMatchObject({ sceneCount: 4, version: 3, title: "T" });
  });
});

describe("compare-and-set", () => {
  test("a stale revision is refused with conflict and writes nothing", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    const moved = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { status: "generating_code" } });
    expect(moved.revision).toBe(2);
    const data = await expectKind(
      t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { status: "error", errorMessage: "x" } }),
      "conflict",
    );
    expect(data).toMatchObject({ revision: 2, status: "generating_code" });
    expect(await t.query(internal.worker.getScene, { id: scene._id })).toEqual(moved);
  });

  test("an unexpected status is a conflict even at the right revision", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    await expectKind(
      t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, expectedStatus: "ready", changes: { title: "B" } }),
      "conflict",
    );
    const ok = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, expectedStatus: "queued", changes: { title: "B" } });
    expect(ok.title).toBe("B");
  });

  test("two workers racing on one revision: exactly one wins", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    const results = await Promise.allSettled(
      ["w1", "w2"].map((jobId) =>
        t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { status: "generating_code", jobId } }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    const final = await t.query(internal.worker.getScene, { id: scene._id });
    expect(final.revision).toBe(2);
  });

  test("session updates are compare-and-set too, and the session state machine holds", async () => {
    const t = newT();
    const { session } = await fixture(t);
    await expectKind(t.mutation(internal.worker.updateSession, { id: session._id, revision: 1, changes: { status: "ready" } }), "invalid_transition");
    const q = await t.mutation(internal.worker.updateSession, { id: session._id, revision: 1, changes: { status: "queued" } });
    await expectKind(t.mutation(internal.worker.updateSession, { id: session._id, revision: 1, changes: { title: "T" } }), "conflict");
    const same = await t.mutation(internal.worker.updateSession, { id: session._id, revision: q.revision, changes: { status: "queued", title: "T" } });
    expect(same).toMatchObject({ status: "queued", title: "T", revision: 3 });
    await expectKind(
      t.mutation(internal.worker.updateSession, { id: session._id, revision: 3, changes: { version: 0 } }),
      "invalid_input",
    );
  });
});

describe("the scene state machine is enforced", () => {
  const doc = contract<{ scene: { transitions: Record<string, string[]> } }>("states.json");
  // A path from queued to each status, through declared steps only.
  const PATH: Record<string, Doc<"scenes">["status"][]> = {
    queued: [],
    generating_code: ["generating_code"],
    rendering: ["generating_code", "rendering"],
    uploading: ["generating_code", "rendering", "uploading"],
    ready: ["generating_code", "rendering", "uploading", "ready"],
    error: ["error"],
  };

  test("every undeclared (source, target) pair is refused with invalid_transition; every declared one passes", async () => {
    for (const source of SCENE_STATUSES) {
      for (const target of SCENE_STATUSES) {
        const t = newT();
        const { scene } = await fixture(t);
        // "ready" needs a chunk to be reachable; give it one on the way.
        let at = await walk(t, scene, PATH[source]!.filter((s) => s !== "ready"));
        if (source === "ready") {
          at = await t.mutation(internal.worker.updateScene, {
            id: at._id,
            revision: at.revision,
            changes: { status: "ready", version: 1, s3ChunkKey: KEY, durationInFrames: 30 },
          });
        }
        const call = t.mutation(internal.worker.updateScene, { id: at._id, revision: at.revision, changes: { status: target } });
        if (source === target || doc.scene.transitions[source]!.includes(target)) {
          expect((await call).status, `${source} -> ${target}`).toBe(target);
        } else {
          const data = await expectKind(call, "invalid_transition");
          expect(data).toMatchObject({ machine: "scene", source, target });
          expect(await t.query(internal.worker.getScene, { id: at._id })).toEqual(at);
        }
      }
    }
  });

  test("random walks with stale writers: the row only ever takes declared steps at the current revision", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ target: fc.constantFrom(...SCENE_STATUSES), stale: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          const t = newT();
          const { scene } = await fixture(t);
          let model = { status: scene.status as string, revision: scene.revision };
          for (const { target, stale } of steps) {
            const revision = stale ? model.revision - 1 : model.revision;
            const call = t.mutation(internal.worker.updateScene, { id: scene._id, revision, changes: { status: target } });
            if (stale) {
              await expectKind(call, "conflict");
            } else if (target === model.status || doc.scene.transitions[model.status]!.includes(target)) {
              const row = await call;
              model = { status: target, revision: model.revision + 1 };
              expect(row).toMatchObject(model);
            } else {
              await expectKind(call, "invalid_transition");
            }
            const stored = await t.query(internal.worker.getScene, { id: scene._id });
            expect({ status: stored.status, revision: stored.revision }).toEqual(model);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test("a new scene starts queued", async () => {
    const t = newT();
    const { session } = await fixture(t);
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: 1, status: "ready" }), "invalid_transition");
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: 0 }), "conflict");
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: -1 }), "invalid_input");
  });
});

describe("versions, keys, frames", () => {
  test("a version bump records the version; skipping or repeating a version is refused", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    let s = await walk(t, scene, ["generating_code", "rendering", "uploading"]);
    await expectKind(
      t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { status: "ready", version: 2, s3ChunkKey: KEY } }),
      "invalid_input",
    );
    await expectKind(
      t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { status: "ready", version: 1 } }),
      "invalid_input", // no chunk key
    );
    s = await t.mutation(internal.worker.updateScene, {
      id: s._id,
      revision: s.revision,
      changes: { status: "ready", version: 1, s3ChunkKey: KEY, checksum: "abc", durationInFrames: 90, narration: "Hello." },
    });
    const rows = await t.run(async (ctx) => await ctx.db.query("sceneVersions").collect());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sceneId: s._id, version: 1, s3ChunkKey: KEY, checksum: "abc", durationInFrames: 90, narration: "Hello." });
    // the same version again (a plain update) records nothing new
    s = await t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { version: 1, title: "T" } });
    expect(await t.run(async (ctx) => (await ctx.db.query("sceneVersions").collect()).length)).toBe(1);
  });

  test("a scene can be created with its keys and frames; a rendered version is recorded", async () => {
    const t = newT();
    const { session } = await fixture(t);
    const made = await t.mutation(internal.worker.createScene, {
      sessionId: session._id,
      index: 5,
      s3ChunkKey: KEY,
      version: 1,
      durationInFrames: 30,
      startFrame: 0,
      endFrame: 29,
      narration: "Hi.",
    });
    expect(made).toMatchObject({ status: "queued", version: 1, s3ChunkKey: KEY, durationInFrames: 30, endFrame: 29, revision: 1 });
    const rows = await t.run(async (ctx) => await ctx.db.query("sceneVersions").collect());
    expect(rows.map((r) => [r.sceneId, r.version, r.s3ChunkKey])).toEqual([[made._id, 1, KEY]]);
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: 6, version: 1 }), "invalid_input");
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: 7, s3SpecKey: "../x.json" }), "invalid_input");
    await expectKind(t.mutation(internal.worker.createScene, { sessionId: session._id, index: 8, durationInFrames: -3 }), "invalid_input");
    expect((await t.query(internal.worker.listScenes, { sessionId: session._id })).map((s) => s.index)).toEqual([0, 5]);
  });

  test("keys that could escape a storage root are refused", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    for (const key of ["../etc/passwd", "/abs/key.mp4", "a//b", "a/.hidden/b", "a\\b", "a/\u0000/b", "", "x".repeat(1025)]) {
      await expectKind(
        t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { s3SpecKey: key } }),
        "invalid_input",
      );
    }
    expect((await t.query(internal.worker.getScene, { id: scene._id })).revision).toBe(1);
  });

  test("null clears a field; frames must be whole numbers", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    const a = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { errorMessage: "x", pendingEdit: "p" } });
    const b = await t.mutation(internal.worker.updateScene, { id: scene._id, revision: a.revision, changes: { errorMessage: null, pendingEdit: null } });
    expect(b.errorMessage).toBeUndefined();
    expect(b.pendingEdit).toBeUndefined();
    await expectKind(t.mutation(internal.worker.updateScene, { id: scene._id, revision: b.revision, changes: { durationInFrames: 1.5 } }), "invalid_input");
    await expectKind(t.mutation(internal.worker.updateScene, { id: scene._id, revision: b.revision, changes: { endFrame: -2 } }), "invalid_input");
  });

  test("unknown fields and wrong types are refused by the validators", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    await expect(
      t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { revision: 9 } as never }),
    ).rejects.toThrow(/extra field|revision/i);
    await expect(
      t.mutation(internal.worker.updateScene, { id: scene._id, revision: 1, changes: { status: "done" } as never }),
    ).rejects.toThrow(/Validator|status/);
  });

  test("settle lays out the frames of playable scenes, back to back", async () => {
    const t = newT();
    const { session } = await fixture(t);
    let sess = await t.mutation(internal.worker.updateSession, { id: session._id, revision: 1, changes: { status: "queued" } });
    for (const status of ["generating", "rendering"] as const) {
      sess = await t.mutation(internal.worker.updateSession, { id: sess._id, revision: sess.revision, changes: { status } });
    }
    const frames = [90, 0, 45];
    for (let i = 1; i < 3; i++) await t.mutation(internal.worker.createScene, { sessionId: session._id, index: i });
    for (const s of await t.query(internal.worker.listScenes, { sessionId: session._id })) {
      if (frames[s.index] === 0) {
        await t.mutation(internal.worker.updateScene, { id: s._id, revision: s.revision, changes: { status: "error", errorMessage: "boom" } });
        continue;
      }
      const up = await walk(t, s, ["generating_code", "rendering", "uploading"]);
      await t.mutation(internal.worker.updateScene, {
        id: up._id,
        revision: up.revision,
        changes: { status: "ready", version: 1, s3ChunkKey: `projects/p/sessions/s/scenes/${s.index}/v1.mp4`, durationInFrames: frames[s.index] },
      });
    }
    const settled = await t.mutation(internal.worker.settle, { id: session._id });
    expect(settled).toMatchObject({ status: "ready", durationInFrames: 135, version: 2 });
    expect(settled!.errorMessage).toMatch(/1 of 3 scenes failed: scene 2: boom/);
    const spans = (await t.query(internal.worker.listScenes, { sessionId: session._id })).map((s) => [s.startFrame, s.endFrame, s.durationInFrames]);
    expect(spans).toEqual([
      [0, 89, 90],
      [90, 89, 0],
      [90, 134, 45],
    ]);
  });
});

describe("leases", () => {
  test("only the job holding a busy scene renews its lease, without bumping the revision", async () => {
    const t = newT();
    const { scene } = await fixture(t);
    const busy = await t.mutation(internal.worker.updateScene, {
      id: scene._id,
      revision: 1,
      changes: { status: "generating_code", jobId: "job-a", leaseExpiresAt: Date.now() + 1000 },
    });
    const expiresAt = Date.now() + 60_000;
    expect(await t.mutation(internal.worker.renewLease, { sceneId: scene._id, jobId: "job-a", expiresAt })).toBe(true);
    const after = await t.query(internal.worker.getScene, { id: scene._id });
    expect(after.leaseExpiresAt).toBe(expiresAt);
    expect(after.revision).toBe(busy.revision);
    expect(await t.mutation(internal.worker.renewLease, { sceneId: scene._id, jobId: "job-b", expiresAt: expiresAt + 1 })).toBe(false);
    expect((await t.query(internal.worker.getScene, { id: scene._id })).leaseExpiresAt).toBe(expiresAt);
    await expectKind(t.mutation(internal.worker.renewLease, { sceneId: scene._id, jobId: "job-a", expiresAt: Number.NaN }), "invalid_input");
    await expectKind(t.mutation(internal.worker.renewLease, { jobId: "job-a", expiresAt }), "invalid_input");
  });

  test("a session's lease is renewed the same way, and not once it is done", async () => {
    const t = newT();
    const { session } = await fixture(t);
    const queued = await t.mutation(internal.worker.updateSession, {
      id: session._id,
      revision: 1,
      changes: { status: "queued", jobId: "job-s" },
    });
    const expiresAt = Date.now() + 5_000;
    expect(await t.mutation(internal.worker.renewLease, { sessionId: session._id, jobId: "job-s", expiresAt })).toBe(true);
    const failed = await t.mutation(internal.worker.updateSession, { id: session._id, revision: queued.revision, changes: { status: "error" } });
    expect(failed.leaseExpiresAt).toBe(expiresAt);
    expect(await t.mutation(internal.worker.renewLease, { sessionId: session._id, jobId: "job-s", expiresAt: expiresAt + 9 })).toBe(false);
  });
});
