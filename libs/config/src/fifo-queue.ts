// Drop the taken head of the array once it is this long and half the array: O(1) per take
// without an ever-growing array.
const COMPACT_AFTER = 1024;

/**
 * A first-in, first-out queue that takes from the head in O(1) (Array.shift is O(n), which a
 * queue of thousands of in-flight keep-alives or stream messages cannot afford).
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Takes the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Takes every item left, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
