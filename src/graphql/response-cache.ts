import type { CallResponse } from '../call/call';
import type { FieldAccess } from '../auth/root-field';
import type { ApiEndpoint } from '../security/api-endpoint';
import { LruMap } from '../common/lru-map';

/**
 * Whole responses of operations that read only tier and offer data, per instance.
 *
 * Why not Apollo's response-cache plugin (@apollo/server-plugin-response-cache): it decides
 * from cache hints, so every field of the schema would need a maxAge and the cache-control
 * plugin would have to be on again (it hooks every field resolution: it more than doubled
 * the cost of the offers query); it expires by time only, where these answers stay right
 * until the entity revision moves and are wrong the moment it does; it keys by the request
 * plus a callback, but runs its lookup inside Apollo's pipeline, after parsing and validation,
 * so a hit still pays for most of the request; and its store has no byte bound of its own.
 * This one sits in the GraphQL handler after authentication: a hit re-applies `authorize` to
 * the accesses recorded with the entry, and when they pass, answers without entering Apollo.
 *
 * Key: the caller's role (what authorization decided that could change an answer), the
 * headers that choose the response's form (Content-Type, Accept), the operation name, the
 * variables and the document text. Entries belong to one generation of the entity store and
 * are all dropped when it changes: every write bumps the entities revision and reloads
 * before its response goes out (so the writer's next request misses), and other instances
 * reload, and drop, within CACHE_POLL_MS. Only 200 answers without `errors` are kept.
 */
export interface CacheableOperation {
  /** What authorize() checked the first time; checked again on every hit. */
  accesses: FieldAccess[];
  endpoints: ApiEndpoint[];
  operationName: string | undefined;
}

interface Entry {
  operation: CacheableOperation;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body encoded once: a string with one non-ASCII character is two-byte, and encoding
   * 80 kB of it cost more than the rest of a hit together (see README, Benchmarks). */
  bytes: Buffer;
  storedAt: number;
}

/** A conservative size of an entry: JS strings take up to 2 bytes a character, plus overhead. */
const ENTRY_OVERHEAD_BYTES = 512;
const weigh = (entry: Entry, key: string) =>
  2 * (key.length + entry.body.length) + entry.bytes.length + ENTRY_OVERHEAD_BYTES + 64 * Object.keys(entry.headers).length;

export class ResponseCache {
  private readonly entries: LruMap<string, Entry>;
  private generation: object | undefined;
  readonly stats = { hits: 0, misses: 0, stored: 0, dropped: 0 };

  /**
   * `maxBytes` 0 turns the cache off; `generationOf` names the data the answers come from
   * (EntityStore.generation).
   */
  constructor(
    readonly maxBytes: number,
    private readonly generationOf: () => object,
  ) {
    this.entries = new LruMap(maxBytes, weigh);
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Bytes held, as counted against the bound. */
  get bytes(): number {
    return this.entries.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  static key(role: string, contentType: string, accept: string, operationName: string, variables: string, query: string): string {
    return `${role}\u0000${contentType}\u0000${accept}\u0000${operationName}\u0000${variables}\u0000${query}`;
  }

  /** The generation a response computed now will belong to; read it before executing. */
  currentGeneration(): object {
    return this.generationOf();
  }

  private sync(): void {
    const current = this.generationOf();
    if (current === this.generation) return;
    if (this.entries.size > 0) this.stats.dropped += this.entries.size;
    this.entries.clear();
    this.generation = current;
  }

  get(key: string): Entry | undefined {
    this.sync();
    return this.entries.get(key);
  }

  /**
   * Keeps a response computed from `generation` (one computed from older data is not kept) and
   * answers its encoded body, which the caller sends instead of encoding it a second time.
   */
  set(key: string, generation: object, operation: CacheableOperation, response: CallResponse): Buffer | undefined {
    this.sync();
    if (generation !== this.generation) return undefined;
    const { status, headers, body } = response;
    const bytes = Buffer.from(body);
    this.entries.set(key, { operation, status, headers, body, bytes, storedAt: Date.now() });
    this.stats.stored++;
    return bytes;
  }

  /** A copy of the stored response with the hit marked (`Age` in seconds, `X-Cache: HIT`). */
  static hitResponse(entry: Entry): CallResponse {
    const age = Math.floor((Date.now() - entry.storedAt) / 1000);
    const headers = { ...entry.headers, age: String(age), 'x-cache': 'HIT' };
    return { status: entry.status, headers, body: entry.body, bytes: entry.bytes };
  }
}
