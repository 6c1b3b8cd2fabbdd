import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { WindowCounters, type WindowCounter } from './window-counters';

/** The document of instance heartbeats, beside the windows (no subject can be named so). */
const HEARTBEATS = 'instances';

/** One subject's count in one window, summed over the instances (`by` holds each one's part). */
interface WindowDoc {
  _id: string;
  count: number;
  by: Record<string, number>;
  expiresAt: Date;
}

function windowModel(connection: Connection): Model<WindowDoc> {
  if (connection.models.RateLimitWindow) return connection.models.RateLimitWindow as Model<WindowDoc>;
  const schema = new Schema<WindowDoc>(
    {
      _id: { type: String, required: true },
      count: { type: Number, required: true },
      by: { type: Schema.Types.Mixed },
      expiresAt: { type: Date, required: true },
    },
    { collection: 'rate_limit_windows', versionKey: false, _id: false, id: false, minimize: false },
  );
  // A window's document is of no use once the window is over.
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return connection.model<WindowDoc>('RateLimitWindow', schema);
}

/**
 * Shares one instance's counts with the others through MongoDB, in the background: every
 * `syncMs`, one unordered bulk write stamps a heartbeat and `$inc`s each subject's new calls into its window's
 * document (upserted, TTL-expired), and one find reads back the fleet's totals for every
 * subject this instance counts. Two round trips per interval, however many keys; none on the
 * request path. A failed round leaves the counts to be sent next time, and the instance
 * limits on what it knows meanwhile.
 */
export class SharedCounts {
  private readonly model: Model<WindowDoc>;
  /** Names this instance's part in each document; random, so restarts never collide. */
  private readonly instance = randomBytes(6).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;
  private staleInstances: string[] = [];

  constructor(
    connection: Connection,
    private readonly counters: WindowCounters,
    private readonly logger: Logger,
    private readonly syncMs: number,
  ) {
    this.model = windowModel(connection);
  }

  async start(): Promise<void> {
    await this.model.init();
    // Announce this instance (and learn the others) before the first call is counted.
    await this.sync();
    this.timer ??= setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round; a round still under way is not doubled up. Exposed for tests. */
  sync(now = Date.now()): Promise<void> {
    this.running ??= this.round(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private docId(counter: WindowCounter): string {
    return `${counter.subject}|${this.counters.windowMs}|${counter.window}`;
  }

  /**
   * Every round also stamps this instance's heartbeat into one shared document, so every
   * instance knows how many share the fleet before it meets a key (see fleetInstances).
   */
  private heartbeat(now: number) {
    return {
      updateOne: {
        filter: { _id: HEARTBEATS },
        update: {
          $set: { [`by.${this.instance}`]: now },
          $max: { expiresAt: new Date(now + this.aliveMs() * 4) },
          $setOnInsert: { count: 0 },
        },
        upsert: true,
      },
    };
  }

  /** An instance silent for longer than this is taken as gone. */
  private aliveMs(): number {
    return Math.max(3 * this.syncMs, 2000);
  }

  private learnFleet(doc: WindowDoc | undefined, now: number): void {
    const stale: string[] = [];
    let alive = 0;
    for (const [id, seen] of Object.entries(doc?.by ?? {})) {
      if (now - seen <= this.aliveMs()) alive++;
      else stale.push(id);
    }
    this.counters.fleetInstances = Math.max(1, alive);
    // Instances that stopped leave their stamp behind; it goes once it is well past alive.
    this.staleInstances = stale.filter((id) => now - (doc?.by[id] ?? now) > 10 * this.aliveMs());
  }

  private async round(now: number): Promise<void> {
    const window = this.counters.windowOf(now);
    const live = this.counters.current(window);
    const expiresAt = new Date(this.counters.windowEndMs(window) + this.counters.windowMs);
    const updates: unknown[] = [this.heartbeat(now)];
    if (this.staleInstances.length > 0) {
      const unset = Object.fromEntries(this.staleInstances.map((id) => [`by.${id}`, '']));
      updates.push({ updateOne: { filter: { _id: HEARTBEATS }, update: { $unset: unset } } });
    }
    for (const counter of live) {
      if (counter.unsynced === 0) continue;
      counter.sending = counter.unsynced;
      counter.unsynced = 0;
      updates.push({
        updateOne: {
          filter: { _id: this.docId(counter) },
          update: {
            $inc: { count: counter.sending, [`by.${this.instance}`]: counter.sending },
            $setOnInsert: { expiresAt },
          },
          upsert: true,
        },
      });
    }
    let landed = false;
    try {
      await this.model.collection.bulkWrite(updates as never, { ordered: false });
      landed = true;
      const ids = [HEARTBEATS, ...live.map((counter) => this.docId(counter))];
      const docs = await this.model.find({ _id: { $in: ids } }).lean<WindowDoc[]>();
      const byId = new Map(docs.map((doc) => [doc._id, doc]));
      this.learnFleet(byId.get(HEARTBEATS), now);
      for (const counter of live) {
        if (!this.counters.isLive(counter)) continue;
        const doc = byId.get(this.docId(counter));
        const parts = doc?.by ?? {};
        const others = Object.keys(parts).filter((id) => id !== this.instance).length;
        WindowCounters.learn(counter, doc?.count ?? 0, others + 1, this.counters.fleetInstances);
      }
      if (this.failing) this.logger.info('rate limit counts are shared again');
      this.failing = false;
    } catch (err) {
      for (const counter of live) WindowCounters.failed(counter, landed);
      if (!this.failing) {
        this.logger.warn(
          { err: (err as Error).message },
          'rate limit counts cannot be shared: the database is not answering; each instance limits on its own counts',
        );
      }
      this.failing = true;
    }
  }
}
