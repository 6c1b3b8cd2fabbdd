/**
 * Test signer backed by escher-auth 4.x: what a Node client of the API would send. Without a
 * date it calls escher-auth's public `signRequest` (real clock); with one it runs escher-auth's
 * own signing steps at that instant (see escher-auth.ts).
 */
import { antavoEscherConfig, type EscherConfig } from '../../../src/escher';
import { createEscherAuth, signRequestAt, type EscherAuthHeaders, type EscherAuthRequest } from './escher-auth';

import type { RequestToSign, SignerHeaders } from './request';

export type { SignerHeaders } from './request';

/** escher-auth always signs host and the date header, besides `headersToSign`. */
export interface EscherSignInput extends RequestToSign {
  config: EscherConfig;
  /** Omit to sign with escher-auth's public API at the current time. */
  date?: Date;
}

function toPairs(headers: SignerHeaders): EscherAuthHeaders {
  const pairs: EscherAuthHeaders = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') pairs.push([name, String(value)]);
    else for (const v of value) pairs.push([name, v]);
  }
  return pairs;
}

/** escher-auth's [name, value] list -> Node-style lower-case record (repeats become arrays). */
function toRecord(pairs: EscherAuthHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/** Returns the headers to send: the input headers plus the date header (if absent) and the auth header. */
export function signRequest(input: EscherSignInput): Record<string, string | string[]> {
  const config = { ...input.config, accessKeyId: input.key, apiSecret: input.secret };
  const request: EscherAuthRequest = { method: input.method, url: input.url, headers: toPairs(input.headers) };
  const headersToSign = input.headersToSign ? [...input.headersToSign] : undefined;
  const signed = input.date
    ? signRequestAt(config, request, input.body, headersToSign, input.date)
    : createEscherAuth(config).signRequest(request, input.body, headersToSign);
  return toRecord(signed.headers);
}

/** Antavo-configured escher-auth signing at the current time, for HTTP-level tests. */
export function signWithEscher(input: RequestToSign & { apiStack: string }): Record<string, string | string[]> {
  return signRequest({ ...input, config: antavoEscherConfig(input.apiStack) });
}
