import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { WindowCounters, type WindowCounter } from './window-counters';

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
 * `syncMs`, one unordered bulk write `$inc`s each subject's new calls into its window's
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

  private async round(now: number): Promise<void> {
    const window = this.counters.windowOf(now);
    const live = this.counters.current(window);
    if (live.length === 0) return;
    const expiresAt = new Date(this.counters.windowEndMs(window) + this.counters.windowMs);
    const updates = [];
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
      if (updates.length > 0) await this.model.collection.bulkWrite(updates as never, { ordered: false });
      landed = true;
      const docs = await this.model.find({ _id: { $in: live.map((counter) => this.docId(counter)) } }).lean<WindowDoc[]>();
      const byId = new Map(docs.map((doc) => [doc._id, doc]));
      for (const counter of live) {
        if (!this.counters.isLive(counter)) continue;
        const doc = byId.get(this.docId(counter));
        const parts = doc?.by ?? {};
        const others = Object.keys(parts).filter((id) => id !== this.instance).length;
        WindowCounters.learn(counter, doc?.count ?? 0, others + 1);
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
