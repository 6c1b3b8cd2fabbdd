/** Every field of `Offer` but `document`: what integrators fetch, and what the benchmark selects. */
export const OFFER_FIELDS = `
  id name type weight couponPool recurring startsAt endsAt minTotal maxTotal applications
  redemptionFrequencyThreshold redemptionFrequencyPeriod
  segments { id name } stores { id name } exclusive requiredMatch
  requiredItems { type minQuantity ids } eligibleMatch eligibleItems { type minQuantity ids }
  discount { type value target maxQuantity } cardEnabled cardTitle cardDescription cardImage
  issuanceStartAt issuanceEndAt displayComingSoon hideRestricted inventorySize inventoryScope
  issuanceFrequencyThreshold issuanceFrequencyPeriod`;

/** The benchmark's query (bench/run.ts): one page of 50 offers with every nested field. */
export const OFFERS_QUERY = `query Offers {
  offers(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ${OFFER_FIELDS} }
  }
}`;

/**
 * The attack of issue 9: one request with `count` aliases of `offers(first: 100)` selecting
 * every nested field. `inline` repeats the selection in each alias, as the original did;
 * otherwise a fragment keeps the body small enough for thousands of aliases.
 */
export function aliasBomb(count: number, options: { inline?: boolean; first?: number } = {}): string {
  const fields = OFFER_FIELDS.replace(/\s+/g, ' ').trim();
  const selection = options.inline ? fields : '...Every';
  const aliases = Array.from(
    { length: count },
    (_, i) => `a${i}: offers(first: ${options.first ?? 100}) { nodes { ${selection} } }`,
  );
  return `query Bomb { ${aliases.join(' ')} }${options.inline ? '' : ` fragment Every on Offer { ${fields} }`}`;
}
