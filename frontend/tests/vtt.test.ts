import { describe, expect, it } from "vitest";
import { cueTextAt, parseTimestamp, parseVtt } from "@/lib/vtt";

describe("parseVtt", () => {
  it("reads tutor's subtitles", () => {
    const cues = parseVtt(
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.500\nA right triangle has three sides.\n\n" +
        "2\n00:00:02.500 --> 00:00:05.000\nThe longest is the hypotenuse.\n",
    );
    expect(cues).toEqual([
      { start: 0, end: 2.5, text: "A right triangle has three sides." },
      { start: 2.5, end: 5, text: "The longest is the hypotenuse." },
    ]);
  });

  it("accepts short timestamps, CRLF, a BOM, settings, tags and multi-line cues", () => {
    const cues = parseVtt(
      "\uFEFFWEBVTT - lesson\r\n\r\nNOTE made by hand\r\n\r\n" +
        "01:02.5 --> 01:04.000 align:start\r\n<b>Bold</b> &amp; line\r\nsecond line\r\n",
    );
    expect(cues).toEqual([{ start: 62.5, end: 64, text: "Bold & line\nsecond line" }]);
  });

  it("skips broken cues and keeps the rest", () => {
    const cues = parseVtt(
      "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n\n" +
        "00:00:99.000 --> 00:01:00.000\nbad seconds\n\nno timing here\n\n" +
        "00:00:01.000 --> 00:00:02.000\nkept\n",
    );
    expect(cues.map((c) => c.text)).toEqual(["kept"]);
  });

  it("refuses text that is not WebVTT", () => {
    expect(() => parseVtt("<html>not found</html>")).toThrow(/WEBVTT/);
    expect(() => parseVtt("WEBVTTX\n")).toThrow(/WEBVTT/);
  });

  it("reads timestamps with hours and commas", () => {
    expect(parseTimestamp("1:00:00.250")).toBe(3600.25);
    expect(parseTimestamp("00:01,5")).toBe(1.5);
    expect(Number.isNaN(parseTimestamp("1:2"))).toBe(true);
  });

  it("round-trips generated cues (property)", () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const stamp = (ms: number) => {
      const h = Math.floor(ms / 3600000);
      const m = Math.floor(ms / 60000) % 60;
      const s = Math.floor(ms / 1000) % 60;
      const pad = (v: number, n = 2) => String(v).padStart(n, "0");
      return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
    };
    for (let run = 0; run < 200; run += 1) {
      let t = 0;
      const expected = Array.from({ length: 1 + rand(6) }, (_, i) => {
        const start = t + rand(2000);
        const end = start + 1 + rand(5000);
        t = end;
        return { startMs: start, endMs: end, start: start / 1000, end: end / 1000, text: `cue ${i} ${"word ".repeat(rand(4))}`.trim() };
      });
      const file =
        "WEBVTT\n\n" +
        expected.map((c, i) => `${i + 1}\n${stamp(c.startMs)} --> ${stamp(c.endMs)}\n${c.text}\n`).join("\n");
      const cues = parseVtt(file);
      expect(cues.length).toBe(expected.length);
      cues.forEach((cue, i) => {
        expect(cue.text).toBe(expected[i]?.text);
        expect(cue.start).toBeCloseTo(expected[i]?.start ?? -1, 3);
        expect(cue.end).toBeCloseTo(expected[i]?.end ?? -1, 3);
      });
    }
  });
});

describe("cueTextAt", () => {
  const cues = [
    { start: 0, end: 2, text: "one" },
    { start: 1.5, end: 3, text: "two" },
  ];
  it("shows the cues active at a time, end exclusive", () => {
    expect(cueTextAt(cues, 0.5)).toBe("one");
    expect(cueTextAt(cues, 1.75)).toBe("one\ntwo");
    expect(cueTextAt(cues, 2)).toBe("two");
    expect(cueTextAt(cues, 3)).toBeNull();
  });
});
