import { registerEnumType } from 'type-graphql';

/**
 * Why an offer does not apply, in the order `reasons` lists them (CONTRACT §9). The
 * declaration order is the reporting order: evaluation collects reasons by walking this
 * list, never by the order the rules happen to be checked in.
 */
export enum OfferIneligibility {
  NOT_STARTED = 'NOT_STARTED',
  ENDED = 'ENDED',
  NOT_ISSUED_YET = 'NOT_ISSUED_YET',
  ISSUANCE_ENDED = 'ISSUANCE_ENDED',
  STORE = 'STORE',
  SEGMENT = 'SEGMENT',
  MIN_TOTAL = 'MIN_TOTAL',
  MAX_TOTAL = 'MAX_TOTAL',
  REQUIRED_ITEMS = 'REQUIRED_ITEMS',
  NO_ELIGIBLE_ITEMS = 'NO_ELIGIBLE_ITEMS',
  APPLICATIONS_USED = 'APPLICATIONS_USED',
  FREQUENCY = 'FREQUENCY',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  EXCLUSIVE = 'EXCLUSIVE',
  INVALID_RULES = 'INVALID_RULES',
}

export const REASON_ORDER: readonly OfferIneligibility[] = Object.values(OfferIneligibility);

registerEnumType(OfferIneligibility, {
  name: 'OfferIneligibility',
  description: 'A rule an offer fails, listed in this order in OfferEvaluation.reasons.',
  valuesConfig: {
    NOT_STARTED: { description: 'The time is before starts_at.' },
    ENDED: { description: 'The time is at or after ends_at.' },
    NOT_ISSUED_YET: { description: 'The time is before issuance_start_at.' },
    ISSUANCE_ENDED: { description: 'The time is at or after issuance_end_at.' },
    STORE: { description: 'The offer is limited to stores and the given store (or none) is not one of them.' },
    SEGMENT: { description: "The offer is limited to segments and none of the customer's segments (or no customer) is in them." },
    MIN_TOTAL: { description: 'The cart total is below min_total.' },
    MAX_TOTAL: { description: 'The cart total is above max_total.' },
    REQUIRED_ITEMS: { description: 'The cart does not meet required_items under required_match.' },
    NO_ELIGIBLE_ITEMS: { description: 'The cart does not meet eligible_items under eligible_match.' },
    APPLICATIONS_USED: { description: 'The customer has used the offer as many times as applications allows.' },
    FREQUENCY: {
      description: 'The customer has used the offer redemption_frequency_threshold times in the current calendar period (UTC).',
    },
    OUT_OF_STOCK: { description: 'The inventory (global, or this customer’s share) is used up.' },
    EXCLUSIVE: { description: 'Eligible, but a higher-ranked exclusive offer applies instead: discount 0.' },
    INVALID_RULES: {
      description: 'The stored offer has rules that cannot be evaluated (e.g. a discount without a numeric value).',
    },
  },
});
