import type { Offer } from '../entities/offer/offer.type';
import type { Period, Window } from './windows';

/**
 * An offer's rules read once from its stored document into plain values, so evaluating a
 * cart never parses a date, normalises a spelling or builds a set again. Compiled from the
 * stored document, not the GraphQL view: the view fills gaps (a missing discount value reads
 * 0), which would hide a document the rules cannot be evaluated on.
 */
export type MatchMode = 'all' | 'any';
export type ItemKind = 'product' | 'category' | 'list';
export type DiscountKind = 'percent' | 'fixed_discount' | 'fixed_price';
export type DiscountTarget = 'all' | 'cheapest' | 'most_expensive';

export interface ItemEntry {
  kind: ItemKind;
  ids: readonly string[];
  minQuantity: number;
}

export interface ItemRule {
  mode: MatchMode;
  entries: readonly ItemEntry[];
}

export interface DiscountRule {
  kind: DiscountKind;
  value: number;
  target: DiscountTarget;
  /** null = no cap */
  maxQuantity: number | null;
}

export interface Limits {
  applications: number | null;
  frequency: { threshold: number; period: Period } | null;
  inventory: { size: number; scope: 'global' | 'customer' } | null;
}

export interface CompiledRules {
  run: Window;
  issuance: Window;
  /** null = any store / any segment */
  stores: ReadonlySet<string> | null;
  segments: ReadonlySet<string> | null;
  minTotal: number | null;
  maxTotal: number | null;
  required: ItemRule;
  eligible: ItemRule;
  /** null = the offer gives no money off (eligible with discount 0) */
  discount: DiscountRule | null;
  exclusive: boolean;
  limits: Limits;
}

export interface CompiledOffer {
  id: string;
  weight: number;
  offer: Offer;
  /** undefined when `invalid` says why the rules cannot be evaluated */
  rules: CompiledRules | undefined;
  invalid: string | undefined;
}

class InvalidRules extends Error {}

function fail(field: string, problem: string): never {
  throw new InvalidRules(`${field} ${problem}`);
}

type Doc = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null;

function optionalNumber(doc: Doc, field: string, min = -Infinity): number | null {
  const v = doc[field];
  if (!present(v)) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(field, `must be a number ≥ ${min}`);
  return v;
}

/** A whole number ≥ 0, also written as a string of digits (the template's `"min_quantity": "1"`). */
function intLike(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(field, 'must be a whole number ≥ 0');
  return n;
}

function optionalInt(doc: Doc, field: string): number | null {
  return present(doc[field]) ? intLike(doc[field], field) : null;
}

function optionalDate(doc: Doc, field: string): number | null {
  const v = doc[field];
  if (!present(v)) return null;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) fail(field, 'must be an ISO 8601 date-time');
  return t;
}

function idSet(doc: Doc, field: string): ReadonlySet<string> | null {
  const v = doc[field];
  if (!present(v)) return null;
  if (!Array.isArray(v)) fail(field, 'must be a list of { id }');
  const ids = v.map((ref, i) => {
    const id = (ref as Doc | null)?.id;
    if (typeof id !== 'string' && typeof id !== 'number') fail(`${field}[${i}].id`, 'must be a string');
    return String(id);
  });
  // An empty list means "any", the same as a missing one.
  return ids.length === 0 ? null : new Set(ids);
}

/** Spellings differ between documents: `percent discount`, `percent_discount`, `Percent-Discount`. */
export function normaliseSpelling(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

const DISCOUNT_KINDS: Record<string, DiscountKind> = {
  'percent discount': 'percent',
  'fixed discount': 'fixed_discount',
  'fixed price': 'fixed_price',
  // The source's own template spells it so; documents copied from it carry the typo.
  'fixed pice': 'fixed_price',
};

const TARGETS: Record<string, DiscountTarget> = {
  'all items': 'all',
  'cheapest item': 'cheapest',
  'most expensive item': 'most_expensive',
};

const MATCH_MODES: readonly string[] = ['all', 'any'];
const ITEM_KINDS: readonly string[] = ['product', 'category', 'list'];
const PERIODS: readonly string[] = ['day', 'week', 'month', 'year'];

function itemRule(doc: Doc, listField: string, modeField: string): ItemRule {
  const modeValue = doc[modeField];
  let mode: MatchMode = 'all';
  if (present(modeValue)) {
    if (typeof modeValue !== 'string' || !MATCH_MODES.includes(modeValue)) fail(modeField, 'must be "all" or "any"');
    mode = modeValue as MatchMode;
  }
  const list = doc[listField];
  if (!present(list)) return { mode, entries: [] };
  if (!Array.isArray(list)) fail(listField, 'must be a list');
  const entries = list.map((raw, i): ItemEntry => {
    const at = `${listField}[${i}]`;
    if (!raw || typeof raw !== 'object') fail(at, 'must be an object');
    const entry = raw as Doc;
    if (typeof entry.type !== 'string' || !ITEM_KINDS.includes(entry.type))
      fail(`${at}.type`, 'must be product, category or list');
    if (!Array.isArray(entry.id)) fail(`${at}.id`, 'must be a list of ids');
    // A missing min_quantity asks for one matching unit: an entry nothing in the cart matches is not met.
    const minQuantity = present(entry.min_quantity) ? intLike(entry.min_quantity, `${at}.min_quantity`) : 1;
    return { kind: entry.type as ItemKind, ids: entry.id.map(String), minQuantity };
  });
  return { mode, entries };
}

function discountRule(doc: Doc): DiscountRule | null {
  const raw = doc.discount;
  if (!present(raw)) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('discount', 'must be an object');
  const d = raw as Doc;
  const kind = typeof d.type === 'string' ? DISCOUNT_KINDS[normaliseSpelling(d.type)] : undefined;
  if (!kind) fail('discount.type', 'must be "percent discount", "fixed discount" or "fixed price"');
  if (typeof d.value !== 'number' || !Number.isFinite(d.value) || d.value < 0) fail('discount.value', 'must be a number ≥ 0');
  let target: DiscountTarget = 'all';
  if (present(d.target)) {
    const t = typeof d.target === 'string' ? TARGETS[normaliseSpelling(d.target)] : undefined;
    if (!t) fail('discount.target', 'must be "all items", "cheapest item" or "most expensive item"');
    target = t;
  }
  const maxQuantity = present(d.max_quantity) ? intLike(d.max_quantity, 'discount.max_quantity') : null;
  return { kind, value: d.value, target, maxQuantity };
}

function limits(doc: Doc): Limits {
  const applications = optionalInt(doc, 'applications');
  const threshold = optionalInt(doc, 'redemption_frequency_threshold');
  let frequency: Limits['frequency'] = null;
  if (threshold !== null) {
    const period = doc.redemption_frequency_period;
    if (typeof period !== 'string' || !PERIODS.includes(period))
      fail('redemption_frequency_period', 'must be day, week, month or year');
    frequency = { threshold, period: period as Period };
  }
  const size = optionalInt(doc, 'inventory_size');
  let inventory: Limits['inventory'] = null;
  if (size !== null) {
    const scope = doc.inventory_scope ?? 'global';
    if (scope !== 'global' && scope !== 'customer') fail('inventory_scope', 'must be global or customer');
    inventory = { size, scope };
  }
  return { applications, frequency, inventory };
}

function compileRules(doc: Doc): CompiledRules {
  const exclusive = doc.exclusive;
  if (present(exclusive) && typeof exclusive !== 'boolean') fail('exclusive', 'must be true or false');
  return {
    run: { start: optionalDate(doc, 'starts_at'), end: optionalDate(doc, 'ends_at') },
    issuance: { start: optionalDate(doc, 'issuance_start_at'), end: optionalDate(doc, 'issuance_end_at') },
    stores: idSet(doc, 'stores'),
    segments: idSet(doc, 'segments'),
    minTotal: optionalNumber(doc, 'min_total', 0),
    maxTotal: optionalNumber(doc, 'max_total', 0),
    required: itemRule(doc, 'required_items', 'required_match'),
    eligible: itemRule(doc, 'eligible_items', 'eligible_match'),
    discount: discountRule(doc),
    exclusive: exclusive === true,
    limits: limits(doc),
  };
}

/** Compiles one offer; a document the rules cannot be evaluated on is kept, marked invalid. */
export function compileOffer(offer: Offer): CompiledOffer {
  const doc = offer.document;
  const weight = typeof doc.weight === 'number' && Number.isFinite(doc.weight) ? doc.weight : 0;
  try {
    if (present(doc.weight) && weight !== doc.weight) fail('weight', 'must be a number');
    return { id: offer.id, weight, offer, rules: compileRules(doc), invalid: undefined };
  } catch (err) {
    if (!(err instanceof InvalidRules)) throw err;
    return { id: offer.id, weight, offer, rules: undefined, invalid: err.message };
  }
}

/** Weight descending, then id ascending: the order of evaluateOffers and of exclusivity. */
export function byRank(a: CompiledOffer, b: CompiledOffer): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
