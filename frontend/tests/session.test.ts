import { describe, expect, it } from "vitest";
import { editOutcome, mergeDetail, mergeScene, mergeSession } from "@/lib/session";
import type { Scene, SessionDetail } from "@/lib/types";

const scene = (patch: Partial<Scene> = {}): Scene => ({
  id: "scn_1",
  sessionId: "ses_1",
  index: 0,
  title: "Intro",
  status: "rendering",
  version: 0,
  checksum: null,
  startFrame: null,
  endFrame: null,
  durationInFrames: null,
  errorMessage: null,
  chunkUrl: null,
  subtitlesUrl: null,
  jobId: "job_a",
  updatedAt: 10,
  ...patch,
});

const session = (scenes: Scene[] = [scene()]): SessionDetail => ({
  id: "ses_1",
  projectId: "prj_1",
  title: "Lesson",
  prompt: "p",
  status: "rendering",
  quality: "draft",
  fps: 30,
  width: 854,
  height: 480,
  codec: "h264",
  durationInFrames: 0,
  errorMessage: null,
  jobId: "job_a",
  version: 1,
  createdAt: 0,
  updatedAt: 10,
  scenes,
});

describe("merging live events", () => {
  it("applies newer scene events and ignores older ones", () => {
    const s = session();
    const ready = mergeScene(s, scene({ status: "ready", updatedAt: 20 }));
    expect(ready.scenes[0]?.status).toBe("ready");
    const stale = mergeScene(ready, scene({ status: "queued", updatedAt: 5 }));
    expect(stale.scenes[0]?.status).toBe("ready");
  });

  it("adds scenes in index order and ignores other sessions", () => {
    const s = mergeScene(session([scene({ id: "b", index: 1 })]), scene({ id: "a", index: 0 }));
    expect(s.scenes.map((x) => x.id)).toEqual(["a", "b"]);
    expect(mergeScene(s, scene({ id: "c", sessionId: "other" })).scenes.length).toBe(2);
  });

  it("keeps scenes when a session event arrives, and the newest of a detail", () => {
    const s = mergeSession(session(), { ...session(), status: "ready", updatedAt: 30 });
    expect(s.status).toBe("ready");
    expect(s.scenes.length).toBe(1);
    const detail = mergeDetail(s, { ...session([scene({ version: 3, updatedAt: 40 })]), updatedAt: 40 });
    expect(detail.scenes[0]?.version).toBe(3);
  });
});

describe("editOutcome", () => {
  const edit = { jobId: "job_e", fromVersion: 1, prompt: "make it sing" };
  it("waits until the edit's job holds the scene", () => {
    expect(editOutcome(scene({ jobId: "job_a", status: "ready", version: 1 }), edit)).toBe("pending");
    expect(editOutcome(scene({ jobId: "job_e", status: "rendering", version: 1 }), edit)).toBe("pending");
  });
  it("tells applied, refused and failed apart", () => {
    expect(editOutcome(scene({ jobId: "job_e", status: "ready", version: 2 }), edit)).toBe("applied");
    expect(editOutcome(scene({ jobId: "job_e", status: "ready", version: 1 }), edit)).toBe("refused");
    expect(editOutcome(scene({ jobId: "job_e", status: "error", version: 1 }), edit)).toBe("failed");
  });
});
