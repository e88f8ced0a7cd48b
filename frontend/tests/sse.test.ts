import { describe, expect, it } from "vitest";
import { connectSse, SseParser, type SseMessage, type SseState } from "@/lib/sse";

function stream(chunks: string[], { fail = false } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const queue = [...chunks];
  // Chunks are handed out as they are read, then the stream ends or breaks.
  return new ReadableStream({
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) controller.enqueue(encoder.encode(next));
      else if (fail) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
}

/** A fetch that answers each call with the next scripted response and records the calls. */
function scriptedFetch(responses: Array<() => Response>) {
  const calls: Array<Record<string, string>> = [];
  const impl = (async (_url: string, init?: RequestInit) => {
    calls.push({ ...(init?.headers as Record<string, string>) });
    const next = responses.shift();
    if (!next) {
      // Stay open until aborted, like a quiet stream.
      return await new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(new Error("aborted")));
      });
    }
    return next();
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const event = (id: number, status: string) =>
  `id: ${id}\nevent: scene\ndata: {"id":"scn_1","status":"${status}"}\n\n`;

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

describe("SseParser", () => {
  it("parses events split anywhere, comments, multi-line data and CRLF", () => {
    const parser = new SseParser();
    const text = ": ping\r\nid: 7\r\nevent: scene\r\ndata: a\r\ndata: b\r\n\r\nid: 8\ndata: c\n\n";
    const messages: SseMessage[] = [];
    for (const ch of text) messages.push(...parser.feed(ch));
    expect(messages).toEqual([
      { id: "7", event: "scene", data: "a\nb" },
      { id: "8", event: "message", data: "c" },
    ]);
    expect(parser.lastEventId).toBe("8");
  });

  it("keeps the last id for events without one and reads retry", () => {
    const parser = new SseParser();
    const messages = parser.feed("id: 1-0\ndata: x\n\nretry: 250\ndata: y\n\n");
    expect(messages.map((m) => m.id)).toEqual(["1-0", "1-0"]);
    expect(parser.retry).toBe(250);
  });
});

describe("connectSse", () => {
  it("reconnects with Last-Event-ID and delivers each event once", async () => {
    const { impl, calls } = scriptedFetch([
      () => new Response(stream([event(1, "queued"), event(2, "rendering").slice(0, 20)], { fail: true })),
      () => new Response("busy", { status: 503 }),
      () => new Response(stream([event(2, "rendering"), event(3, "ready")])),
    ]);
    const seen: SseMessage[] = [];
    const states: SseState[] = [];
    const sleeps: number[] = [];
    const connection = connectSse("/api/tutor/sessions/ses_1/events", {
      fetchImpl: impl,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onMessage: (m) => seen.push(m),
      onState: (s) => states.push(s),
    });
    await until(() => seen.length === 3);
    connection.close();
    expect(seen.map((m) => m.id)).toEqual(["1", "2", "3"]);
    expect(calls[0]?.["Last-Event-ID"]).toBeUndefined();
    expect(calls[1]?.["Last-Event-ID"]).toBe("1");
    expect(calls[2]?.["Last-Event-ID"]).toBe("1");
    expect(connection.lastEventId).toBe("3");
    expect(states).toContain("reconnecting");
    // Backs off between failed attempts.
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Infinity);
  });

  it("resumes after an id given by the caller", async () => {
    const { impl, calls } = scriptedFetch([() => new Response(stream([event(5, "ready")]))]);
    const seen: string[] = [];
    const connection = connectSse("/e", {
      fetchImpl: impl,
      sleep: async () => {},
      lastEventId: "4",
      onMessage: (m) => seen.push(m.id ?? ""),
    });
    await until(() => seen.length === 1);
    connection.close();
    expect(calls[0]?.["Last-Event-ID"]).toBe("4");
  });

  it("stops on a 404 instead of retrying forever", async () => {
    const { impl, calls } = scriptedFetch([
      () => new Response('{"error":"NotFound"}', { status: 404 }),
      () => new Response(stream([event(1, "queued")])),
    ]);
    let fatal: number | null = null;
    const states: SseState[] = [];
    connectSse("/e", {
      fetchImpl: impl,
      sleep: async () => {},
      onMessage: () => {},
      onFatal: (status) => {
        fatal = status;
      },
      onState: (s) => states.push(s),
    });
    await until(() => states.includes("closed"));
    expect(fatal).toBe(404);
    expect(calls.length).toBe(1);
  });

  it("delivers nothing after close()", async () => {
    let release: (() => void) | null = null;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const impl = (async () => {
      await gate;
      return new Response(stream([event(1, "queued")]));
    }) as unknown as typeof fetch;
    const seen: SseMessage[] = [];
    const connection = connectSse("/e", { fetchImpl: impl, sleep: async () => {}, onMessage: (m) => seen.push(m) });
    connection.close();
    (release as unknown as () => void)();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
  });
});
