import { createHmac, hash } from 'node:crypto';
import type { EscherHashAlgo } from './types';

const NODE_ALGO: Readonly<Record<EscherHashAlgo, string>> = { SHA256: 'sha256', SHA512: 'sha512' };

/** Hex digest; strings are hashed as UTF-8, Buffers byte for byte. */
export function hashHex(hashAlgo: EscherHashAlgo, data: string | Buffer): string {
  // One-shot crypto.hash (Node >= 20.12) skips the Hash object: measurably cheaper per request.
  return hash(NODE_ALGO[hashAlgo], data, 'hex');
}

function algorithmId(algoPrefix: string, hashAlgo: EscherHashAlgo): string {
  return `${algoPrefix}-HMAC-${hashAlgo}`;
}

/**
 * HMAC key chain: seed = algoPrefix + secret, then the short date, then each '/'-separated part
 * of the credential scope. The seed uses algoPrefix (not vendorKey): that is what escher-auth and
 * the other Escher implementations do, and for AWS both are "AWS4".
 */
export function deriveSigningKey(
  hashAlgo: EscherHashAlgo,
  algoPrefix: string,
  secret: string,
  shortDate: string,
  credentialScope: string,
): Buffer {
  const algo = NODE_ALGO[hashAlgo];
  let key: Buffer = createHmac(algo, algoPrefix + secret)
    .update(shortDate)
    .digest();
  for (const part of credentialScope.split('/')) {
    key = createHmac(algo, key).update(part).digest();
  }
  return key;
}

export function buildStringToSign(
  algoPrefix: string,
  hashAlgo: EscherHashAlgo,
  longDate: string,
  credentialScopeWithDate: string,
  canonicalRequest: string,
): string {
  return (
    algorithmId(algoPrefix, hashAlgo) +
    '\n' +
    longDate +
    '\n' +
    credentialScopeWithDate +
    '\n' +
    hashHex(hashAlgo, canonicalRequest)
  );
}

/** Raw signature bytes (hex-encode for the header). */
export function computeSignature(hashAlgo: EscherHashAlgo, signingKey: Buffer, stringToSign: string): Buffer {
  return createHmac(NODE_ALGO[hashAlgo], signingKey).update(stringToSign).digest();
}

/** Signing keys are valid for a whole UTC day; re-deriving them is 4+ HMACs per request. */
export class SigningKeyCache {
  private readonly entries = new Map<string, { secret: string; key: Buffer }>();

  constructor(private readonly maxEntries = 1024) {}

  get(
    hashAlgo: EscherHashAlgo,
    algoPrefix: string,
    apiKey: string,
    secret: string,
    shortDate: string,
    credentialScope: string,
  ): Buffer {
    const id = `${hashAlgo}\0${algoPrefix}\0${credentialScope}\0${shortDate}\0${apiKey}`;
    const hit = this.entries.get(id);
    // Comparing the secret makes a rotated secret take effect at once instead of at midnight.
    if (hit && hit.secret === secret) return hit.key;
    const key = deriveSigningKey(hashAlgo, algoPrefix, secret, shortDate, credentialScope);
    // Wholesale clearing keeps this O(1) and bounded; a refill costs one derivation per key.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { secret, key });
    return key;
  }
}
