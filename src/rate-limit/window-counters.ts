/**
 * The counts of one instance, per subject (a key or a client address) and fixed window, and
 * what it last learnt of the whole fleet's. Pure bookkeeping: no I/O, no clock of its own,
 * so the request path only touches a Map, and ./shared-counts.ts does the talking to MongoDB.
 *
 * Fixed windows (epoch-aligned, so every instance agrees on them): the count, the reset time
 * and Retry-After are exact and cheap, and one document per subject and window is all the
 * instances need to share. A client may spend one limit at the end of a window and the next
 * one at the start of the following window; that burst is the known price of fixed windows.
 */
export interface WindowCounter {
  readonly subject: string;
  readonly window: number;
  /** The subject's limit when it was last counted (a key's override may change mid-window). */
  limit: number;
  /** Counted here, not yet sent to the shared document. */
  unsynced: number;
  /** Sent, the reply not yet in. */
  sending: number;
  /** The fleet's total as last read (what this instance sent included). */
  fleet: number;
  /**
   * How many more this instance may count before its next read: its share of what the fleet
   * has left. Infinity while it knows nothing better (no read yet, or the database is away).
   */
  share: number;
  /** Counted here since the share was computed. */
  sinceShare: number;
  /** Instances that counted this subject in this window (self included), from the last read. */
  instances: number;
}

export class WindowCounters {
  private readonly counters = new Map<string, WindowCounter>();
  /** Instances seen per subject in the previous window: a new window starts with that share. */
  private readonly lastInstances = new Map<string, number>();
  /**
   * Instances alive in the fleet (heartbeats in the shared counts), whether or not they have
   * met a subject yet. A subject this instance meets for the first time gets a fair split of
   * the limit among them, not the whole limit: otherwise a burst spread over N instances could
   * pass N limits before the first read.
   */
  fleetInstances = 1;

  constructor(readonly windowMs: number) {}

  windowOf(nowMs: number): number {
    return Math.floor(nowMs / this.windowMs);
  }

  windowEndMs(window: number): number {
    return (window + 1) * this.windowMs;
  }

  /** The subject's counter for the current window, if it has one. */
  peek(subject: string, window: number): WindowCounter | undefined {
    const counter = this.counters.get(subject);
    return counter && counter.window === window ? counter : undefined;
  }

  /** The subject's counter for `window`, started fresh when the window moved on. */
  counter(subject: string, window: number, limit: number): WindowCounter {
    let counter = this.counters.get(subject);
    if (counter?.window === window) {
      counter.limit = limit;
      return counter;
    }
    if (counter) this.lastInstances.set(subject, counter.instances);
    const instances = Math.max(this.lastInstances.get(subject) ?? 1, this.fleetInstances);
    counter = {
      subject,
      window,
      limit,
      unsynced: 0,
      sending: 0,
      fleet: 0,
      // Until the first read of this window, as many as a fair split among the instances alive
      // (or that counted it last window): an instance that joins a busy subject cannot admit a
      // whole limit alone.
      share: instances > 1 ? Math.ceil(limit / instances) : Infinity,
      sinceShare: 0,
      instances,
    };
    this.counters.set(subject, counter);
    return counter;
  }

  /** The fleet-wide count as this instance knows it. */
  static estimate(counter: WindowCounter | undefined): number {
    return counter ? counter.fleet + counter.sending + counter.unsynced : 0;
  }

  /** Whether one more fits under `limit`, fleet-wide and within this instance's share. */
  static fits(counter: WindowCounter, limit: number): boolean {
    return WindowCounters.estimate(counter) < limit && counter.sinceShare < counter.share;
  }

  static add(counter: WindowCounter): void {
    counter.unsynced += 1;
    counter.sinceShare += 1;
  }

  /** Counters of the current window; older ones are dropped (their window has ended). */
  current(window: number): WindowCounter[] {
    const live: WindowCounter[] = [];
    for (const [subject, counter] of this.counters) {
      if (counter.window === window) live.push(counter);
      else {
        this.counters.delete(subject);
        this.lastInstances.set(subject, counter.instances);
      }
    }
    // A subject quiet for a whole window no longer needs its history.
    if (this.lastInstances.size > this.counters.size * 2 + 1000) {
      for (const subject of this.lastInstances.keys()) if (!this.counters.has(subject)) this.lastInstances.delete(subject);
    }
    return live;
  }

  /** Whether `counter` is still the live one for its subject (the window may have moved on). */
  isLive(counter: WindowCounter): boolean {
    return this.counters.get(counter.subject) === counter;
  }

  /**
   * A read of the shared document came back: `fleet` includes everything this instance sent.
   * The share is what is left divided among the instances that count this subject, so that
   * together they overshoot by at most one call each (rounding up) until the next read.
   */
  static learn(counter: WindowCounter, fleet: number, instances: number, fleetInstances = 1): void {
    counter.fleet = fleet;
    counter.sending = 0;
    counter.instances = Math.max(1, instances);
    // Instances alive that have not counted this subject yet may start with their first split;
    // dividing by them too keeps what is left for them (at worst the key fills a little more
    // slowly, over a few reads, when its traffic reaches one instance only).
    const sharing = Math.max(counter.instances, fleetInstances);
    // With others counting too, half a fair split: the others read at other moments and may
    // still hold shares from before this read, which the split cannot see; halving lets those
    // land before this instance spends what is left (shares shrink geometrically towards the
    // limit instead of overshooting it by a sync interval's traffic).
    const left = Math.max(0, counter.limit - fleet);
    counter.share = sharing > 1 ? Math.ceil(left / (2 * sharing)) : left;
    // Calls counted while the read was under way were not in it: they use up the new share.
    counter.sinceShare = counter.unsynced;
  }

  /**
   * The database did not answer: limit on own counts until it does. What was sent is sent
   * again, unless it is known to have landed (the read failed, not the write).
   */
  static failed(counter: WindowCounter, landed: boolean): void {
    if (landed) counter.fleet += counter.sending;
    else counter.unsynced += counter.sending;
    counter.sending = 0;
    counter.share = Infinity;
  }
}
