import type { EscherConfig, EscherHashAlgo } from './types';

export const SUPPORTED_HASH_ALGOS: readonly EscherHashAlgo[] = ['SHA256', 'SHA512'];

/** escher-auth's own defaults, so configs from the Escher test vectors can be completed the same way. */
export const ESCHER_DEFAULT_CONFIG: Readonly<EscherConfig> = Object.freeze({
  algoPrefix: 'ESR',
  vendorKey: 'Escher',
  hashAlgo: 'SHA256',
  credentialScope: 'escher_request',
  authHeaderName: 'X-Escher-Auth',
  dateHeaderName: 'X-Escher-Date',
});

/** Escher's default clock skew (seconds). */
export const ESCHER_DEFAULT_CLOCK_SKEW_SECONDS = 300;

export function isSupportedHashAlgo(value: string): value is EscherHashAlgo {
  return value === 'SHA256' || value === 'SHA512';
}

/** The Antavo dialect: `ANTAVO-HMAC-SHA256 Credential=<key>/<YYYYMMDD>/<stack>/api/antavo_request`. */
export function antavoEscherConfig(apiStack: string): EscherConfig {
  if (!/^[A-Za-z0-9_-]+$/.test(apiStack)) {
    // The stack becomes one element of the HMAC key chain; a '/' would silently add another.
    throw new Error(`Invalid API stack name for the Escher credential scope: ${JSON.stringify(apiStack)}`);
  }
  return {
    algoPrefix: 'ANTAVO',
    vendorKey: 'Antavo',
    hashAlgo: 'SHA256',
    credentialScope: `${apiStack}/api/antavo_request`,
    authHeaderName: 'Authorization',
    dateHeaderName: 'Date',
  };
}

/** Fills gaps from escher-auth's defaults (as escher-auth itself does) and rejects unusable values. */
export function completeEscherConfig(partial: Partial<EscherConfig>): EscherConfig {
  const merged: EscherConfig = { ...ESCHER_DEFAULT_CONFIG };
  for (const key of Object.keys(partial) as (keyof EscherConfig)[]) {
    const value = partial[key];
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (!isSupportedHashAlgo(merged.hashAlgo)) {
    throw new Error('Only SHA256 and SHA512 hash algorithms are allowed');
  }
  return merged;
}
