import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { Call } from '../call/call';
import { errorLogModel, type ErrorLogDoc } from './errorlog.model';
import { ErrorLogRecorder, DEFAULT_RECORDER_OPTIONS, type RecorderOptions } from './recorder';
import { buildRecord, callFailed } from './build-record';
import { RefusalLog } from './refusal-log';
import type { KnownKeys } from './redaction';

export interface ErrorLogOptions {
  enabled: boolean;
  retentionDays: number;
  maxRecordBytes: number;
  recorder?: Partial<RecorderOptions>;
  /** Recognises issued API keys so records keep only their hints (the credential store). */
  knownKeys?: KnownKeys;
}

/**
 * The error log: decides which calls failed, builds their redacted records after the
 * response has gone out, and hands them to the batching recorder.
 */
export class ErrorLogService {
  readonly model: Model<ErrorLogDoc>;
  readonly recorder: ErrorLogRecorder;
  readonly refusals: RefusalLog;

  constructor(
    connection: Connection,
    private readonly logger: Logger,
    private readonly options: ErrorLogOptions,
  ) {
    this.model = errorLogModel(connection, options.retentionDays);
    this.recorder = new ErrorLogRecorder(this.model, logger, { ...DEFAULT_RECORDER_OPTIONS, ...options.recorder });
    this.refusals = new RefusalLog(this.model, logger);
  }

  async start(): Promise<void> {
    await this.model.init();
  }

  /** Called once per API call after the response was written; never throws. */
  callDone(call: Call): void {
    if (!this.options.enabled || !call.response || !callFailed(call.response)) return;
    const occurredAt = new Date();
    const rateLimit = call.rateLimit;
    if (rateLimit?.refused) {
      // A flood of 429s is one record per key (or address) and minute, with its count.
      try {
        this.refusals.count(rateLimit.subject, occurredAt, () =>
          buildRecord(call, occurredAt, this.options.maxRecordBytes, this.options.knownKeys),
        );
      } catch (err) {
        this.logger.error({ err: (err as Error).message, path: call.request.path }, 'could not build an error log record');
      }
      return;
    }
    // Redaction is CPU work: let the event loop finish sending this response first.
    setImmediate(() => {
      try {
        this.recorder.enqueue(buildRecord(call, occurredAt, this.options.maxRecordBytes, this.options.knownKeys));
      } catch (err) {
        this.logger.error({ err: (err as Error).message, path: call.request.path }, 'could not build an error log record');
      }
    });
  }

  async stop(): Promise<void> {
    await this.refusals.stop();
    await this.recorder.stop();
  }
}
