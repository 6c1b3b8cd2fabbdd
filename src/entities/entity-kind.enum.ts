import { registerEnumType } from 'type-graphql';

export enum EntityKind {
  TIER = 'TIER',
  OFFER = 'OFFER',
}

registerEnumType(EntityKind, {
  name: 'EntityKind',
  description: 'The custom entity kinds of the Entities API.',
  valuesConfig: {
    TIER: { description: 'Tier structures (/entities/tiers/tier).' },
    OFFER: { description: 'Offers (/entities/offers/offer).' },
  },
});
