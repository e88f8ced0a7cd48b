/**
 * Frame layout, as `tutor_core.timeline.layout`: scenes play back to back, scene i
 * starts at the sum of the frames before it, and `endFrame` is inclusive.
 */

export type Span = { index: number; startFrame: number; endFrame: number; durationInFrames: number };

export function layout(frameCounts: readonly number[]): Span[] {
  const spans: Span[] = [];
  let start = 0;
  frameCounts.forEach((frames, index) => {
    if (!Number.isInteger(frames) || frames <= 0) {
      throw new Error(`scene ${index} has ${frames} frames; every scene needs at least 1`);
    }
    spans.push({ index, startFrame: start, endFrame: start + frames - 1, durationInFrames: frames });
    start += frames;
  });
  return spans;
}

export function totalFrames(spans: readonly Span[]): number {
  return spans.length === 0 ? 0 : spans[spans.length - 1]!.endFrame + 1;
}
