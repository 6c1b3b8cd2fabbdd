import type { EscherConfig } from './types';

/** What makes an API stack name safe as one element of the credential scope. */
const API_STACK = /^[A-Za-z0-9_-]+$/;

/**
 * The Antavo dialect: `ANTAVO-HMAC-SHA256 Credential=<key>/<YYYYMMDD>/<stack>/api/antavo_request`.
 * Built once at start from API_STACK (src/config/config.ts), which is checked only here.
 */
export function antavoEscherConfig(apiStack: string): EscherConfig {
  if (!API_STACK.test(apiStack)) {
    // The stack becomes one element of the HMAC key chain; a '/' would silently add another.
    throw new Error(
      `Invalid API stack ${JSON.stringify(apiStack)}: it becomes one part of the signature credential ` +
        'scope <stack>/api/antavo_request, so it may hold letters, digits, "_" and "-" only',
    );
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
