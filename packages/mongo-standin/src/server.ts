import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from './logger';
import type { ServerStats } from './commands/context';
import { WireConnection } from './connection';
import { CursorManager } from './cursors';
import { FailPoints } from './failpoints';
import { Store } from './store/store';
import { SessionRegistry } from './transactions/sessions';

export interface StandInOptions {
  /** Interface to bind; loopback by default so the stand-in is never reachable from outside. */
  host?: string;
  logger?: Logger;
  /** How often expired TTL documents and idle cursors are removed. mongod's TTL monitor runs every 60 s. */
  ttlMonitorIntervalMs?: number;
  /**
   * False makes the stand-in answer as a standalone mongod, which has no transactions or
   * retryable writes, to test how clients behave there. Default: a single-node replica set.
   */
  replicaSet?: boolean;
}

/**
 * An in-process server speaking the MongoDB wire protocol, for development and tests on
 * machines without mongod. It presents itself as the primary of a single-node replica set
 * with sessions, transactions and retryable writes. Data lives in memory only; the
 * package README lists what it does not do (durability, replication to other nodes, auth).
 */
export class StandInServer implements ServerStats {
  readonly store = new Store();
  readonly cursors = new CursorManager();
  readonly sessions = new SessionRegistry(this.store);
  readonly failPoints = new FailPoints();
  readonly host: string;
  readonly replicaSet: boolean;
  readonly startedAt = Date.now();
  private readonly logger: Logger | undefined;
  private readonly ttlIntervalMs: number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private connectionCount = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: StandInOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.logger = options.logger;
    this.ttlIntervalMs = options.ttlMonitorIntervalMs ?? 60_000;
    this.replicaSet = options.replicaSet ?? true;
  }

  /** Starts listening; port 0 (the default) picks a free port. */
  async start(port = 0): Promise<void> {
    if (this.server) throw new Error('MongoDB stand-in is already running');
    await this.listen(port);
    this.timer = setInterval(() => this.sweep(), this.ttlIntervalMs);
    // The stand-in must never be what keeps a process (or a test run) alive.
    this.timer.unref();
  }

  /** Stops listening and drops every connection. The data is kept until the object is released. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.closeListener();
  }

  /** Simulates an outage: no listener and no open connections, data intact. */
  async suspend(): Promise<void> {
    if (!this.server) throw new Error('MongoDB stand-in is not running');
    await this.closeListener();
  }

  /** Ends an outage by listening again on the same host and port. */
  async resume(): Promise<void> {
    if (this.server) return;
    if (this.boundPort === 0) throw new Error('MongoDB stand-in was never started');
    await this.listen(this.boundPort);
  }

  get port(): number {
    return this.boundPort;
  }

  /** Connection string without a database name, e.g. `mongodb://127.0.0.1:41234`. */
  get uri(): string {
    if (this.boundPort === 0) throw new Error('MongoDB stand-in has not been started');
    return `mongodb://${this.host}:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get currentConnections(): number {
    return this.sockets.size;
  }

  get totalConnections(): number {
    return this.connectionCount;
  }

  /** Removes expired TTL documents and idle cursors; returns the number of documents removed. */
  sweep(now = Date.now()): number {
    let removed = 0;
    try {
      for (const db of this.store.list()) for (const collection of db.list()) removed += collection.expire(now);
      this.cursors.sweep(now);
      this.sessions.sweep(now);
    } catch (err) {
      this.logger?.error({ err }, 'MongoDB stand-in: TTL sweep failed');
    }
    return removed;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port, exclusive: true }, () => {
        server.off('error', reject);
        // Like the TTL timer, the listener must not keep a process alive on its own: a test
        // file that never calls stop() still exits once its clients are closed.
        server.unref();
        server.on('error', (err) => this.logger?.error({ err }, 'MongoDB stand-in: listener error'));
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    // The client end of every connection lives in this process too and holds it open.
    socket.unref();
    this.connectionCount++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    new WireConnection(socket, this.connectionCount, {
      store: this.store,
      cursors: this.cursors,
      sessions: this.sessions,
      failPoints: this.failPoints,
      server: this,
      logger: this.logger,
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
