import { Schema, Types, type Connection, type Model } from 'mongoose';

/** One failed API call, redacted before it was built (see ./redaction). */
export interface ErrorLogDoc {
  _id: Types.ObjectId;
  occurredAt: Date;
  /** The X-Request-Id the client got back. */
  requestId: string | null;
  endpoints: string[];
  operationName: string | null;
  clientIp: string | null;
  apiKeyHint: string | null;
  httpMethod: string;
  path: string;
  request: { query: string | null; variables: unknown; headers: Record<string, unknown> };
  response: { status: number; body: unknown };
  errorCodes: string[];
  /** True when parts of the request or response were cut to keep the record under its cap. */
  truncated: boolean;
  /**
   * How many calls the record stands for: absent (1) for an ordinary record; for rate-limit
   * refusals, the 429s of one key or address within one minute (see refusal-log.ts).
   */
  occurrences?: number;
  /** Identifies a refusal record by subject and minute, so that every instance counts into it. */
  aggregateKey?: string;
}

export function errorLogModel(connection: Connection, retentionDays: number): Model<ErrorLogDoc> {
  if (connection.models.ErrorLog) return connection.models.ErrorLog as Model<ErrorLogDoc>;
  const schema = new Schema<ErrorLogDoc>(
    {
      occurredAt: { type: Date, required: true },
      requestId: String,
      endpoints: [String],
      operationName: String,
      clientIp: String,
      apiKeyHint: String,
      httpMethod: String,
      path: String,
      request: { type: Schema.Types.Mixed },
      response: { type: Schema.Types.Mixed },
      errorCodes: [String],
      truncated: Boolean,
      occurrences: Number,
      aggregateKey: String,
    },
    { collection: 'error_logs', versionKey: false, minimize: false },
  );
  // Retention: MongoDB removes a record ERROR_LOG_RETENTION_DAYS after it occurred.
  schema.index({ occurredAt: 1 }, { expireAfterSeconds: retentionDays * 86400 });
  // Browsing is newest first, optionally narrowed by one of these.
  schema.index({ occurredAt: -1, _id: -1 });
  schema.index({ endpoints: 1, occurredAt: -1 });
  schema.index({ errorCodes: 1, occurredAt: -1 });
  schema.index({ 'response.status': 1, occurredAt: -1 });
  schema.index({ apiKeyHint: 1, occurredAt: -1 });
  schema.index({ operationName: 1, occurredAt: -1 });
  schema.index({ requestId: 1 });
  schema.index({ aggregateKey: 1 }, { unique: true, partialFilterExpression: { aggregateKey: { $exists: true } } });
  return connection.model<ErrorLogDoc>('ErrorLog', schema);
}
