/**
 * A Server-Sent Events client over fetch that reconnects with `Last-Event-ID`.
 *
 * Why not `EventSource`: it cannot tell a 404 (stop) from a dropped connection (retry),
 * and its reconnect is invisible to the page. This one reports its state, backs off,
 * stops on errors that will not heal, and resumes right after the last event it saw,
 * so nothing is missed and nothing is seen twice.
 */

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/** Incremental parser of a text/event-stream (the WHATWG rules tutor's server follows). */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  /** The last id the stream set (kept across events, as the spec says). */
  lastEventId: string | null = null;
  /** A `retry:` the server asked for, in milliseconds. */
  retry: number | null = null;

  /** Feed a chunk of text; returns the events it completed. */
  feed(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone "\r" at the end of the buffer may be the first half of "\r\n".
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return null;
      }
      const message = {
        id: this.lastEventId,
        event: this.event || "message",
        data: this.data.join("\n"),
      };
      this.data = [];
      this.event = "";
      return message;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) {
      this.id = value;
      this.lastEventId = value;
    } else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}

export type SseState = "connecting" | "open" | "reconnecting" | "closed";

export interface SseOptions {
  onMessage: (message: SseMessage) => void;
  onState?: (state: SseState, detail?: string) => void;
  /** Called once when the server answers with an error that retrying will not fix. */
  onFatal?: (status: number, detail: string) => void;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** First delay before reconnecting; it doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Resume after this id (e.g. kept from an earlier page view). */
  lastEventId?: string | null;
}

export interface SseConnection {
  close: () => void;
  /** The id of the last event delivered. */
  readonly lastEventId: string | null;
}

/** Statuses after which reconnecting cannot help (signed out, not found, not yours). */
const FATAL = new Set([400, 401, 403, 404, 410]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Open `url` as an event stream and keep it open until `close()`. */
export function connectSse(url: string, options: SseOptions): SseConnection {
  const fetchImpl = options.fetchImpl ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const initialDelay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 15000;
  let lastEventId = options.lastEventId ?? null;
  let closed = false;
  let controller: AbortController | null = null;

  const setState = (state: SseState, detail?: string) => {
    if (!closed || state === "closed") options.onState?.(state, detail);
  };

  async function run(): Promise<void> {
    let delay = initialDelay;
    let attempt = 0;
    while (!closed) {
      setState(attempt === 0 ? "connecting" : "reconnecting");
      attempt += 1;
      controller = new AbortController();
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      if (lastEventId !== null) headers["Last-Event-ID"] = lastEventId;
      try {
        const response = await fetchImpl(url, {
          headers,
          signal: controller.signal,
          cache: "no-store",
        });
        if (!response.ok || !response.body) {
          const detail = await response.text().catch(() => "");
          if (FATAL.has(response.status)) {
            closed = true;
            options.onFatal?.(response.status, detail);
            setState("closed", detail);
            return;
          }
          throw new Error(`event stream answered ${response.status}`);
        }
        setState("open");
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done || closed) break;
          for (const message of parser.feed(value)) {
            if (message.id !== null) lastEventId = message.id;
            delay = initialDelay;
            if (!closed) options.onMessage(message);
          }
          if (parser.retry !== null) delay = parser.retry;
        }
      } catch (error) {
        if (closed) break;
        setState("reconnecting", error instanceof Error ? error.message : String(error));
      }
      if (closed) break;
      await sleep(delay);
      delay = Math.min(delay * 2, maxDelay);
    }
    setState("closed");
  }

  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
