/** Every field of `Offer` but `document`: what integrators fetch, and what the benchmark selects. */
export const OFFER_FIELDS = `
  id name type weight couponPool recurring startsAt endsAt minTotal maxTotal applications
  redemptionFrequencyThreshold redemptionFrequencyPeriod
  segments { id name } stores { id name } exclusive requiredMatch
  requiredItems { type minQuantity ids } eligibleMatch eligibleItems { type minQuantity ids }
  discount { type value target maxQuantity } cardEnabled cardTitle cardDescription cardImage
  issuanceStartAt issuanceEndAt displayComingSoon hideRestricted inventorySize inventoryScope
  issuanceFrequencyThreshold issuanceFrequencyPeriod`;
