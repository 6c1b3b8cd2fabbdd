import type { Socket } from 'node:net';
import type { Logger } from './logger';
import { MAX_MESSAGE_SIZE_BYTES } from './commands/admin';
import type { CommandContext, ConnectionInfo, ServerStats } from './commands/context';
import type { CursorManager } from './cursors';
import { runCommand } from './dispatcher';
import type { FailPoints } from './failpoints';
import { liveCollections } from './store/documents';
import type { Store } from './store/store';
import type { SessionRegistry } from './transactions/sessions';
import type { BsonDocument } from './values';
import { HEADER_SIZE, WireProtocolError, decodeMessage, encodeMsgReply, encodeOpReply, type WireRequest } from './wire';

export interface ConnectionDeps {
  store: Store;
  cursors: CursorManager;
  sessions: SessionRegistry;
  failPoints: FailPoints;
  server: ServerStats;
  logger?: Logger;
}

/**
 * One client socket: reassembles length-prefixed messages from the TCP stream, runs each
 * command synchronously and writes the reply. A malformed message closes this socket only;
 * other connections and the stored data are unaffected.
 */
export class WireConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;
  private readonly remote: string;
  private readonly info: ConnectionInfo;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.info = { id, remote: this.remote };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Resets from clients going away are routine; without a listener they would crash the process.
    socket.on('error', (err) => deps.logger?.debug({ err, connectionId: id }, 'MongoDB stand-in: socket error'));
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.socket.destroyed) {
      if (this.expected < 0) {
        if (this.buffered < 4) return;
        const length = this.peekLength();
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
          this.fail(new WireProtocolError(`invalid message length ${length}`));
          return;
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) return;
      // Concatenate once per complete message rather than on every chunk.
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      const message = all.subarray(0, this.expected);
      const rest = all.subarray(this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = -1;
      this.handleMessage(message);
    }
  }

  private peekLength(): number {
    if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0].readInt32LE(0);
  }

  private handleMessage(message: Buffer): void {
    let request: WireRequest;
    try {
      request = decodeMessage(message);
    } catch (err) {
      this.fail(err);
      return;
    }
    try {
      const reply = this.execute(request);
      if (reply === 'close') this.socket.destroy();
      else if (reply) this.socket.write(reply);
    } catch (err) {
      // Only reply encoding can get here (e.g. a result over the BSON size limit).
      this.replyWithError(request, err);
    }
  }

  /** The encoded reply, null when none is due (moreToCome), 'close' when a fail point drops the connection. */
  private execute(request: WireRequest): Buffer | null | 'close' {
    if (request.kind === 'msg') {
      const dbName = request.body.$db;
      const reply =
        typeof dbName === 'string'
          ? runCommand(request.body, this.context(dbName))
          : { ok: 0, errmsg: 'OP_MSG requests require a $db argument', code: 40571, codeName: 'Location40571' };
      if (reply === null) return 'close';
      return request.moreToCome ? null : encodeMsgReply(request.requestId, reply);
    }
    const { fullCollectionName } = request;
    if (!fullCollectionName.endsWith('.$cmd')) {
      return encodeOpReply(request.requestId, {
        ok: 0,
        errmsg: 'OP_QUERY is no longer supported. The client driver may require an upgrade.',
        code: 5739101,
        codeName: 'Location5739101',
      });
    }
    // Legacy commands may be wrapped as {$query: {...}, $readPreference: ...}.
    const query = request.query;
    const cmd = typeof query.$query === 'object' && query.$query !== null ? (query.$query as BsonDocument) : query;
    const dbName = fullCollectionName.slice(0, -'.$cmd'.length);
    const reply = runCommand(cmd, this.context(dbName));
    return reply === null ? 'close' : encodeOpReply(request.requestId, reply);
  }

  private context(dbName: string): CommandContext {
    const { store, cursors, sessions, failPoints, server } = this.deps;
    return {
      store,
      collections: liveCollections(store, dbName),
      cursors,
      sessions,
      failPoints,
      dbName,
      connection: this.info,
      server,
    };
  }

  private replyWithError(request: WireRequest, err: unknown): void {
    const reply = {
      ok: 0,
      errmsg: `failed to encode reply: ${(err as Error).message}`,
      code: 10334,
      codeName: 'BSONObjectTooLarge',
    };
    try {
      if (request.kind === 'msg' && !request.moreToCome) this.socket.write(encodeMsgReply(request.requestId, reply));
      if (request.kind === 'query') this.socket.write(encodeOpReply(request.requestId, reply));
    } catch (second) {
      this.fail(second);
    }
  }

  private fail(err: unknown): void {
    this.deps.logger?.warn(
      { err, connectionId: this.id, remote: this.remote },
      'MongoDB stand-in: closing connection after malformed message',
    );
    this.chunks = [];
    this.buffered = 0;
    this.socket.destroy();
  }
}
