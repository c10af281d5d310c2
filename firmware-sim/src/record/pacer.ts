/**
 * Waits until a message's moment in a replay: the recording's time since its first message,
 * divided by the speed, after the replay's start. Timers are coarse, so the last couple of
 * milliseconds are waited out on the event loop.
 */
export function createPacer(speed: number, firstT: number, startedAt = performance.now()) {
  return {
    /** When the message recorded at `t` is due, on the performance.now() clock. */
    dueAt(t: number): number {
      return startedAt + (t - firstT) / speed;
    },
    async waitFor(t: number): Promise<number> {
      const due = startedAt + (t - firstT) / speed;
      let left = due - performance.now();
      if (left > 4) await new Promise((resolve) => setTimeout(resolve, left - 3));
      left = due - performance.now();
      while (left > 0.2) {
        await new Promise((resolve) => setImmediate(resolve));
        left = due - performance.now();
      }
      return performance.now() - due;
    },
  };
}
