import { createStore } from 'zustand/vanilla';

/** Spans the timeline can show, newest at its right edge. */
export const SPANS = [
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 6 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
  { label: '7 d', ms: 7 * 24 * 3_600_000 },
] as const;

/** Playback speeds: seconds of city time per second of wall time. */
export const SPEEDS = [1, 10, 60, 600, 3600] as const;

/**
 * The console's clock: live by default; scrubbed or played back, it names the moment the twin,
 * the charts and the alerts show.
 */
export interface ClockState {
  live: boolean;
  /** The moment shown while not live, epoch ms. */
  t: number;
  playing: boolean;
  speed: number;
  spanMs: number;
  /** Why the moment shown could not be loaded, until one loads. */
  problem?: string;
}

export const createClockStore = () =>
  createStore<ClockState>(() => ({
    live: true,
    t: 0,
    playing: false,
    speed: 60,
    spanMs: SPANS[2].ms,
  }));

export type ClockStore = ReturnType<typeof createClockStore>;

/** The moment the console shows: now when live. */
export function shownTime(state: ClockState, now: number): number {
  return state.live ? now : state.t;
}

/** Actions over the clock; `now` is the wall clock (a parameter so tests can drive it). */
export function clockActions(store: ClockStore, now: () => number = Date.now) {
  const set = store.setState;
  const get = store.getState;
  return {
    /** Shows the moment `t` (clamped to the span and the present); the present is live. */
    scrubTo(t: number) {
      const at = now();
      const clamped = Math.max(at - get().spanMs, Math.min(at, t));
      if (clamped >= at) return this.goLive();
      set({ live: false, t: clamped });
    },
    /** Steps by `deltaMs` of city time (the arrow keys, the step buttons). */
    step(deltaMs: number) {
      this.scrubTo(shownTime(get(), now()) + deltaMs);
    },
    goLive() {
      set({ live: true, playing: false });
    },
    play() {
      if (get().live) return;
      set({ playing: true });
    },
    pause() {
      set({ playing: false });
    },
    setSpeed(speed: number) {
      set({ speed });
    },
    setSpan(spanMs: number) {
      set({ spanMs });
      if (!get().live) this.scrubTo(get().t);
    },
    /** Advances playback by `wallMs` of wall time; reaching the present goes live. */
    tick(wallMs: number) {
      const s = get();
      if (s.live || !s.playing) return;
      this.scrubTo(s.t + wallMs * s.speed);
    },
  };
}

export type ClockActions = ReturnType<typeof clockActions>;

/** "13:42:10", with the date when it is not today, for the timeline's label. */
export function formatMoment(t: number, now: number): string {
  const date = new Date(t);
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const day = date.toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  return sameDay ? time : `${day} ${time}`;
}

/** "-35 min", "-2 h 10 min", "-3 d 4 h": how far back the shown moment is. */
export function formatAgo(t: number, now: number): string {
  const minutes = Math.round((now - t) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `-${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `-${hours} h ${minutes % 60} min`;
  return `-${Math.floor(hours / 24)} d ${hours % 24} h`;
}
