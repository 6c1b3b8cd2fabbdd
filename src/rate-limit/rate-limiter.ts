import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Call, CallResponse } from '../call/call';
import { jsonResponse } from '../call/response';
import type { RateLimitSettings } from '../config/config';
import type { ActiveCredential } from '../credentials/credential.store';
import { WindowCounters, type WindowCounter } from './window-counters';
import { SharedCounts } from './shared-counts';

/**
 * The two limits of CONTRACT §4 "Rate limits", applied by the HTTP layer around every API
 * call: `admit` after authentication and before any handler (a refused call does nothing
 * else), `finish` after the answer (counts a failed authentication, adds the headers).
 *
 * - A key's calls: every call the key authenticates counts, refused ones excepted; over the
 *   key's limit (its override, else RATE_LIMIT_PER_MINUTE; 0 = none) the call is refused.
 * - An address's failed authentications (any 401): once over AUTH_FAILURES_PER_MINUTE, every
 *   call from that address is refused until the window ends, valid keys included: otherwise a
 *   guesser would still learn a right guess at full speed, from the 200 it gets instead of 429.
 *
 * Counting is local (a Map) and shared across instances in the background (./shared-counts).
 */
export class RateLimiter {
  private readonly counters: WindowCounters;
  private readonly shared: SharedCounts;
  /** Key digests, so neither the counters nor the database ever hold a key. */
  private readonly subjects = new WeakMap<ActiveCredential, string>();

  constructor(
    connection: Connection,
    private readonly settings: RateLimitSettings,
    logger: Logger,
  ) {
    this.counters = new WindowCounters(settings.windowMs);
    this.shared = new SharedCounts(connection, this.counters, logger, settings.syncMs);
  }

  start(): Promise<void> {
    return this.shared.start();
  }

  stop(): Promise<void> {
    return this.shared.stop();
  }

  /** Shares the counts now instead of at the next interval (tests). */
  syncNow(): Promise<void> {
    return this.shared.sync();
  }

  /** The 429 for a call over a limit, else undefined after counting the call against its key. */
  admit(call: Call, now = Date.now()): CallResponse | undefined {
    const auth = call.auth;
    const window = this.counters.windowOf(now);
    const failuresLimit = this.settings.authFailuresPerAddress;
    if (failuresLimit > 0 && auth?.client) {
      const subject = addressSubject(auth.client.text);
      const failures = this.counters.peek(subject, window);
      if (failures && !WindowCounters.fits(failures, failuresLimit)) {
        call.rateLimit = { subject, refused: true };
        return this.refusal(call, failures, failuresLimit, now, `Too many failed authentications from ${auth.client.text}`);
      }
    }
    const credential = auth?.credential;
    if (!credential) return undefined;
    const limit = credential.rateLimitPerMinute ?? this.settings.perKey;
    if (limit <= 0) return undefined;
    const subject = this.keySubject(credential);
    const counter = this.counters.counter(subject, window, limit);
    if (!WindowCounters.fits(counter, limit)) {
      call.rateLimit = { subject, refused: true };
      return this.refusal(call, counter, limit, now, 'Rate limit exceeded for this API key');
    }
    WindowCounters.add(counter);
    call.rateLimit = { subject, refused: false };
    return undefined;
  }

  /** Counts a 401 against the caller's address and adds the RateLimit headers to the answer. */
  finish(call: Call, now = Date.now()): void {
    const response = call.response;
    if (!response) return;
    const window = this.counters.windowOf(now);
    const failuresLimit = this.settings.authFailuresPerAddress;
    let subject = call.rateLimit?.subject;
    let limit: number | undefined;
    if (response.status === 401 && failuresLimit > 0 && call.auth?.client) {
      subject = addressSubject(call.auth.client.text);
      WindowCounters.add(this.counters.counter(subject, window, failuresLimit));
      call.rateLimit = { subject, refused: false };
    }
    if (subject === undefined) return;
    if (subject.startsWith(ADDRESS)) limit = failuresLimit;
    else limit = call.auth?.credential?.rateLimitPerMinute ?? this.settings.perKey;
    const counter = this.counters.peek(subject, window);
    const remaining = Math.max(0, limit - WindowCounters.estimate(counter));
    response.headers['ratelimit-limit'] = String(limit);
    response.headers['ratelimit-remaining'] = String(remaining);
    response.headers['ratelimit-reset'] = String(secondsUntil(this.counters.windowEndMs(window), now));
  }

  private keySubject(credential: ActiveCredential): string {
    let subject = this.subjects.get(credential);
    if (subject === undefined) {
      subject = `k:${createHash('sha256').update(credential.key, 'utf8').digest('base64url').slice(0, 22)}`;
      this.subjects.set(credential, subject);
    }
    return subject;
  }

  private refusal(call: Call, counter: WindowCounter, limit: number, now: number, what: string): CallResponse {
    const resetAt = this.counters.windowEndMs(counter.window);
    // Refused by its share while the fleet still has room: the next read (within syncMs)
    // may free more, so the client is told to come back soon rather than at the window's end.
    const fleetFull = WindowCounters.estimate(counter) >= limit;
    const retryAfter = fleetFull ? secondsUntil(resetAt, now) : 1;
    // Read now rather than at the next tick: a burst that outruns its share would otherwise
    // leave the fleet's last calls unused at its end (one round at a time, never doubled).
    if (!fleetFull) void this.shared.sync();
    const per = this.settings.windowMs === 60_000 ? 'per minute' : `per ${this.settings.windowMs / 1000} s`;
    const message =
      `${what}: at most ${limit} ${counter.subject.startsWith(ADDRESS) ? 'failed authentications' : 'calls'} ${per}; ` +
      `retry after ${retryAfter} second${retryAfter === 1 ? '' : 's'}` +
      (fleetFull ? ` (${new Date(resetAt).toISOString()})` : '');
    const { requestId } = call;
    const body =
      call.request.path === '/graphql'
        ? { errors: [{ message, extensions: { code: RATE_LIMITED, requestId, retryAfter } }] }
        : { error: { status: 429, code: RATE_LIMITED, message, requestId, retryAfter } };
    return jsonResponse(429, body, { 'retry-after': String(retryAfter) });
  }
}

export const RATE_LIMITED = 'RATE_LIMITED';
const ADDRESS = 'a:';
const addressSubject = (address: string) => `${ADDRESS}${address}`;

/** Whole seconds until `endMs`, rounded up and at least 1 (a 0 would invite an instant retry). */
function secondsUntil(endMs: number, now: number): number {
  return Math.max(1, Math.ceil((endMs - now) / 1000));
}
