import { performance } from 'node:perf_hooks';

/** What the scheduler needs from a sequence. */
export interface BatchMember {
  /** The time from which the sequence can take part in a decode step (prefill done, stall over). */
  readonly readyAt: number;
  /** The sequence got a batch slot at `now`; it sets `readyAt` to the end of its prefill. */
  admit(now: number): void;
  /** Emit one token. Returns `true` when the sequence is finished and leaves the batch. */
  emit(now: number): boolean;
}

/** Batch timing, read at every step so that `configure()` takes effect at once. */
export interface BatchTiming {
  readonly capacity: number;
  readonly stepMs: number;
  readonly stepMsPerSequence: number;
  readonly timeScale: number;
}

/**
 * Continuous batching as vLLM does it: at most `capacity` sequences hold a slot, the rest wait in FIFO
 * order, and a single loop runs decode steps that give one token to every ready sequence. One timer
 * drives the whole batch, so the cost per step is one pass over the batch whatever its size, and
 * each sequence's token goes out as one write per step.
 */
export class BatchScheduler<T extends BatchMember> {
  #waiting: T[] = [];
  #active = new Set<T>();
  #timing: () => BatchTiming;
  #cancelTimer: (() => void) | undefined;
  #timerAt = Infinity;
  /** Whether the last tick emitted tokens: a running step loop is not rescheduled by newcomers. */
  #stepping = false;
  #plannedAt = 0;
  #maxActive = 0;

  constructor(timing: () => BatchTiming) {
    this.#timing = timing;
  }

  get active(): number {
    return this.#active.size;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  get maxActive(): number {
    return this.#maxActive;
  }

  /** Start counting `maxActive` afresh from the current batch size. */
  resetMaxActive(): void {
    this.#maxActive = this.#active.size;
  }

  /** Queue a sequence; it is admitted at once when a slot is free. */
  enqueue(member: T): void {
    this.#waiting.push(member);
    this.#admit(performance.now());
    this.#wake();
  }

  /** Take a sequence out (its client went away), freeing its slot for the next in line. */
  remove(member: T): void {
    if (!this.#active.delete(member)) {
      const at = this.#waiting.indexOf(member);
      if (at !== -1) this.#waiting.splice(at, 1);
      return;
    }
    this.#admit(performance.now());
    this.#wake();
  }

  /** Stop the loop and hand back every sequence still queued or in the batch. */
  close(): T[] {
    this.#cancel();
    const members = [...this.#active, ...this.#waiting];
    this.#active.clear();
    this.#waiting = [];
    return members;
  }

  #admit(now: number): void {
    const { capacity } = this.#timing();
    while (this.#active.size < capacity) {
      const next = this.#waiting.shift();
      if (next === undefined) break;
      this.#active.add(next);
      next.admit(now);
    }
    if (this.#active.size > this.#maxActive) this.#maxActive = this.#active.size;
  }

  /** Make sure a tick comes no later than the earliest ready sequence, unless a step loop is running. */
  #wake(): void {
    if (this.#stepping && this.#cancelTimer) return;
    let earliest = Infinity;
    for (const member of this.#active) earliest = Math.min(earliest, member.readyAt);
    if (earliest < this.#timerAt) this.#schedule(earliest);
  }

  #tick(): void {
    this.#cancelTimer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    this.#admit(now);
    let emitted = 0;
    // Deleting the current entry while iterating a Set is safe and visits every other entry once.
    for (const member of this.#active) {
      if (member.readyAt > now) continue;
      emitted++;
      if (member.emit(now)) this.#active.delete(member);
    }
    this.#admit(now);
    this.#stepping = emitted > 0;
    if (this.#active.size === 0) return;
    if (emitted > 0) {
      const { stepMs, stepMsPerSequence, timeScale } = this.#timing();
      const duration = (stepMs + stepMsPerSequence * this.#active.size) * timeScale;
      // Plan from the previous plan so timer lateness does not add up, but never schedule a burst.
      this.#plannedAt = Math.max(this.#plannedAt + duration, now);
      this.#schedule(this.#plannedAt);
    } else {
      let earliest = Infinity;
      for (const member of this.#active) earliest = Math.min(earliest, member.readyAt);
      this.#plannedAt = earliest;
      this.#schedule(earliest);
    }
  }

  #schedule(at: number): void {
    this.#cancel();
    this.#timerAt = at;
    const delay = at - performance.now();
    if (delay < 1) {
      const handle = setImmediate(() => this.#tick());
      this.#cancelTimer = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(() => this.#tick(), delay);
      this.#cancelTimer = () => clearTimeout(handle);
    }
  }

  #cancel(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerAt = Infinity;
  }
}
