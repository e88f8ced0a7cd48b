import { describe, expect, it } from "vitest";
import { composeTimeline, formatTime, PLACEHOLDER_SECONDS, segmentAt } from "@/lib/timeline";
import type { Scene } from "@/lib/types";
import { proxied } from "@/lib/urls";

function scene(index: number, patch: Partial<Scene> = {}): Scene {
  return {
    id: `scn_${index}`,
    sessionId: "ses_1",
    index,
    title: `Scene ${index + 1}`,
    status: "ready",
    version: 1,
    checksum: null,
    startFrame: null,
    endFrame: null,
    durationInFrames: 120,
    errorMessage: null,
    chunkUrl: `/api/files/chunks/projects/p/sessions/s/scenes/${index}/v1.mp4`,
    subtitlesUrl: `/api/files/chunks/projects/p/sessions/s/scenes/${index}/v1.vtt`,
    jobId: null,
    updatedAt: 0,
    ...patch,
  };
}

const base = { fps: 30, width: 854, height: 480 };

describe("composeTimeline", () => {
  it("lays ready scenes back to back with the server's frame counts", () => {
    const timeline = composeTimeline({
      ...base,
      scenes: [scene(0, { durationInFrames: 95 }), scene(1, { durationInFrames: 130 })],
    });
    expect(timeline.segments.map((s) => [s.kind, s.from, s.durationInFrames])).toEqual([
      ["video", 0, 95],
      ["video", 95, 130],
    ]);
    expect(timeline.durationInFrames).toBe(225);
  });

  it("holds a placeholder card for scenes not ready, so scene 1 plays at once", () => {
    const timeline = composeTimeline({
      ...base,
      scenes: [
        scene(2, { status: "queued", chunkUrl: null, durationInFrames: null }),
        scene(0, { durationInFrames: 100 }),
        scene(1, { status: "rendering", chunkUrl: null, durationInFrames: null }),
      ],
    });
    const placeholder = PLACEHOLDER_SECONDS * 30;
    expect(timeline.segments.map((s) => [s.index, s.kind, s.status, s.from])).toEqual([
      [0, "video", "ready", 0],
      [1, "placeholder", "rendering", 100],
      [2, "placeholder", "queued", 100 + placeholder],
    ]);
    expect(timeline.durationInFrames).toBe(100 + 2 * placeholder);
    expect(timeline.segments[1]?.src).toBeNull();
  });

  it("keeps playing the previous version of a scene whose edit failed", () => {
    const timeline = composeTimeline({
      ...base,
      scenes: [scene(0, { status: "error", errorMessage: "render failed", version: 2 })],
    });
    expect(timeline.segments[0]?.kind).toBe("video");
    expect(timeline.segments[0]?.errorMessage).toBe("render failed");
  });

  it("routes local media through the proxy and plays CDN URLs directly", () => {
    const timeline = composeTimeline(
      {
        ...base,
        scenes: [scene(0), scene(1, { chunkUrl: "https://cdn.example.com/a/v1.mp4" })],
      },
      proxied,
    );
    expect(timeline.segments[0]?.src).toBe(
      "/api/tutor/files/chunks/projects/p/sessions/s/scenes/0/v1.mp4",
    );
    expect(timeline.segments[1]?.src).toBe("https://cdn.example.com/a/v1.mp4");
  });

  it("has at least one frame before any scene exists", () => {
    const timeline = composeTimeline({ fps: 0, width: 0, height: 0, scenes: [] });
    expect(timeline.durationInFrames).toBe(1);
    expect(timeline.fps).toBe(30);
    expect(segmentAt(timeline, 0)).toBeNull();
  });

  it("finds the segment playing at a frame", () => {
    const timeline = composeTimeline({
      ...base,
      scenes: [scene(0, { durationInFrames: 10 }), scene(1, { durationInFrames: 20 })],
    });
    expect(segmentAt(timeline, 0)?.index).toBe(0);
    expect(segmentAt(timeline, 9)?.index).toBe(0);
    expect(segmentAt(timeline, 10)?.index).toBe(1);
    expect(segmentAt(timeline, 29)?.index).toBe(1);
    expect(segmentAt(timeline, 500)?.index).toBe(1);
  });

  it("never overlaps or leaves gaps, whatever the scenes (property)", () => {
    // A small deterministic generator: the same cases on every run.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let run = 0; run < 300; run += 1) {
      const count = rand(8);
      const scenes = Array.from({ length: count }, (_, i) =>
        rand(3) === 0
          ? scene(i, { status: "rendering", chunkUrl: null, durationInFrames: null })
          : scene(i, { durationInFrames: 1 + rand(400) }),
      ).sort(() => rand(3) - 1);
      const timeline = composeTimeline({ ...base, scenes });
      let expected = 0;
      timeline.segments.forEach((segment, i) => {
        expect(segment.index).toBe(i);
        expect(segment.from).toBe(expected);
        expect(segment.durationInFrames).toBeGreaterThan(0);
        expected += segment.durationInFrames;
        expect(segmentAt(timeline, segment.from)?.index).toBe(i);
      });
      expect(timeline.durationInFrames).toBe(Math.max(expected, 1));
    }
  });
});

describe("formatTime", () => {
  it("prints minutes and seconds", () => {
    expect(formatTime(0)).toBe("0:00");
    expect(formatTime(65.9)).toBe("1:05");
    expect(formatTime(-3)).toBe("0:00");
  });
});
