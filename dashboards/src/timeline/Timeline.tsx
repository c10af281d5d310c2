import { useEffect, useState, type ChangeEvent } from 'react';
import { clock, consoleClock, useClock } from './console-clock.ts';
import { formatAgo, formatMoment, SPANS, SPEEDS } from './clock.ts';
import { useTimelineMarks, type TimelineMark } from './use-timeline-marks.ts';

/** Slider resolution: positions across the span. */
const STEPS = 1000;

/**
 * The timeline at the bottom of the city: live by default; drag back over hours or days and
 * the twin shows that moment; play forward at a chosen speed; one click back to live.
 */
export function Timeline() {
  const live = useClock((s) => s.live);
  const t = useClock((s) => s.t);
  const playing = useClock((s) => s.playing);
  const speed = useClock((s) => s.speed);
  const spanMs = useClock((s) => s.spanMs);
  const problem = useClock((s) => s.problem);
  const now = useNow(live ? 1000 : 5000);
  usePlayback(playing);
  useTimelineKeys();
  const marks = useTimelineMarks(now - spanMs, now);
  const shown = live ? now : t;
  const position = Math.round(((shown - (now - spanMs)) / spanMs) * STEPS);

  const onSlide = (e: ChangeEvent<HTMLInputElement>) => {
    const at = now - spanMs + (Number(e.target.value) / STEPS) * spanMs;
    clock.scrubTo(at);
  };

  return (
    <section
      className={`timeline ${live ? 'is-live' : 'is-history'}`}
      aria-label="Timeline"
      data-testid="timeline"
      data-live={live ? 'true' : 'false'}
      data-time={String(Math.round(shown))}
    >
      <button
        type="button"
        className={`live-button ${live ? 'on' : ''}`}
        onClick={() => clock.goLive()}
        title="Back to live (L)"
        aria-pressed={live}
      >
        <span className="live-dot" aria-hidden="true" /> LIVE
      </button>
      <button
        type="button"
        className="play-button"
        onClick={() => (playing ? clock.pause() : live ? clock.step(-spanMs / 4) : clock.play())}
        title={playing ? 'Pause (Space)' : 'Play forward (Space)'}
        aria-label={playing ? 'Pause' : 'Play'}
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <select
        aria-label="Playback speed"
        value={speed}
        onChange={(e) => clock.setSpeed(Number(e.target.value))}
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      <div className="track">
        <div className="marks" aria-hidden="true">
          {marks.map((mark) => (
            <Mark key={mark.id} mark={mark} from={now - spanMs} spanMs={spanMs} />
          ))}
        </div>
        <input
          type="range"
          min={0}
          max={STEPS}
          value={Math.max(0, Math.min(STEPS, position))}
          onChange={onSlide}
          aria-label="Time"
          aria-valuetext={live ? 'live' : formatMoment(shown, now)}
        />
      </div>
      <output className="moment" aria-live="polite">
        {problem && !live ? (
          <span className="problem" role="alert">
            {problem}
          </span>
        ) : live ? (
          'Live'
        ) : (
          <>
            <strong>{formatMoment(shown, now)}</strong>{' '}
            <span className="muted">{formatAgo(shown, now)}</span>
          </>
        )}
      </output>
      <select
        aria-label="Timeline span"
        value={spanMs}
        onChange={(e) => clock.setSpan(Number(e.target.value))}
      >
        {SPANS.map((s) => (
          <option key={s.ms} value={s.ms}>
            {s.label}
          </option>
        ))}
      </select>
    </section>
  );
}

function Mark({ mark, from, spanMs }: { mark: TimelineMark; from: number; spanMs: number }) {
  const left = ((mark.at - from) / spanMs) * 100;
  if (left < 0 || left > 100) return null;
  return (
    <span
      className={`mark sev-${mark.severity}`}
      style={{ left: `${left}%` }}
      title={mark.title}
      data-alert={mark.id}
      onClick={() => clock.scrubTo(mark.at + 60_000)}
    />
  );
}

/** The wall clock, refreshed every `everyMs`. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Moves the clock forward while playing, four steps a second. */
function usePlayback(playing: boolean): void {
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const at = performance.now();
      clock.tick(at - last);
      last = at;
    }, 250);
    return () => clearInterval(timer);
  }, [playing]);
}

/** l: back to live; p: play or pause; , and .: five minutes back or forward (Shift: an hour). */
function useTimelineKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const stepMs = e.shiftKey ? 3_600_000 : 300_000;
      if (e.key === 'l' || e.key === 'L') clock.goLive();
      else if (e.key === 'p') {
        const { playing } = consoleClock.getState();
        if (playing) clock.pause();
        else clock.play();
      } else if (e.key === ',' || e.key === '<') clock.step(-stepMs);
      else if (e.key === '.' || e.key === '>') clock.step(stepMs);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
