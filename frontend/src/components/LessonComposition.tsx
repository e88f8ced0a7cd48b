"use client";

/**
 * The Remotion composition the Player shows: a Series of the ready scenes' chunks, with a
 * placeholder card for each scene that is not ready yet, and subtitles over the video.
 */
import { AbsoluteFill, Html5Video, interpolate, Series, useCurrentFrame, useVideoConfig } from "remotion";

import { SCENE_STATUS_LABEL, sceneProgress } from "@/lib/format";
import type { Segment } from "@/lib/timeline";
import { type Cue, cueTextAt } from "@/lib/vtt";

export interface LessonProps extends Record<string, unknown> {
  segments: Segment[];
  cues: Record<string, Cue[]>;
  showSubtitles: boolean;
}

export function LessonComposition({ segments, cues, showSubtitles }: LessonProps) {
  const { fps } = useVideoConfig();
  if (segments.length === 0) {
    return (
      <AbsoluteFill className="comp-card">
        <p className="comp-kicker">Planning the lesson…</p>
      </AbsoluteFill>
    );
  }
  return (
    <AbsoluteFill style={{ backgroundColor: "#0b0a1a" }}>
      <Series>
        {segments.map((segment) => (
          <Series.Sequence
            key={`${segment.sceneId}:${segment.kind}:${segment.version}`}
            durationInFrames={segment.durationInFrames}
            premountFor={fps}
            name={`Scene ${segment.index + 1}`}
          >
            {segment.kind === "video" && segment.src ? (
              <Html5Video
                src={segment.src}
                data-scene-index={segment.index}
                data-scene-version={segment.version}
                pauseWhenBuffering
              />
            ) : (
              <Placeholder segment={segment} total={segments.length} />
            )}
            {showSubtitles && segment.src && cues[segment.src] ? (
              <Captions cues={cues[segment.src] ?? []} fps={fps} />
            ) : null}
          </Series.Sequence>
        ))}
      </Series>
    </AbsoluteFill>
  );
}

function Captions({ cues, fps }: { cues: Cue[]; fps: number }) {
  const frame = useCurrentFrame();
  const text = cueTextAt(cues, frame / fps);
  if (!text) return null;
  return (
    <AbsoluteFill style={{ justifyContent: "flex-end", alignItems: "center", padding: "0 6% 11%" }}>
      <div className="comp-caption">{text}</div>
    </AbsoluteFill>
  );
}

function Placeholder({ segment, total }: { segment: Segment; total: number }) {
  const frame = useCurrentFrame();
  const failed = segment.status === "error";
  const progress = sceneProgress(segment.status);
  const shimmer = interpolate(frame % 45, [0, 45], [-30, 130]);
  return (
    <AbsoluteFill className={`comp-card${failed ? " failed" : ""}`}>
      <p className="comp-kicker">
        Scene {segment.index + 1} of {total}
      </p>
      <p className="comp-title">{segment.title || "Untitled scene"}</p>
      <p className="comp-status">
        {failed ? "This scene failed. Retry it from the scene list." : `${SCENE_STATUS_LABEL[segment.status]}…`}
      </p>
      {failed ? null : (
        <div className="comp-bar">
          <div className="comp-bar-fill" style={{ width: `${Math.round(progress * 100)}%` }} />
          <div className="comp-bar-shine" style={{ left: `${shimmer}%` }} />
        </div>
      )}
    </AbsoluteFill>
  );
}
