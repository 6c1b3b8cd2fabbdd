import { graphql } from './api';

export type Lifecycle = 'ACTIVE' | 'LEGACY' | 'DEPRECATED_SOON';

export interface EndpointSecurity {
  endpoint: string;
  label: string;
  lifecycle: Lifecycle;
  ipFilters: string[];
  signatureEnforced: boolean;
}

export interface SecuritySettings {
  ipFilterEnabled: boolean;
  signatureCheckEnabled: boolean;
  warnings: string[];
  endpoints: EndpointSecurity[];
}

export const SETTINGS_FIELDS = `ipFilterEnabled signatureCheckEnabled warnings endpoints { endpoint label lifecycle ipFilters signatureEnforced }`;

export async function loadSettings(): Promise<SecuritySettings> {
  return (
    await graphql<{ securitySettings: SecuritySettings }>(`query ConsoleSettings { securitySettings { ${SETTINGS_FIELDS} } }`)
  ).securitySettings;
}

export const LIFECYCLE_TEXT: Record<Lifecycle, string> = {
  ACTIVE: 'ACTIVE',
  LEGACY: 'LEGACY',
  DEPRECATED_SOON: 'DEPRECATED_SOON',
};

/** "Entities API (ENTITIES) · ACTIVE": the drop-down and checkbox text of an endpoint. */
export const endpointText = (e: EndpointSecurity): string => `${e.label} (${e.endpoint}) · ${LIFECYCLE_TEXT[e.lifecycle]}`;
