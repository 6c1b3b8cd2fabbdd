import { Schema, type Connection, type Model } from 'mongoose';
import type { ApiEndpoint } from './api-endpoint';
import type { SecurityModule } from './security.type';

/**
 * One document holds every setting, so each admin change is a single atomic update
 * (`$addToSet`, `$pull`, `$set` on one path) and concurrent admins never overwrite each other.
 */
export const SETTINGS_ID = 'settings';

export interface EndpointSettingsDoc {
  ipFilters?: string[];
  signatureEnforced?: boolean;
}

export interface SecuritySettingsDoc {
  _id: string;
  modules?: Partial<Record<SecurityModule, boolean>>;
  endpoints?: Partial<Record<ApiEndpoint, EndpointSettingsDoc>>;
}

const schema = new Schema<SecuritySettingsDoc>(
  { _id: { type: String, required: true } },
  { collection: 'security_settings', strict: false, versionKey: false, _id: false, id: false, minimize: false },
);

export function securitySettingsModel(connection: Connection): Model<SecuritySettingsDoc> {
  return connection.models.SecuritySettings ?? connection.model<SecuritySettingsDoc>('SecuritySettings', schema);
}
