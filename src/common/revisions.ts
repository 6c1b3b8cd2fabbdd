import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';

/**
 * A counter per cached domain, bumped by every write. One poller per instance reads all the
 * counters and reloads each cache whose counter moved: that is how a change made through one
 * instance reaches every other instance behind the load balancer within the poll interval,
 * on any MongoDB (the stand-in has no change streams).
 */
export type RevisionName = 'entities' | 'security' | 'credentials';

interface RevisionDoc {
  _id: RevisionName;
  rev: number;
}

const revisionSchema = new Schema<RevisionDoc>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true } },
  { versionKey: false, collection: 'revisions' },
);

export class Revisions {
  private readonly model: Model<RevisionDoc>;

  constructor(connection: Connection) {
    this.model = connection.models.Revision ?? connection.model<RevisionDoc>('Revision', revisionSchema);
  }

  async read(name: RevisionName): Promise<number> {
    const doc = await this.model.findById(name).lean();
    return doc?.rev ?? 0;
  }

  /** Several counters in one query; a counter never bumped reads 0. */
  async readMany(names: readonly RevisionName[]): Promise<Map<RevisionName, number>> {
    const docs = await this.model.find({ _id: { $in: names } }).lean();
    const revisions = new Map<RevisionName, number>(names.map((name) => [name, 0]));
    for (const doc of docs) revisions.set(doc._id, doc.rev);
    return revisions;
  }

  async bump(name: RevisionName): Promise<number> {
    const doc = await this.model
      .findOneAndUpdate({ _id: name }, { $inc: { rev: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean();
    return doc?.rev ?? 0;
  }
}

/** A cache the poller keeps fresh (see PolledCache). */
export interface RevisionWatcher {
  readonly revisionName: RevisionName;
  /** Called on every poll with the counter's current value; reloads when it moved. */
  revisionSeen(revision: number): Promise<void>;
}

/**
 * The one timer of an instance: each interval reads every watched counter in one query and
 * hands each cache its own. Only the read is never doubled up; a cache's reload runs on its
 * own, so one slow reload does not hold back the others' freshness.
 */
export class RevisionPoller {
  private readonly revisions: Revisions;
  private readonly names: RevisionName[];
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    connection: Connection,
    private readonly caches: readonly RevisionWatcher[],
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {
    this.revisions = new Revisions(connection);
    this.names = caches.map((cache) => cache.revisionName);
  }

  /** Starts polling; call once the caches have done their first load. */
  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    let revisions: Map<RevisionName, number>;
    try {
      revisions = await this.revisions.readMany(this.names);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'revision poll failed; caches serve their last load');
      return;
    } finally {
      this.reading = false;
    }
    for (const cache of this.caches) {
      cache
        .revisionSeen(revisions.get(cache.revisionName) ?? 0)
        .catch((err: Error) =>
          this.logger.debug({ cache: cache.revisionName, err: err.message }, 'cache reload failed; serving the last load'),
        );
    }
  }
}
