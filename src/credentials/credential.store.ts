import { createHash, randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import { PolledCache } from '../common/polled-cache';
import { credentialModel, type CredentialDoc, type Role } from './credential.model';
import { SecretBox } from './secret-box';
import type { ApiCredential, CredentialRole } from './credential.type';
import type { KnownKeys } from '../common/key-hint';

export interface ActiveCredential {
  key: string;
  name: string;
  role: Role;
  /** Decrypted, in memory only: the signature check needs it on every signed request. */
  secret: string;
  /** The key's own calls-per-minute limit; null: the server's default. */
  rateLimitPerMinute: number | null;
}

export type CredentialLookup = { status: 'active'; credential: ActiveCredential } | { status: 'revoked' } | { status: 'unknown' };

/**
 * Keys are looked up by their SHA-256, not by the key itself: a plain API key is a bearer
 * secret, and a Map probe on the raw string could leak how much of a guess matched.
 */
const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('base64');

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A new API key: 32 characters of a 62-letter alphabet, about 190 bits of randomness,
 * with nothing in it (no prefix) that tells a guesser what role it has.
 */
export function generateApiKey(length = 32): string {
  // Rejection sampling keeps every character uniformly likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < length) out += KEY_ALPHABET[byte % 62];
    }
  }
  return out;
}

export function toApiCredential(doc: CredentialDoc): ApiCredential {
  return {
    key: doc._id,
    name: doc.name,
    role: doc.role as CredentialRole,
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt ?? null,
    rateLimitPerMinute: doc.rateLimitPerMinute ?? null,
  };
}

export class CredentialStore extends PolledCache implements KnownKeys {
  readonly model: Model<CredentialDoc>;
  private readonly box: SecretBox;
  private active = new Map<string, ActiveCredential>();
  private revoked = new Set<string>();
  /** Digests of every stored key, revoked and undecryptable ones included (see isKnownKey). */
  private known = new Set<string>();
  private lengths: ReadonlySet<number> = new Set<number>();
  /** The last four characters of every key: what the error log shows of a key anyway. */
  private tails = new Set<string>();

  constructor(connection: Connection, secretsKey: Buffer, logger: Logger) {
    super(connection, 'credentials', logger);
    this.model = credentialModel(connection);
    this.box = new SecretBox(secretsKey);
  }

  protected async load(): Promise<void> {
    const docs = await this.model.find().lean<CredentialDoc[]>();
    const active = new Map<string, ActiveCredential>();
    const revoked = new Set<string>();
    const known = new Set<string>();
    const lengths = new Set<number>();
    const tails = new Set<string>();
    for (const doc of docs) {
      known.add(digest(doc._id));
      lengths.add(doc._id.length);
      tails.add(doc._id.slice(-4));
      if (doc.revokedAt) {
        revoked.add(digest(doc._id));
        continue;
      }
      try {
        const secret = this.box.open(doc.sealedSecret, doc._id);
        active.set(digest(doc._id), {
          key: doc._id,
          name: doc.name,
          role: doc.role,
          secret,
          rateLimitPerMinute: doc.rateLimitPerMinute ?? null,
        });
      } catch {
        // A secret sealed with another key (e.g. SECRETS_ENCRYPTION_KEY changed): the
        // credential cannot sign, so it is left out rather than crashing every request.
        this.logger.error({ credential: doc.name }, 'credential secret cannot be decrypted with the configured key');
      }
    }
    this.active = active;
    this.revoked = revoked;
    this.known = known;
    this.lengths = lengths;
    this.tails = tails;
  }

  /**
   * For the error log: whether `candidate` is a key this server issued. Revoked keys
   * count, since a key that once worked is still someone's credential and may be restored
   * by an update; compared by digest, like `lookup`. Length and last four characters are
   * tested first, so the error log can ask about every ObjectId of a large answer without
   * hashing each one.
   */
  isKnownKey(candidate: string): boolean {
    return this.lengths.has(candidate.length) && this.tails.has(candidate.slice(-4)) && this.known.has(digest(candidate));
  }

  /** Lengths of the stored keys: the error log hashes only candidates of these lengths. */
  get keyLengths(): ReadonlySet<number> {
    return this.lengths;
  }

  lookup(key: string): CredentialLookup {
    const hashed = digest(key);
    const credential = this.active.get(hashed);
    if (credential) return { status: 'active', credential };
    return this.revoked.has(hashed) ? { status: 'revoked' } : { status: 'unknown' };
  }

  async list(): Promise<ApiCredential[]> {
    const docs = await this.model.find().sort({ createdAt: 1, _id: 1 }).lean<CredentialDoc[]>();
    return docs.map(toApiCredential);
  }

  async create(name: string, role: Role): Promise<{ credential: ApiCredential; secret: string }> {
    const key = generateApiKey();
    const secret = randomBytes(32).toString('base64url');
    const doc: CredentialDoc = {
      _id: key,
      name: name.trim(),
      role,
      sealedSecret: this.box.seal(secret, key),
      createdAt: new Date(),
      revokedAt: null,
    };
    await this.model.create(doc);
    await this.changed();
    return { credential: toApiCredential(doc), secret };
  }

  /** Revokes once; the first revocation time is kept. Undefined when no such key exists. */
  async revoke(key: string): Promise<ApiCredential | undefined> {
    await this.model.updateOne({ _id: key, revokedAt: null }, { $set: { revokedAt: new Date() } });
    const doc = await this.model.findById(key).lean<CredentialDoc>();
    if (!doc) return undefined;
    await this.changed();
    return toApiCredential(doc);
  }

  /**
   * Sets (or with null, clears) a key's own rate limit; every instance applies it after its
   * next revision poll. Undefined when no such key exists.
   */
  async setRateLimit(key: string, perMinute: number | null): Promise<ApiCredential | undefined> {
    const doc = await this.model
      .findOneAndUpdate({ _id: key }, { $set: { rateLimitPerMinute: perMinute } }, { returnDocument: 'after' })
      .lean<CredentialDoc>();
    if (!doc) return undefined;
    await this.changed();
    return toApiCredential(doc);
  }

  /** The bootstrap admin of ADMIN_API_KEY/ADMIN_API_SECRET: created, or updated to match. */
  async ensure(key: string, secret: string, name: string, role: Role): Promise<void> {
    await this.model.updateOne(
      { _id: key },
      {
        $set: { name, role, sealedSecret: this.box.seal(secret, key), revokedAt: null },
        $setOnInsert: { createdAt: new Date() },
      },
      { upsert: true },
    );
    await this.changed();
  }
}
