import { describe, expect, it } from 'vitest';
import { createGridCity } from './city.ts';

describe('createGridCity', () => {
  it('generates the same devices for the same seed', () => {
    const a = createGridCity({ seed: 7, devices: 50 });
    const b = createGridCity({ seed: 7, devices: 50 });
    expect(a.devices).toEqual(b.devices);
    expect(createGridCity({ seed: 8, devices: 50 }).devices).not.toEqual(a.devices);
  });

  it('places every generated device in a district and a grid cell of that district', () => {
    const city = createGridCity({ seed: 3, devices: 300 });
    const ids = new Set(city.regions.map((r) => r.id));
    for (const device of city.devices) {
      const placement = city.place(device.lat, device.lon);
      expect(ids.has(placement.district!)).toBe(true);
      expect(placement.grid!.startsWith(`${placement.district}-`)).toBe(true);
      const cell = city.regions.find((r) => r.id === placement.grid)!;
      expect(device.lon).toBeGreaterThanOrEqual(cell.bbox[0]);
      expect(device.lat).toBeGreaterThanOrEqual(cell.bbox[1]);
      expect(device.lon).toBeLessThanOrEqual(cell.bbox[2]);
      expect(device.lat).toBeLessThanOrEqual(cell.bbox[3]);
    }
  });

  it('places a point outside the city nowhere', () => {
    const city = createGridCity();
    expect(city.place(0, 0)).toEqual({});
  });

  it('gives every device a unique id that a device may use', () => {
    const city = createGridCity({ devices: 1000 });
    const ids = city.devices.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  });
});
