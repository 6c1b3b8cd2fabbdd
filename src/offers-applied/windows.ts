import { OfferIneligibility as R } from './ineligibility.enum';

/** A half-open interval [start, end) in epoch milliseconds; a missing bound is open. */
export interface Window {
  start: number | null;
  end: number | null;
}

/** The reasons `at` falls outside the offer's run (starts_at/ends_at) and its issuance window. */
export function windowReasons(at: number, run: Window, issuance: Window, out: R[]): void {
  if (run.start !== null && at < run.start) out.push(R.NOT_STARTED);
  if (run.end !== null && at >= run.end) out.push(R.ENDED);
  if (issuance.start !== null && at < issuance.start) out.push(R.NOT_ISSUED_YET);
  if (issuance.end !== null && at >= issuance.end) out.push(R.ISSUANCE_ENDED);
}

export type Period = 'day' | 'week' | 'month' | 'year';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The calendar period (UTC) that contains `at`, as a key safe in a MongoDB field name:
 * `d2026-12-02`, `w2026-11-30` (the Monday the week starts on), `m2026-12`, `y2026`.
 */
export function periodKey(period: Period, at: Date): string {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (period) {
    case 'day':
      return `d${pad(y, 4)}-${pad(m + 1)}-${pad(d)}`;
    case 'week': {
      // getUTCDay: Sunday = 0; days since the Monday of this week.
      const sinceMonday = (at.getUTCDay() + 6) % 7;
      const monday = new Date(Date.UTC(y, m, d - sinceMonday));
      return `w${pad(monday.getUTCFullYear(), 4)}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
    }
    case 'month':
      return `m${pad(y, 4)}-${pad(m + 1)}`;
    case 'year':
      return `y${pad(y, 4)}`;
  }
}
