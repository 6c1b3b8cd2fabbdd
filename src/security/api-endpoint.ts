import { registerEnumType } from 'type-graphql';

/** The API endpoints of the source's API settings tab (CONTRACT §4). */
export enum ApiEndpoint {
  CHALLENGES = 'CHALLENGES',
  COUPONS = 'COUPONS',
  CUSTOMER = 'CUSTOMER',
  DISPLAY = 'DISPLAY',
  ENTITIES = 'ENTITIES',
  EVENTS = 'EVENTS',
  FAQ = 'FAQ',
  LEADERBOARD = 'LEADERBOARD',
  LEVELS = 'LEVELS',
  OFFERS = 'OFFERS',
  REWARDS = 'REWARDS',
  WALLET = 'WALLET',
  WORKFLOW_CAMPAIGNS = 'WORKFLOW_CAMPAIGNS',
  /** Credentials, security settings, the error log, imports and deletes (CONTRACT §4/§5). */
  MANAGEMENT = 'MANAGEMENT',
}

export enum EndpointLifecycle {
  ACTIVE = 'ACTIVE',
  LEGACY = 'LEGACY',
  DEPRECATED_SOON = 'DEPRECATED_SOON',
}

registerEnumType(ApiEndpoint, {
  name: 'ApiEndpoint',
  description: 'An API endpoint that IP filters and signature enforcement apply to. Every root field of this API belongs to one.',
  valuesConfig: {
    CHALLENGES: { description: 'Challenges API.' },
    COUPONS: { description: 'Coupons API (deprecated soon).' },
    CUSTOMER: { description: 'Customer API: the `customer` query.' },
    DISPLAY: { description: 'Display API.' },
    ENTITIES: { description: 'Entities API: `tiers`, `tier`, `offers`, `offer` and the /entities/... paths.' },
    EVENTS: { description: 'Events API: `submitEvent` and `submitEvents`.' },
    FAQ: { description: 'FAQ API.' },
    LEADERBOARD: { description: 'Leaderboard API.' },
    LEVELS: { description: 'Levels API.' },
    OFFERS: { description: 'Offers API (legacy): `evaluateOffers` and `redeemOffer`.' },
    REWARDS: { description: 'Rewards API.' },
    WALLET: { description: 'Wallet API.' },
    WORKFLOW_CAMPAIGNS: { description: 'Workflow Campaigns API (deprecated soon).' },
    MANAGEMENT: {
      description: 'Management: credentials, security settings, the error log, imports and deletes. ADMIN keys only.',
    },
  },
});
registerEnumType(EndpointLifecycle, {
  name: 'EndpointLifecycle',
  description: 'Where an endpoint is in its life, as the API settings page labels it.',
  valuesConfig: {
    ACTIVE: { description: 'Current and supported.' },
    LEGACY: { description: 'Still served, but superseded: new integrations should not use it.' },
    DEPRECATED_SOON: { description: 'Still served, to be removed: move integrations off it.' },
  },
});

export const API_ENDPOINTS: readonly ApiEndpoint[] = Object.values(ApiEndpoint);

export const ENDPOINT_INFO: Record<ApiEndpoint, { label: string; lifecycle: EndpointLifecycle }> = {
  CHALLENGES: { label: 'Challenges API', lifecycle: EndpointLifecycle.ACTIVE },
  COUPONS: { label: 'Coupons API', lifecycle: EndpointLifecycle.DEPRECATED_SOON },
  CUSTOMER: { label: 'Customer API', lifecycle: EndpointLifecycle.ACTIVE },
  DISPLAY: { label: 'Display API', lifecycle: EndpointLifecycle.ACTIVE },
  ENTITIES: { label: 'Entities API', lifecycle: EndpointLifecycle.ACTIVE },
  EVENTS: { label: 'Events API', lifecycle: EndpointLifecycle.ACTIVE },
  FAQ: { label: 'FAQ API', lifecycle: EndpointLifecycle.ACTIVE },
  LEADERBOARD: { label: 'Leaderboard API', lifecycle: EndpointLifecycle.ACTIVE },
  LEVELS: { label: 'Levels API', lifecycle: EndpointLifecycle.ACTIVE },
  OFFERS: { label: 'Offers API', lifecycle: EndpointLifecycle.LEGACY },
  REWARDS: { label: 'Rewards API', lifecycle: EndpointLifecycle.ACTIVE },
  WALLET: { label: 'Wallet API', lifecycle: EndpointLifecycle.ACTIVE },
  WORKFLOW_CAMPAIGNS: { label: 'Workflow Campaigns API', lifecycle: EndpointLifecycle.DEPRECATED_SOON },
  MANAGEMENT: { label: 'Management API', lifecycle: EndpointLifecycle.ACTIVE },
};
