import { describe, expect, it } from 'vitest';
import { countByLayer } from './layer-counts.ts';

describe('countByLayer', () => {
  it('counts devices per layer and lists every layer once', () => {
    const counts = countByLayer([{ layer: 'air' }, { layer: 'air' }, { layer: 'water' }, {}]);
    expect(counts.find((c) => c.name === 'Air quality')?.count).toBe(2);
    expect(counts.find((c) => c.name === 'Water network')?.count).toBe(1);
    expect(counts.find((c) => c.name === 'Noise')?.count).toBe(0);
    expect(new Set(counts.map((c) => c.name)).size).toBe(counts.length);
  });
});
