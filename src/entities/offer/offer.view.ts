import type { FrequencyPeriod, InventoryScope, ItemRuleType, MatchMode } from './offer.enum';
import type { Offer, OfferDiscount, OfferItemRule, OfferRef } from './offer.type';

type Source = Record<string, unknown>;

const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const asNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const asBoolean = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const asDate = (v: unknown): Date | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);
const asObject = (v: unknown): Record<string, string> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
const asArray = (v: unknown): Source[] => (Array.isArray(v) ? (v as Source[]) : []);
const asInt = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
};

function refs(v: unknown): OfferRef[] {
  return asArray(v).map((r) => ({ id: String(r.id), name: asString(r.name) }));
}

function itemRules(v: unknown): OfferItemRule[] {
  return asArray(v).map((r) => ({
    type: r.type as ItemRuleType,
    minQuantity: asInt(r.min_quantity),
    ids: Array.isArray(r.id) ? r.id.map(String) : [],
  }));
}

function discount(v: unknown): OfferDiscount | null {
  const d = asObject(v) as Source | null;
  if (!d) return null;
  return {
    type: String(d.type ?? ''),
    value: asNumber(d.value) ?? 0,
    target: asString(d.target),
    maxQuantity: asInt(d.max_quantity),
  };
}

/** Builds the GraphQL view of a stored offer document once, when the cache loads. */
export function offerView(source: Source): Offer {
  return {
    id: String(source.id),
    name: String(source.name ?? ''),
    type: asString(source.type),
    weight: asNumber(source.weight),
    couponPool: asString(source.coupon_pool),
    recurring: asBoolean(source.recurring),
    startsAt: asDate(source.starts_at),
    endsAt: asDate(source.ends_at),
    minTotal: asNumber(source.min_total),
    maxTotal: asNumber(source.max_total),
    applications: asInt(source.applications),
    redemptionFrequencyThreshold: asInt(source.redemption_frequency_threshold),
    redemptionFrequencyPeriod: asString(source.redemption_frequency_period) as FrequencyPeriod | null,
    segments: refs(source.segments),
    stores: refs(source.stores),
    exclusive: asBoolean(source.exclusive),
    requiredMatch: asString(source.required_match) as MatchMode | null,
    requiredItems: itemRules(source.required_items),
    eligibleMatch: asString(source.eligible_match) as MatchMode | null,
    eligibleItems: itemRules(source.eligible_items),
    discount: discount(source.discount),
    cardEnabled: asBoolean(source.card_enabled),
    cardTitle: asObject(source.card_title),
    cardDescription: asObject(source.card_description),
    cardImage: Array.isArray(source.card_image) ? source.card_image.map(String) : [],
    issuanceStartAt: asDate(source.issuance_start_at),
    issuanceEndAt: asDate(source.issuance_end_at),
    displayComingSoon: asBoolean(source.display_coming_soon),
    hideRestricted: asBoolean(source.hide_restricted),
    inventorySize: asInt(source.inventory_size),
    inventoryScope: asString(source.inventory_scope) as InventoryScope | null,
    issuanceFrequencyThreshold: asInt(source.issuance_frequency_threshold),
    issuanceFrequencyPeriod: asString(source.issuance_frequency_period) as FrequencyPeriod | null,
    document: source,
  };
}
