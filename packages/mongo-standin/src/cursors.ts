import { calculateObjectSize, Long } from 'bson';
import { CommandError, cursorNotFound } from './errors';
import type { BsonDocument } from './values';

/** MongoDB's default first batch: 101 documents (or 16 MiB). */
export const DEFAULT_FIRST_BATCH = 101;
// Keeps each reply well under maxMessageSizeBytes (48 MB) even with large documents.
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
// Same idle timeout as mongod's cursorTimeoutMillis default.
const CURSOR_IDLE_MS = 10 * 60 * 1000;

interface OpenCursor {
  readonly ns: string;
  readonly docs: BsonDocument[];
  position: number;
  lastUsed: number;
}

export interface CursorReplyBody extends BsonDocument {
  cursor: { id: Long; ns: string; firstBatch?: BsonDocument[]; nextBatch?: BsonDocument[] };
}

/**
 * Server-side cursors over a materialised result. Results are computed once when the
 * cursor opens (stored documents are immutable, so this is a snapshot) and then handed
 * out batch by batch through `getMore`.
 */
export class CursorManager {
  private readonly cursors = new Map<number, OpenCursor>();
  // Random start so ids from a previous process are unlikely to be mistaken for live ones.
  private nextId = Math.floor(Math.random() * 1e9) + 1;

  /** Opens a cursor and returns the `{cursor: {firstBatch, id, ns}}` reply body. */
  open(ns: string, docs: BsonDocument[], batchSize: number | undefined, singleBatch = false): CursorReplyBody {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const firstBatch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (!singleBatch && cursor.position < docs.length) {
      id = this.nextId++;
      this.cursors.set(id, cursor);
    }
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns } };
  }

  getMore(id: number, ns: string, batchSize: number | undefined): CursorReplyBody {
    const cursor = this.cursors.get(id);
    if (!cursor) throw cursorNotFound(`cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        13,
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    // Without a batchSize mongod fills the batch up to the 16 MiB limit.
    const nextBatch = takeBatch(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    const done = cursor.position >= cursor.docs.length;
    if (done) this.cursors.delete(id);
    return { cursor: { nextBatch, id: Long.fromNumber(done ? 0 : id), ns } };
  }

  /** Kills cursors; reports which ids existed, in `killCursors` reply shape. */
  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed: number[] = [];
    const notFound: number[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Forgets cursors idle longer than mongod's default timeout. */
  sweep(now: number): void {
    for (const [id, cursor] of this.cursors) if (now - cursor.lastUsed > CURSOR_IDLE_MS) this.cursors.delete(id);
  }

  get openCount(): number {
    return this.cursors.size;
  }
}

// Stored documents are immutable, so their encoded size can be remembered across cursors.
const sizeCache = new WeakMap<BsonDocument, number>();

function encodedSize(doc: BsonDocument): number {
  let size = sizeCache.get(doc);
  if (size === undefined) {
    size = calculateObjectSize(doc);
    sizeCache.set(doc, size);
  }
  return size;
}

function takeBatch(cursor: OpenCursor, limit: number): BsonDocument[] {
  const batch: BsonDocument[] = [];
  let bytes = 0;
  while (batch.length < limit && cursor.position < cursor.docs.length) {
    const doc = cursor.docs[cursor.position];
    const size = encodedSize(doc);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(doc);
    bytes += size;
    cursor.position++;
  }
  return batch;
}
