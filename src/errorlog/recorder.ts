import { mongo, type Model } from 'mongoose';
import { storable } from './storable';
import type { Logger } from 'pino';
import type { ErrorLogDoc } from './errorlog.model';

export interface RecorderOptions {
  batchSize: number;
  /** How long a record may wait for others to share its batch. */
  flushIntervalMs: number;
  /** Records kept in memory while MongoDB is unreachable; more are dropped and counted. */
  maxBuffered: number;
  /** Pause before retrying a failed batch; doubles up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export const DEFAULT_RECORDER_OPTIONS: RecorderOptions = {
  batchSize: 200,
  flushIntervalMs: 25,
  maxBuffered: 10_000,
  retryDelayMs: 200,
  maxRetryDelayMs: 5_000,
};

/**
 * Writes error records off the response path: `enqueue` never waits and never throws.
 * One writer drains the buffer in bounded `insertMany` batches; when MongoDB is down the
 * batch stays at the head of the buffer and is retried with backoff. Overflow is counted
 * and logged, never silent.
 */
export class ErrorLogRecorder {
  private buffer: ErrorLogDoc[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private stopped = false;
  dropped = 0;
  written = 0;

  constructor(
    private readonly model: Model<ErrorLogDoc>,
    private readonly logger: Logger,
    private readonly options: RecorderOptions = DEFAULT_RECORDER_OPTIONS,
  ) {
    this.delay = options.retryDelayMs;
  }

  get pending(): number {
    return this.buffer.length;
  }

  enqueue(record: ErrorLogDoc): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.logger.error(
          { dropped: this.dropped, buffered: this.buffer.length },
          'error log buffer full: failed-call records are being dropped',
        );
      }
      return;
    }
    this.buffer.push(record);
    this.schedule(this.buffer.length >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
  }

  private schedule(ms: number) {
    if (this.writing || this.stopped) return;
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, ms);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.buffer.length > 0 && !this.stopped) {
        const batch = this.buffer.slice(0, this.options.batchSize);
        try {
          // ordered:false: one bad record must not hold back the rest of its batch.
          await this.model.collection.insertMany(batch, { ordered: false });
          this.written += batch.length;
          this.delay = this.options.retryDelayMs;
        } catch (err) {
          const inserted = (err as { result?: { insertedCount?: number }; insertedCount?: number })?.result?.insertedCount ?? 0;
          const duplicateOnly = (err as { code?: number }).code === 11000;
          if (mongo.BSON.BSONError.isBSONError(err)) {
            // Nothing of the batch was sent: one record cannot be serialised. Retrying as is
            // would fail forever, so make each record storable (or drop it, counted).
            this.makeStorable(batch.length);
            continue;
          }
          if (duplicateOnly) {
            // A retry of a batch that partly landed: those records are already stored.
            this.written += inserted;
          } else {
            this.logger.warn(
              { err: (err as Error).message, pending: this.buffer.length, retryInMs: this.delay },
              'error log write failed; will retry',
            );
            await new Promise((r) => setTimeout(r, this.delay).unref());
            this.delay = Math.min(this.delay * 2, this.options.maxRetryDelayMs);
            continue;
          }
        }
        this.buffer.splice(0, batch.length);
      }
    } finally {
      this.writing = false;
      if (this.buffer.length > 0 && !this.stopped) this.schedule(this.options.flushIntervalMs);
    }
  }

  private makeStorable(count: number): void {
    let dropped = 0;
    const fixed: ErrorLogDoc[] = [];
    for (const record of this.buffer.slice(0, count)) {
      const ok = storable(record);
      if (ok) fixed.push(ok);
      else dropped++;
    }
    this.buffer.splice(0, count, ...fixed);
    if (dropped > 0) {
      this.dropped += dropped;
      // The record's content is not logged: it is exactly what could not be redacted safely.
      this.logger.error({ dropped }, 'error log records that cannot be stored as BSON were dropped');
    }
  }

  /** Waits until everything buffered is written (or `timeoutMs` passes). */
  async flush(timeoutMs = 5000): Promise<boolean> {
    const started = Date.now();
    while ((this.buffer.length > 0 || this.writing) && Date.now() - started < timeoutMs) {
      if (!this.writing) void this.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.buffer.length === 0;
  }

  async stop(timeoutMs = 3000): Promise<void> {
    const flushed = await this.flush(timeoutMs);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!flushed) this.logger.error({ lost: this.buffer.length }, 'error log records not written at shutdown');
  }
}
