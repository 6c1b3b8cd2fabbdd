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
  description: 'An API endpoint that IP filters and signature enforcement apply to.',
});
registerEnumType(EndpointLifecycle, { name: 'EndpointLifecycle' });

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
