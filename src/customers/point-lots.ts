/**
 * Spendable points as lots: each lot is a number of points with one expiry (null: never).
 * Lots with the same expiry are one lot, so an account holds at most one lot per distinct
 * expiry still ahead; lots whose expiry has passed are folded into the account's `expired`
 * count at the next write and are never spent again. A spend takes from the lots that expire
 * first (FIFO by expiry, never-expiring last).
 */
export interface Lot {
  points: number;
  expiresAt: Date | null;
}

export interface ExpiringLot {
  points: number;
  expiresAt: Date;
}

const expiryMs = (lot: Lot) => (lot.expiresAt === null ? Infinity : lot.expiresAt.getTime());

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A lot is live at `at` while its expiry lies strictly after `at`: at the exact instant it has expired. */
export function liveAt(lot: Lot, at: Date): boolean {
  return expiryMs(lot) > at.getTime();
}

/**
 * The lots stored under an account. An account written before lots existed has only its
 * `spendable` counter: those points never expire.
 */
export function storedLots(counters: { lots?: unknown; spendable?: unknown } | undefined): Lot[] {
  if (!counters) return [];
  if (Array.isArray(counters.lots)) {
    return counters.lots
      .filter((l): l is { points: unknown; expiresAt: unknown } => l !== null && typeof l === 'object')
      .map((l) => ({ points: num(l.points), expiresAt: l.expiresAt instanceof Date ? l.expiresAt : null }))
      .filter((l) => l.points > 0);
  }
  const spendable = num(counters.spendable);
  return spendable > 0 ? [{ points: spendable, expiresAt: null }] : [];
}

function sorted(lots: Lot[]): Lot[] {
  return lots.sort((a, b) => expiryMs(a) - expiryMs(b));
}

/** Splits lots at `now` into those still live and the points that have expired. */
export function foldExpired(lots: readonly Lot[], now: Date): { live: Lot[]; expired: number } {
  let expired = 0;
  const live: Lot[] = [];
  for (const lot of lots) {
    if (liveAt(lot, now)) live.push({ ...lot });
    else expired += lot.points;
  }
  return { live: sorted(live), expired };
}

/** `lots` with `points` added under `expiresAt` (merged with a lot of the same expiry). */
export function addLot(lots: readonly Lot[], points: number, expiresAt: Date | null): Lot[] {
  const out = lots.map((l) => ({ ...l }));
  const same = out.find((l) => expiryMs(l) === (expiresAt === null ? Infinity : expiresAt.getTime()));
  if (same) same.points += points;
  else out.push({ points, expiresAt });
  return sorted(out);
}

/** The points spendable at `at`. */
export function spendableAt(lots: readonly Lot[], at: Date): number {
  return lots.reduce((sum, lot) => (liveAt(lot, at) ? sum + lot.points : sum), 0);
}

/**
 * `lots` after spending `points` at `at`, soonest expiry first; undefined when the lots live
 * at `at` do not cover it.
 */
export function spendFifo(lots: readonly Lot[], points: number, at: Date): Lot[] | undefined {
  if (spendableAt(lots, at) < points) return undefined;
  let left = points;
  const out: Lot[] = [];
  for (const lot of sorted(lots.map((l) => ({ ...l })))) {
    if (left > 0 && liveAt(lot, at)) {
      const take = Math.min(left, lot.points);
      lot.points -= take;
      left -= take;
    }
    if (lot.points > 0) out.push(lot);
  }
  return out;
}

/** The lots live at `now` that will expire, soonest first. */
export function expiringAt(lots: readonly Lot[], now: Date): ExpiringLot[] {
  return sorted(lots.filter((l) => l.expiresAt !== null && liveAt(l, now)).map((l) => ({ ...l }))) as ExpiringLot[];
}
