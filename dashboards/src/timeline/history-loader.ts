import { fetchSigned } from '../auth/session.ts';
import { consoleClock } from './console-clock.ts';

export interface HistoryTarget {
  /** Shows a snapshot frame of a past moment. */
  showPast(frame: Uint8Array): void;
  /** The clock is live again: back to the live twin. */
  backToLive(): void;
}

/** The twin at `t` as a binary snapshot frame. */
export async function fetchTwinAt(t: number, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetchSigned(`/api/twin/at/frame?t=${Math.round(t)}`, { signal });
  if (!response.ok)
    throw new Error(`the twin at ${new Date(t).toISOString()}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Follows the console clock: while it shows the past, loads the twin at the moment shown
 * (one request at a time, the newest moment wins, so scrubbing never queues requests);
 * when it goes live, hands back to the live frames. Returns the stop function.
 */
export function followClock(target: HistoryTarget): () => void {
  let wanted: number | undefined;
  let loading = false;
  let controller: AbortController | undefined;
  let wasLive = consoleClock.getState().live;

  const load = async () => {
    if (loading) return;
    loading = true;
    try {
      while (wanted !== undefined) {
        const t = wanted;
        wanted = undefined;
        controller = new AbortController();
        try {
          const frame = await fetchTwinAt(t, controller.signal);
          // Only if the clock still shows the past (it may have gone live meanwhile).
          if (!consoleClock.getState().live) target.showPast(frame);
          if (consoleClock.getState().problem) consoleClock.setState({ problem: undefined });
        } catch (error) {
          if ((error as Error).name !== 'AbortError')
            consoleClock.setState({ problem: (error as Error).message });
        }
      }
    } finally {
      loading = false;
    }
  };

  const unsubscribe = consoleClock.subscribe((state) => {
    if (state.live) {
      wanted = undefined;
      controller?.abort();
      if (!wasLive) target.backToLive();
      wasLive = true;
      return;
    }
    wasLive = false;
    wanted = state.t;
    void load();
  });
  return () => {
    unsubscribe();
    controller?.abort();
  };
}
