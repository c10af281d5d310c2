import { describe, expect, it } from 'vitest';
import type { CityData, CityRegion } from '../api.ts';
import { createConsoleStore } from '../live/console-store.ts';
import { flyToAlert } from './fly-to-alert.ts';
import { makeAlert } from './test-alerts.ts';

const region = (id: string, patch: Partial<CityRegion>): CityRegion => ({
  index: 0,
  id,
  name: id,
  ring: [0, 0, 1, 0, 1, 1],
  ...patch,
});

const city = {
  systems: [{ id: 'policing', name: 'Policing' }],
  regions: [
    region('city', { level: 'city' }),
    region('d05', { level: 'district', parent: 'city' }),
    region('pol-036', { system: 'policing' }),
  ],
} as unknown as CityData;

const alert = makeAlert({
  place: { system: 'admin', id: 'd05', name: 'Central' },
  regions: { admin: { id: 'd05', name: 'Central' }, policing: { id: 'pol-036', name: 'Beat 36' } },
});

describe('flying to an incident', () => {
  it('drills into its district from the administrative view, and asks the camera to fly', () => {
    const store = createConsoleStore();
    store.setState({ city, focus: 'city' });
    expect(flyToAlert(store, alert)).toBe(true);
    expect(store.getState()).toMatchObject({ mode: 'hierarchy', focus: 'd05', flyVersion: 1 });
  });

  it('selects its region of the grid system on screen, staying in that system', () => {
    const store = createConsoleStore();
    store.setState({ city, mode: 'policing' });
    flyToAlert(store, alert);
    expect(store.getState()).toMatchObject({ mode: 'policing', selectedRegion: 'pol-036' });
  });

  it('leaves the view alone when the city knows none of its regions', () => {
    const store = createConsoleStore();
    store.setState({ city });
    const elsewhere = makeAlert({ place: { system: 'admin', id: 'x', name: 'X' }, regions: {} });
    expect(flyToAlert(store, elsewhere)).toBe(false);
    expect(store.getState()).toMatchObject({ focus: 'city', flyVersion: 0 });
  });
});
