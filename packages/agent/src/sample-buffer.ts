/**
 * Samples waiting to be stored, oldest first, bounded: when full the oldest is dropped (the newest
 * say most about the host now) and counted. Samples are held as their JSON text: a re-send is the
 * same bytes with the same sample_id, and a day of backlog costs about 1 MB rather than 10.
 */
export interface BufferedSample {
  readonly sampleId: string;
  readonly json: string;
}

export class SampleBuffer {
  private items: BufferedSample[] = [];
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a whole number >= 1, not ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** Samples dropped since the buffer was made: overflow here, plus those counted by drop(). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Appends; returns how many of the oldest were dropped to make room (0 or 1). */
  add(sample: BufferedSample): number {
    this.items.push(sample);
    const overflow = this.items.length - this.capacity;
    if (overflow <= 0) return 0;
    this.items.splice(0, overflow);
    this.droppedCount += overflow;
    return overflow;
  }

  /** The oldest `count` samples, left in place until they are stored or dropped. */
  oldest(count: number): BufferedSample[] {
    return this.items.slice(0, count);
  }

  /** Removes the given samples (a stored batch); any that overflow already removed are skipped. */
  remove(batch: readonly BufferedSample[]): void {
    const ids = new Set(batch.map((sample) => sample.sampleId));
    this.items = this.items.filter((sample) => !ids.has(sample.sampleId));
  }

  /** Removes the given samples and counts them as dropped (a batch the server refused). */
  drop(batch: readonly BufferedSample[]): number {
    const before = this.items.length;
    this.remove(batch);
    const removed = before - this.items.length;
    this.droppedCount += removed;
    return removed;
  }

  /** Counts samples that never entered the buffer (invalid at collection). */
  countDropped(count: number): void {
    this.droppedCount += count;
  }
}
