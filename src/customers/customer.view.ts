import { ACCOUNT_NAME, DEFAULT_ACCOUNT, accountCounters, type AccountCounters, type CustomerDoc } from './customer.model';
import type { Customer, PointAccount } from './customer.type';
import { expiringAt, foldExpired, storedLots } from './point-lots';
import { earnedKey, type EarnedDays } from './tier-points';

export type PublicCustomerDoc = Omit<CustomerDoc, 'passwordHash'>;

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** An account's counters as of `readAt`: lots whose expiry has passed count as expired, not spendable. */
function toAccount(account: string, counters: Partial<AccountCounters> | undefined, readAt: Date): PointAccount {
  const { live, expired } = foldExpired(storedLots(counters), readAt);
  return {
    account,
    score: num(counters?.score),
    spent: num(counters?.spent),
    spendable: live.reduce((sum, lot) => sum + lot.points, 0),
    expired: num(counters?.expired) + expired,
    expiringPoints: expiringAt(live, readAt),
  };
}

/**
 * The earned points per day of an account. An account written before days were kept has
 * only its score: it counts as earned on the opt-in day.
 */
function earnedOf(counters: Partial<AccountCounters> | undefined, createdAt: Date): EarnedDays {
  if (counters?.earned && typeof counters.earned === 'object') return counters.earned;
  const score = num(counters?.score);
  return score > 0 ? { [earnedKey(createdAt)]: score } : {};
}

/** The GraphQL view of a stored customer as of `readAt`. The password hash is never part of it. */
export function toCustomer(doc: PublicCustomerDoc, readAt: Date): Customer {
  const stored = doc.accounts && typeof doc.accounts === 'object' ? doc.accounts : {};
  const names = Object.keys(stored)
    .filter((name) => ACCOUNT_NAME.test(name) && name !== DEFAULT_ACCOUNT)
    .sort();
  const createdAt = doc.createdAt;
  const standard = toAccount(DEFAULT_ACCOUNT, accountCounters(stored, DEFAULT_ACCOUNT), readAt);
  const earned = Object.create(null) as Record<string, EarnedDays>;
  for (const name of [DEFAULT_ACCOUNT, ...names]) earned[name] = earnedOf(accountCounters(stored, name), createdAt);
  return {
    id: doc._id,
    email: doc.email ?? null,
    firstName: doc.firstName ?? null,
    lastName: doc.lastName ?? null,
    status: doc.status ?? 'active',
    score: standard.score,
    spent: standard.spent,
    spendable: standard.spendable,
    expired: standard.expired,
    expiringPoints: standard.expiringPoints,
    createdAt,
    accounts: [standard, ...names.map((name) => toAccount(name, accountCounters(stored, name), readAt))],
    segments: Array.isArray(doc.segments) ? doc.segments.filter((s): s is string => typeof s === 'string') : [],
    standing: { earned, createdAt, readAt },
  };
}
