/**
 * Calendar arithmetic on whole UTC days, the unit every tier window is counted in (a window
 * starts and ends at 00:00 UTC). Days are kept as `YYYY-MM-DD` keys, which sort as they
 * read and are safe MongoDB field names.
 */
export const DAY_MS = 86_400_000;

/** 00:00 UTC of the day `at` falls on. */
export function startOfDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** 00:00 UTC of a `YYYY-MM-DD` key. */
export function dayOfKey(key: string): Date {
  return new Date(`${key}T00:00:00.000Z`);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * 00:00 UTC of the given year, month (0-based) and day, the day clamped to the month's last
 * one: a yearly date of 02-29 falls on 02-28 in other years, the 31st of a month on its last day.
 */
export function clampedDate(year: number, month: number, day: number): Date {
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  return new Date(Date.UTC(y, m, Math.min(day, daysInMonth(y, m))));
}

/** The day `months` calendar months after the day of `at` (clamped at month ends), at 00:00 UTC. */
export function addMonths(at: Date, months: number): Date {
  return clampedDate(at.getUTCFullYear(), at.getUTCMonth() + months, at.getUTCDate());
}

/** A yearly date, `MM-DD`, as `calendar_expirations` entries write it. */
export interface MonthDay {
  month: number; // 1-12
  day: number; // 1-31
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** Parses `MM-DD`; undefined unless it names a day some year has (02-29 included). */
export function parseMonthDay(value: unknown): MonthDay | undefined {
  if (typeof value !== 'string') return undefined;
  const match = MONTH_DAY.exec(value);
  if (!match) return undefined;
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month - 1)) return undefined;
  return { month, day };
}

/** 00:00 UTC of `date` in `year`. */
export function inYear(date: MonthDay, year: number): Date {
  return clampedDate(year, date.month - 1, date.day);
}

/** The latest occurrence of any of `dates` at or before `at` (dates are yearly). */
export function latestYearly(dates: readonly MonthDay[], at: Date): Date | undefined {
  let best: Date | undefined;
  const year = at.getUTCFullYear();
  for (const date of dates) {
    for (const y of [year, year - 1]) {
      const candidate = inYear(date, y);
      if (candidate.getTime() <= at.getTime()) {
        if (!best || candidate > best) best = candidate;
        break;
      }
    }
  }
  return best;
}

/** The earliest occurrence of any of `dates` strictly after `at`. */
export function nextYearly(dates: readonly MonthDay[], at: Date): Date | undefined {
  let best: Date | undefined;
  const year = at.getUTCFullYear();
  for (const date of dates) {
    for (const y of [year, year + 1]) {
      const candidate = inYear(date, y);
      if (candidate.getTime() > at.getTime()) {
        if (!best || candidate < best) best = candidate;
        break;
      }
    }
  }
  return best;
}
