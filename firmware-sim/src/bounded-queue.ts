/**
 * A first-in first-out queue with a fixed capacity: pushing onto a full queue drops the oldest
 * item and hands it back, so the caller can count what was lost. Backed by a ring buffer.
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  #items: Array<T | undefined>;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedQueue capacity must be a whole number >= 1 (got ${capacity})`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds an item at the back; returns the oldest item when it had to be dropped for room. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.#size === this.capacity) dropped = this.shift();
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return dropped;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Removes and returns up to `count` items from the front. */
  take(count: number): T[] {
    const out: T[] = [];
    while (out.length < count && this.#size > 0) out.push(this.shift() as T);
    return out;
  }
}
