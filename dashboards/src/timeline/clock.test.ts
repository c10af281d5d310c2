import { describe, expect, it } from 'vitest';
import { clockActions, createClockStore, formatAgo, shownTime, SPANS } from './clock.ts';

const NOW = Date.parse('2026-11-29T12:00:00Z');

function clock() {
  let now = NOW;
  const store = createClockStore();
  const actions = clockActions(store, () => now);
  return { store, actions, advance: (ms: number) => (now += ms), now: () => now };
}

describe('the console clock', () => {
  it('is live by default and shows the present', () => {
    const { store } = clock();
    expect(store.getState().live).toBe(true);
    expect(shownTime(store.getState(), NOW)).toBe(NOW);
  });

  it('scrubs back within the span and clamps to it', () => {
    const { store, actions } = clock();
    actions.scrubTo(NOW - 3_600_000);
    expect(store.getState()).toMatchObject({ live: false, t: NOW - 3_600_000 });
    actions.scrubTo(NOW - 10 * 86_400_000);
    expect(store.getState().t).toBe(NOW - SPANS[2].ms);
  });

  it('goes live when scrubbed to the present or past it', () => {
    const { store, actions } = clock();
    actions.scrubTo(NOW - 60_000);
    actions.scrubTo(NOW + 60_000);
    expect(store.getState().live).toBe(true);
  });

  it('plays forward at its speed and goes live on reaching the present', () => {
    const { store, actions } = clock();
    actions.scrubTo(NOW - 600_000);
    actions.setSpeed(60);
    actions.play();
    actions.tick(5_000); // five wall seconds at 60x: five minutes of city time
    expect(store.getState().t).toBe(NOW - 300_000);
    actions.tick(5_000);
    expect(store.getState()).toMatchObject({ live: true, playing: false });
  });

  it('does not play while live', () => {
    const { store, actions } = clock();
    actions.play();
    expect(store.getState().playing).toBe(false);
  });

  it('steps by city time', () => {
    const { store, actions } = clock();
    actions.step(-900_000);
    actions.step(-900_000);
    actions.step(300_000);
    expect(store.getState().t).toBe(NOW - 1_500_000);
  });

  it('says how far back a moment is', () => {
    expect(formatAgo(NOW - 35 * 60_000, NOW)).toBe('-35 min');
    expect(formatAgo(NOW - 130 * 60_000, NOW)).toBe('-2 h 10 min');
    expect(formatAgo(NOW - (3 * 24 + 4) * 3_600_000, NOW)).toBe('-3 d 4 h');
    expect(formatAgo(NOW, NOW)).toBe('now');
  });
});
