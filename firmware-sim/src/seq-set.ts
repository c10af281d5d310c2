/**
 * A set of sequence numbers kept as sorted, disjoint ranges. A device's acknowledged seqs are
 * almost always consecutive, so a long run costs a handful of ranges instead of one number each.
 */
export class SeqSet {
  /** Flat [start0, end0, start1, end1, ...], inclusive, sorted, non-touching. */
  #ranges: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(seq: number): void {
    const r = this.#ranges;
    const n = r.length;
    // Fast path: appending at or just after the last range.
    if (n === 0 || seq > r[n - 1]! + 1) {
      r.push(seq, seq);
      this.#size++;
      return;
    }
    if (seq === r[n - 1]! + 1) {
      r[n - 1] = seq;
      this.#size++;
      this.#mergeAt(n - 2);
      return;
    }
    const i = this.#rangeIndexFor(seq);
    if (i < n && seq >= r[i]! && seq <= r[i + 1]!) return;
    if (i < n && seq === r[i]! - 1) {
      r[i] = seq;
      this.#size++;
      this.#mergeAt(i - 2);
      return;
    }
    if (i > 0 && seq === r[i - 1]! + 1) {
      r[i - 1] = seq;
      this.#size++;
      this.#mergeAt(i - 2);
      return;
    }
    r.splice(i, 0, seq, seq);
    this.#size++;
  }

  has(seq: number): boolean {
    const i = this.#rangeIndexFor(seq);
    return i < this.#ranges.length && seq >= this.#ranges[i]! && seq <= this.#ranges[i + 1]!;
  }

  /** Every member, ascending. */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#ranges.length; i += 2) {
      for (let s = this.#ranges[i]!; s <= this.#ranges[i + 1]!; s++) out.push(s);
    }
    return out;
  }

  /** The members as inclusive [start, end] ranges, ascending. */
  ranges(): Array<[start: number, end: number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.#ranges.length; i += 2) {
      out.push([this.#ranges[i]!, this.#ranges[i + 1]!]);
    }
    return out;
  }

  /** Index (even) of the first range whose end is >= seq, or the length when none is. */
  #rangeIndexFor(seq: number): number {
    let lo = 0;
    let hi = this.#ranges.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ranges[mid * 2 + 1]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo * 2;
  }

  /** Joins the range at index i with the next one when they now touch. */
  #mergeAt(i: number): void {
    const r = this.#ranges;
    if (i < 0 || i + 2 >= r.length) return;
    if (r[i + 1]! + 1 >= r[i + 2]!) {
      r[i + 1] = Math.max(r[i + 1]!, r[i + 3]!);
      r.splice(i + 2, 2);
    }
  }
}
