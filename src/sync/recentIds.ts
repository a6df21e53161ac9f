// Segment archives repeat messageIds. Remembering every id of a billion-event backfill
// would not fit in memory, so we keep two generations of at most `capacity` ids each:
// any id among the last `capacity` seen is always remembered, and memory stays bounded.
// A duplicate farther back is sent again, which is harmless (every effect is idempotent).

export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 1_000_000) {}

  /** Marks `id` as seen; true when it had been seen already (a duplicate). */
  checkAndMark(id: string): boolean {
    if (this.current.has(id)) return true;
    const seenBefore = this.previous.has(id);
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
    return seenBefore;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
