import { parseMonthDay, type MonthDay } from './utc-days';

/** The `expiration_type`s a tier may have; each names how its window is counted. */
export const EXPIRATION_TYPES = ['none', 'rolling', 'calendar', 'anniversary'] as const;
export type ExpirationType = (typeof EXPIRATION_TYPES)[number];

/**
 * Which earned points count toward a tier: all of them (`none`), those of the last `months`
 * calendar months (`rolling`), those since the latest of the yearly `dates` (`calendar`) or
 * since the latest anniversary of the customer's opt-in (`anniversary`).
 */
export type TierWindow =
  { type: 'none' } | { type: 'rolling'; months: number } | { type: 'calendar'; dates: MonthDay[] } | { type: 'anniversary' };

/** Whole months from a number or a string of digits, as the source writes `rolling_months`. */
export function wholeMonths(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The window of a stored tier document. Import refuses documents whose rules do not make a
 * window; a document stored before that check with unusable rules counts every point, as
 * the server always did.
 */
export function tierWindow(source: Record<string, unknown>): TierWindow {
  switch (source.expiration_type) {
    case 'rolling': {
      const months = wholeMonths(source.rolling_months);
      return months ? { type: 'rolling', months } : { type: 'none' };
    }
    case 'calendar': {
      const raw = Array.isArray(source.calendar_expirations) ? source.calendar_expirations : [];
      const dates = raw.map(parseMonthDay).filter((d): d is MonthDay => d !== undefined);
      return dates.length > 0 ? { type: 'calendar', dates } : { type: 'none' };
    }
    case 'anniversary':
      return { type: 'anniversary' };
    default:
      return { type: 'none' };
  }
}
