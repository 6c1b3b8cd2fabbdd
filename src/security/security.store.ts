import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import { PolledCache } from '../common/polled-cache';
import { API_ENDPOINTS, ENDPOINT_INFO, type ApiEndpoint } from './api-endpoint';
import {
  securitySettingsModel,
  SETTINGS_ID,
  type EndpointSettingsDoc,
  type SecuritySettingsDoc,
} from './security-settings.model';
import { SecurityModule, type SecuritySettings } from './security.type';
import { IpMatcher } from '../ip/ip-matcher';
import { parseIpEntry } from '../ip/ip-entry';

/** What the authentication step needs per endpoint, compiled once per settings change. */
export interface EndpointRules {
  /** Undefined when the IP filter does not apply (module off or no entries). */
  ipMatcher: IpMatcher | undefined;
  /** True only when SIGNATURE_CHECK is on and the endpoint is enforced. */
  signatureRequired: boolean;
}

export const MAX_IP_FILTERS_PER_ENDPOINT = 10_000;

export class SettingsLimitError extends Error {}
export class UnknownEntryError extends Error {}
export class LockoutError extends Error {}

/**
 * Refuses a change whose result would lock the caller out (see lockout.ts). It is given the
 * settings as they would be after the change, computed from a fresh read.
 */
export type ChangeGuard = (after: SecuritySettingsDoc) => string | undefined;

export class SecurityStore extends PolledCache {
  readonly model: Model<SecuritySettingsDoc>;
  private rules = new Map<ApiEndpoint, EndpointRules>();
  private view: SecuritySettings = toView({ _id: SETTINGS_ID });
  private doc: SecuritySettingsDoc = { _id: SETTINGS_ID };

  constructor(connection: Connection, logger: Logger) {
    super(connection, 'security', logger);
    this.model = securitySettingsModel(connection);
  }

  override async start(): Promise<void> {
    // One settings document holds everything; creating it here lets every later change be a
    // single conditional update on an existing document.
    await this.model.updateOne({ _id: SETTINGS_ID }, { $setOnInsert: { modules: {} } }, { upsert: true });
    await super.start();
  }

  protected async load(): Promise<void> {
    const doc = (await this.model.findById(SETTINGS_ID).lean<SecuritySettingsDoc>()) ?? { _id: SETTINGS_ID };
    const ipOn = doc.modules?.IP_FILTER === true;
    const sigOn = doc.modules?.SIGNATURE_CHECK === true;
    const rules = new Map<ApiEndpoint, EndpointRules>();
    for (const endpoint of API_ENDPOINTS) {
      const settings = doc.endpoints?.[endpoint];
      const entries = settings?.ipFilters ?? [];
      rules.set(endpoint, {
        ipMatcher: ipOn && entries.length > 0 ? IpMatcher.from(entries) : undefined,
        signatureRequired: sigOn && settings?.signatureEnforced === true,
      });
    }
    this.rules = rules;
    this.view = toView(doc);
    this.doc = doc;
  }

  /**
   * Runs the guard on the settings as `change` would leave them. The check reads the latest
   * stored settings first; two admins changing MANAGEMENT rules in the same instant could
   * still race past each other, which an admin-only operation accepts for simplicity.
   */
  private async check(guard: ChangeGuard | undefined, change: (doc: SecuritySettingsDoc) => void): Promise<void> {
    if (!guard) return;
    await this.refreshIfStale();
    const after = structuredClone(this.doc);
    change(after);
    const reason = guard(after);
    if (reason) throw new LockoutError(reason);
  }

  rulesFor(endpoint: ApiEndpoint): EndpointRules {
    return this.rules.get(endpoint) ?? { ipMatcher: undefined, signatureRequired: false };
  }

  settings(): SecuritySettings {
    return this.view;
  }

  async setModule(module: SecurityModule, enabled: boolean, guard?: ChangeGuard): Promise<SecuritySettings> {
    await this.check(guard, (doc) => {
      doc.modules = { ...doc.modules, [module]: enabled };
    });
    await this.model.updateOne({ _id: SETTINGS_ID }, { $set: { [`modules.${module}`]: enabled } }, { upsert: true });
    await this.changed();
    return this.view;
  }

  /** Adds a normalised entry; adding one that is already there changes nothing. */
  async addIpFilter(endpoint: ApiEndpoint, input: string, guard?: ChangeGuard): Promise<SecuritySettings> {
    const { entry } = parseIpEntry(input);
    await this.check(guard, (doc) => {
      const entries = endpointOf(doc, endpoint).ipFilters ?? [];
      endpointOf(doc, endpoint).ipFilters = entries.includes(entry) ? entries : [...entries, entry];
    });
    const path = `endpoints.${endpoint}.ipFilters`;
    // The size guard is part of the same atomic update, so concurrent adds cannot overshoot it.
    const result = await this.model.updateOne(
      { _id: SETTINGS_ID, [`${path}.${MAX_IP_FILTERS_PER_ENDPOINT - 1}`]: { $exists: false } },
      { $addToSet: { [path]: entry } },
    );
    if (result.matchedCount === 0) {
      throw new SettingsLimitError(
        `${endpoint} already has ${MAX_IP_FILTERS_PER_ENDPOINT} IP filter entries; remove some or use wider CIDR ranges`,
      );
    }
    await this.changed();
    return this.view;
  }

  async removeIpFilter(endpoint: ApiEndpoint, input: string, guard?: ChangeGuard): Promise<SecuritySettings> {
    const { entry } = parseIpEntry(input);
    await this.check(guard, (doc) => {
      endpointOf(doc, endpoint).ipFilters = (endpointOf(doc, endpoint).ipFilters ?? []).filter((e) => e !== entry);
    });
    const path = `endpoints.${endpoint}.ipFilters`;
    const result = await this.model.updateOne({ _id: SETTINGS_ID, [path]: entry }, { $pull: { [path]: entry } });
    if (result.modifiedCount === 0) {
      throw new UnknownEntryError(`"${entry}" is not in the IP filter of ${endpoint}; nothing was removed`);
    }
    await this.changed();
    return this.view;
  }

  async setSignatureEnforcement(endpoint: ApiEndpoint, enforced: boolean, guard?: ChangeGuard): Promise<SecuritySettings> {
    await this.check(guard, (doc) => {
      endpointOf(doc, endpoint).signatureEnforced = enforced;
    });
    await this.model.updateOne(
      { _id: SETTINGS_ID },
      { $set: { [`endpoints.${endpoint}.signatureEnforced`]: enforced } },
      { upsert: true },
    );
    await this.changed();
    return this.view;
  }
}

function endpointOf(doc: SecuritySettingsDoc, endpoint: ApiEndpoint): EndpointSettingsDoc {
  doc.endpoints ??= {};
  return (doc.endpoints[endpoint] ??= {});
}

const SANDBOX_CANNOT_SIGN =
  'Signature enforcement is on for MANAGEMENT: Apollo Sandbox cannot sign requests, so management operations ' +
  'need a client that signs them (for example escher-auth; see README).';
const SANDBOX_CANNOT_SIGN_LATER =
  'MANAGEMENT is marked for signature enforcement: once SIGNATURE_CHECK is on, Apollo Sandbox (which cannot sign) ' +
  'will be refused there.';

function warningsOf(doc: SecuritySettingsDoc): string[] {
  if (doc.endpoints?.MANAGEMENT?.signatureEnforced !== true) return [];
  return [doc.modules?.SIGNATURE_CHECK === true ? SANDBOX_CANNOT_SIGN : SANDBOX_CANNOT_SIGN_LATER];
}

function toView(doc: SecuritySettingsDoc): SecuritySettings {
  const ipOn = doc.modules?.IP_FILTER === true;
  const sigOn = doc.modules?.SIGNATURE_CHECK === true;
  return {
    warnings: warningsOf(doc),
    modules: [
      { module: SecurityModule.IP_FILTER, enabled: ipOn },
      { module: SecurityModule.SIGNATURE_CHECK, enabled: sigOn },
    ],
    ipFilterEnabled: ipOn,
    signatureCheckEnabled: sigOn,
    endpoints: API_ENDPOINTS.map((endpoint) => ({
      endpoint,
      label: ENDPOINT_INFO[endpoint].label,
      lifecycle: ENDPOINT_INFO[endpoint].lifecycle,
      ipFilters: [...(doc.endpoints?.[endpoint]?.ipFilters ?? [])],
      signatureEnforced: doc.endpoints?.[endpoint]?.signatureEnforced === true,
    })),
  };
}
