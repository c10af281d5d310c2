import { describe, expect, it } from 'vitest';
import { createRandom } from '@sensegrid/twin';
import { SeqSet } from './seq-set.ts';

describe('SeqSet', () => {
  it('keeps a consecutive run as a single range', () => {
    const set = new SeqSet();
    for (let s = 1; s <= 10_000; s++) set.add(s);
    expect(set.size).toBe(10_000);
    expect(set.ranges()).toEqual([[1, 10_000]]);
  });

  it('holds the same members as a plain Set whatever the insertion order', () => {
    const random = createRandom(3);
    const set = new SeqSet();
    const plain = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const seq = 1 + Math.floor(random() * 1000);
      set.add(seq);
      plain.add(seq);
    }
    expect(set.toArray()).toEqual([...plain].sort((a, b) => a - b));
    expect(set.size).toBe(plain.size);
    expect(set.has(0)).toBe(false);
    for (const seq of plain) expect(set.has(seq)).toBe(true);
  });

  it('merges ranges when the missing seq between them arrives', () => {
    const set = new SeqSet();
    [1, 2, 4, 5, 7].forEach((s) => set.add(s));
    expect(set.ranges()).toEqual([
      [1, 2],
      [4, 5],
      [7, 7],
    ]);
    set.add(3);
    set.add(6);
    expect(set.ranges()).toEqual([[1, 7]]);
  });
});
