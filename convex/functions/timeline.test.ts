import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { layout, totalFrames } from "./lib/timeline";

describe("frame layout (as tutor_core.timeline.layout)", () => {
  test("spans are back to back, end inclusive, and add up", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 40 }), (frames) => {
        const spans = layout(frames);
        let start = 0;
        spans.forEach((span, i) => {
          expect(span).toEqual({ index: i, startFrame: start, endFrame: start + frames[i]! - 1, durationInFrames: frames[i] });
          start += frames[i]!;
        });
        expect(totalFrames(spans)).toBe(frames.reduce((a, b) => a + b, 0));
      }),
    );
  });

  test("a scene needs at least one whole frame", () => {
    expect(() => layout([30, 0])).toThrow(/scene 1 has 0 frames/);
    expect(() => layout([1.5])).toThrow(/at least 1/);
    expect(totalFrames([])).toBe(0);
  });
});
