/** A small WebVTT reader: enough for the cues tutor writes (and what other tools write). */

export interface Cue {
  /** Seconds from the start of the chunk. */
  start: number;
  end: number;
  text: string;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

/** "01:02.500" or "1:01:02.5" to seconds; NaN when it is not a timestamp. */
export function parseTimestamp(value: string): number {
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$/.exec(value.trim());
  if (!match) return Number.NaN;
  const [, h, m, s, frac] = match;
  const minutes = Number(m);
  const seconds = Number(s);
  if (minutes > 59 || seconds > 59) return Number.NaN;
  return Number(h ?? 0) * 3600 + minutes * 60 + seconds + Number(`0.${frac}`);
}

/**
 * Parse a WebVTT file into cues, in file order.
 *
 * Blocks that are not cues (NOTE, STYLE, REGION) and cues with broken timings are
 * skipped rather than failing the whole file: subtitles are an aid, not a gate.
 *
 * @throws Error when the text does not start with the WEBVTT signature.
 */
export function parseVtt(text: string): Cue[] {
  const body = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(body)) {
    throw new Error("not a WebVTT file: it must start with WEBVTT");
  }
  const cues: Cue[] = [];
  for (const block of body.split(/\n{2,}/).slice(1)) {
    const lines = block.split("\n").filter((line, i) => i > 0 || line.trim() !== "");
    if (lines.length === 0) continue;
    const first = lines[0] ?? "";
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(first)) continue;
    const timingIndex = TIMING.test(first) ? 0 : TIMING.test(lines[1] ?? "") ? 1 : -1;
    if (timingIndex < 0) continue;
    const match = TIMING.exec(lines[timingIndex] ?? "");
    if (!match) continue;
    const start = parseTimestamp(match[1] ?? "");
    const end = parseTimestamp(match[2] ?? "");
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) continue;
    const textLines = lines.slice(timingIndex + 1);
    const cueText = textLines
      .join("\n")
      .replace(/<[^>]*>/g, "")
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&nbsp;/g, " ")
      .trim();
    if (cueText) cues.push({ start, end, text: cueText });
  }
  return cues;
}

/** The text shown at `seconds` (cues that overlap are joined by a line break). */
export function cueTextAt(cues: readonly Cue[], seconds: number): string | null {
  const active = cues.filter((cue) => seconds >= cue.start && seconds < cue.end);
  return active.length ? active.map((cue) => cue.text).join("\n") : null;
}
