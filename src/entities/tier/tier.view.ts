import type { Tier, TierLevel } from './tier.type';
import { tierWindow } from './tier-rules';

/** Builds the GraphQL view of a stored tier document once, when the cache loads. */
export function tierView(source: Record<string, unknown>): Tier {
  const levels = (Array.isArray(source.tiers) ? source.tiers : []) as Record<string, unknown>[];
  const rolling = source.rolling_months;
  const rollingMonths =
    typeof rolling === 'number' ? rolling : typeof rolling === 'string' && rolling !== '' ? Number(rolling) : null;
  return {
    id: String(source.id),
    name: String(source.name ?? ''),
    rollingMonths: Number.isInteger(rollingMonths) ? rollingMonths : null,
    // Import admits only "MM-DD" strings; anything else stored before that check is left out.
    calendarExpirations: Array.isArray(source.calendar_expirations)
      ? source.calendar_expirations.filter((e): e is string => typeof e === 'string')
      : [],
    account: String(source.account ?? 'standard'),
    status: (source.status as string | undefined) ?? null,
    type: (source.type as string | undefined) ?? null,
    expirationType: (source.expiration_type as string | undefined) ?? null,
    levels: levels
      .map((level): TierLevel => ({
        id: String(level.id),
        name: (level.name ?? {}) as Record<string, string>,
        threshold: Number(level.threshold),
      }))
      .sort((a, b) => a.threshold - b.threshold),
    document: source,
    window: tierWindow(source),
  };
}
