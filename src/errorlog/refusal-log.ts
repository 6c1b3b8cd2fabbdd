import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Logger } from 'pino';
import type { ErrorLogDoc } from './errorlog.model';

interface Pending {
  /** Built from the first refusal of the subject and minute this instance saw. */
  record: ErrorLogDoc;
  /** Refusals not yet added to the stored record. */
  count: number;
  minute: number;
}

const MINUTE_MS = 60_000;
/** Subjects held between flushes; a flood from more addresses than this is counted, not kept. */
const MAX_PENDING = 10_000;

/**
 * Rate-limit refusals (429) in the error log: one record per subject (key or address) and
 * minute, whatever the number of instances, with `occurrences` counting the refused calls. A
 * flood of refusals costs one record build per subject and minute and one upsert per subject
 * and flush, instead of a record each. The record is found again by `aggregateKey`, a digest
 * of subject and minute (unique), so instances add to the same one.
 */
export class RefusalLog {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private overflow = 0;

  constructor(
    private readonly model: Model<ErrorLogDoc>,
    private readonly logger: Logger,
    private readonly flushMs = 1000,
  ) {}

  /** Counts one refusal; `build` runs only for the first one of its subject and minute here. */
  count(subject: string, occurredAt: Date, build: () => ErrorLogDoc): void {
    const minute = Math.floor(occurredAt.getTime() / MINUTE_MS);
    const aggregateKey = createHash('sha256').update(`${subject}|${minute}`).digest('base64url');
    const held = this.pending.get(aggregateKey);
    if (held) {
      held.count += 1;
    } else if (this.pending.size >= MAX_PENDING) {
      this.overflow += 1;
      if (this.overflow === 1 || this.overflow % 1000 === 0) {
        this.logger.error({ dropped: this.overflow }, 'too many rate-limited subjects at once: refusals not recorded');
      }
      return;
    } else {
      this.pending.set(aggregateKey, { record: { ...build(), aggregateKey }, count: 1, minute });
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  /** Adds the counts held here to the stored records. Never throws; failed ones are kept. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  get held(): number {
    return this.pending.size;
  }

  private async write(): Promise<void> {
    const batch = [...this.pending.entries()];
    for (const [key, held] of batch) {
      // The count goes now; refusals arriving during the write start a new count on the same record.
      const count = held.count;
      held.count = 0;
      const { occurrences: _ignored, ...record } = held.record;
      try {
        await this.upsert(key, record, count);
        if (held.count === 0 && held.minute < Math.floor(Date.now() / MINUTE_MS)) this.pending.delete(key);
      } catch (err) {
        held.count += count;
        this.logger.warn({ err: (err as Error).message }, 'rate-limit refusals not yet recorded; will retry');
      }
    }
    for (const [key, held] of this.pending) {
      if (held.count === 0 && held.minute < Math.floor(Date.now() / MINUTE_MS)) this.pending.delete(key);
    }
    if ([...this.pending.values()].some((held) => held.count > 0) && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  private async upsert(aggregateKey: string, record: Omit<ErrorLogDoc, 'occurrences'>, count: number): Promise<void> {
    const write = () =>
      this.model.collection.updateOne({ aggregateKey }, { $setOnInsert: record, $inc: { occurrences: count } }, { upsert: true });
    try {
      await write();
    } catch (err) {
      // Two instances inserting the same record at once: the loser's upsert becomes an update.
      if ((err as { code?: number }).code !== 11000) throw err;
      await write();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
