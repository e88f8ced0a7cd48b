"use client";

import { Player, type PlayerRef } from "@remotion/player";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { SESSION_STATUS_LABEL } from "@/lib/format";
import { mergeDetail, mergeScene, mergeSession } from "@/lib/session";
import { connectSse, type SseState } from "@/lib/sse";
import { composeTimeline, formatTime, segmentAt } from "@/lib/timeline";
import type { Scene, SessionDetail, SessionOut } from "@/lib/types";
import { PROXY_PREFIX, proxied } from "@/lib/urls";
import { type Cue, parseVtt } from "@/lib/vtt";

import { ExportPanel } from "./ExportPanel";
import { LessonComposition, type LessonProps } from "./LessonComposition";
import { SceneCard } from "./SceneCard";

const SUBTITLES_KEY = "tutor.subtitles";

export function LessonView({ initial }: { initial: SessionDetail }) {
  const [session, setSession] = useState(initial);
  const [live, setLive] = useState<SseState>("connecting");
  const [liveError, setLiveError] = useState<string | null>(null);
  const [cues, setCues] = useState<Record<string, Cue[]>>({});
  const [showSubtitles, setShowSubtitles] = useState(true);
  const [frame, setFrame] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const player = useRef<PlayerRef>(null);
  const requested = useRef(new Set<string>());

  // Live updates: every status change of the session and its scenes.
  useEffect(() => {
    const connection = connectSse(`${PROXY_PREFIX}/sessions/${initial.id}/events`, {
      onMessage: (message) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        if (message.event === "scene") setSession((s) => mergeScene(s, data as Scene));
        else if (message.event === "session") setSession((s) => mergeSession(s, data as SessionOut));
      },
      onState: (state) => setLive(state),
      onFatal: (status) =>
        setLiveError(
          status === 401
            ? "You were signed out: sign in again to see live progress."
            : "Live progress stopped: this lesson is gone.",
        ),
    });
    return () => connection.close();
  }, [initial.id]);

  useEffect(() => {
    const saved = window.localStorage.getItem(SUBTITLES_KEY);
    if (saved !== null) setShowSubtitles(saved === "1");
  }, []);

  const timeline = useMemo(() => composeTimeline(session, proxied), [session]);

  // Subtitles of each playable chunk, loaded once per version.
  useEffect(() => {
    for (const segment of timeline.segments) {
      const { src, subtitlesUrl } = segment;
      if (!src || !subtitlesUrl || requested.current.has(src)) continue;
      requested.current.add(src);
      fetch(subtitlesUrl, { cache: "force-cache" })
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((text) => setCues((c) => ({ ...c, [src]: parseVtt(text) })))
        .catch(() => setCues((c) => ({ ...c, [src]: [] })));
    }
  }, [timeline]);

  useEffect(() => {
    const ref = player.current;
    if (!ref) return;
    const onFrame = (e: { detail: { frame: number } }) => setFrame(e.detail.frame);
    ref.addEventListener("frameupdate", onFrame);
    ref.addEventListener("seeked", onFrame);
    return () => {
      ref.removeEventListener("frameupdate", onFrame);
      ref.removeEventListener("seeked", onFrame);
    };
  }, []);

  // Before the first play a scene's first frame is often black (it fades in): show
  // what the lesson is instead. Clicks pass through to the player.
  const atStart = frame === 0;
  const renderPoster = useCallback(
    () =>
      atStart ? (
        <div className="player-poster" aria-hidden="true">
          <p className="player-poster-title">{session.title}</p>
          <p className="player-poster-hint">▶ Press play</p>
        </div>
      ) : null,
    [session.title, atStart],
  );
  const ready = session.scenes.filter((s) => s.status === "ready").length;
  // Scenes appear as the plan records them: until then, count the ones asked for.
  const total = Math.max(session.scenes.length, session.sceneCount ?? 0);
  const current = segmentAt(timeline, frame);
  const inputProps: LessonProps = useMemo(
    () => ({ segments: timeline.segments, cues, showSubtitles }),
    [timeline.segments, cues, showSubtitles],
  );

  const seekTo = useCallback(
    (sceneId: string) => {
      const segment = timeline.segments.find((s) => s.sceneId === sceneId);
      if (!segment || !player.current) return;
      player.current.seekTo(segment.from);
      setFrame(segment.from);
      setAnnouncement(`Scene ${segment.index + 1}: ${segment.title}`);
    },
    [timeline.segments],
  );

  const toggleSubtitles = () => {
    setShowSubtitles((on) => {
      window.localStorage.setItem(SUBTITLES_KEY, on ? "0" : "1");
      return !on;
    });
  };

  return (
    <div className="lesson">
      <div className="lesson-head">
        <div>
          <h1>{session.title}</h1>
          <p className="muted">“{session.prompt}”</p>
        </div>
        <div className="lesson-badges">
          <span className={`pill status-${session.status}`} data-session-status={session.status}>
            {SESSION_STATUS_LABEL[session.status]}
            {total ? ` · ${ready}/${total} scenes` : ""}
          </span>
          <span className={`live live-${live}`} title="Live progress from the server">
            <span className="dot" aria-hidden="true" />
            {live === "open" ? "Live" : live === "closed" ? "Offline" : "Connecting…"}
          </span>
        </div>
      </div>
      {session.outline ? (
        <div className="notice warn outline-notice" role="note" data-outline="true">
          <p>
            <strong>An outline, not a full lesson.</strong>{" "}
            {session.notice ?? "The built-in offline tutor does not know this topic, so it made an outline of how to study it."}
          </p>
          {session.notice?.includes("TUTOR_AGENT") ? null : (
            <p className="small">
              For a full lesson on any topic, run the server with a language model agent (<code>TUTOR_AGENT=openai</code>).
            </p>
          )}
        </div>
      ) : null}
      {session.status === "error" && session.errorMessage ? (
        <p className="notice error" role="alert">
          {session.errorMessage}
        </p>
      ) : null}
      {liveError ? (
        <p className="notice warn" role="alert">
          {liveError}
        </p>
      ) : null}
      <div className="lesson-grid">
        <section className="player-col" aria-label="Player">
          <div className="player-frame">
            <Player
              ref={player}
              component={LessonComposition}
              inputProps={inputProps}
              durationInFrames={timeline.durationInFrames}
              fps={timeline.fps}
              compositionWidth={timeline.width}
              compositionHeight={timeline.height}
              controls
              clickToPlay
              doubleClickToFullscreen
              spaceKeyToPlayOrPause
              showVolumeControls
              allowFullscreen
              style={{ width: "100%", aspectRatio: `${timeline.width} / ${timeline.height}` }}
              renderPoster={renderPoster}
              showPosterWhenUnplayed
              acknowledgeRemotionLicense
            />
          </div>
          <div className="player-bar">
            <p className="time" data-frame={frame} aria-live="off">
              {formatTime(frame / timeline.fps)} / {formatTime(timeline.durationInFrames / timeline.fps)}
              {current ? ` · Scene ${current.index + 1} of ${timeline.segments.length}` : ""}
            </p>
            <button
              type="button"
              className="button ghost small"
              aria-pressed={showSubtitles}
              onClick={toggleSubtitles}
            >
              Subtitles {showSubtitles ? "on" : "off"}
            </button>
          </div>
          <p className="sr-only" role="status" aria-live="polite">
            {announcement}
          </p>
          <ExportPanel session={session} />
        </section>
        <section className="scenes-col" aria-labelledby="scenes-heading">
          <h2 id="scenes-heading">Scenes</h2>
          {session.scenes.length === 0 ? (
            <div className="empty card" role="status">
              <span className="spinner" aria-hidden="true" />{" "}
              {session.status === "error" ? "No scenes were made." : "Planning the scenes…"}
            </div>
          ) : (
            <ol className="scene-list">
              {session.scenes.map((scene) => (
                <SceneCard
                  key={scene.id}
                  scene={scene}
                  fps={session.fps}
                  playing={current?.sceneId === scene.id}
                  onSeek={() => seekTo(scene.id)}
                  onSession={(detail) => setSession((s) => mergeDetail(s, detail))}
                  onScene={(updated) => setSession((s) => mergeScene(s, updated))}
                />
              ))}
            </ol>
          )}
        </section>
      </div>
    </div>
  );
}
