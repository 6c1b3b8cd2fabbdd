import { Schema, type Connection, type Model } from 'mongoose';

export type Role = 'CLIENT' | 'ADMIN';

export interface CredentialDoc {
  _id: string; // the API key: public identifier (Escher's access key id)
  name: string;
  role: Role;
  /** AES-256-GCM sealed secret (see SecretBox); never leaves the server in clear. */
  sealedSecret: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** Calls per minute for this key; null or absent: the server's default (RATE_LIMIT_PER_MINUTE); 0: none. */
  rateLimitPerMinute?: number | null;
}

const credentialSchema = new Schema<CredentialDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ['CLIENT', 'ADMIN'] },
    sealedSecret: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    rateLimitPerMinute: { type: Number, default: null },
  },
  { collection: 'api_credentials', versionKey: false, _id: false, id: false },
);

export function credentialModel(connection: Connection): Model<CredentialDoc> {
  return connection.models.ApiCredential ?? connection.model<CredentialDoc>('ApiCredential', credentialSchema);
}
