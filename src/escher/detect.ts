import type { EscherConfig, EscherHeaders } from './types';

/**
 * Cheap routing test: does the request carry an Escher signature header (so it should be
 * verified as signed rather than handled as a plain-key request)? Does not validate anything.
 *
 * A dedicated header name (e.g. X-Escher-Auth) means Escher whenever it is present. `Authorization`
 * is shared with Basic/Bearer, so there the scheme token decides; any `<prefix>-HMAC-<hash>`
 * token counts, so a client using the wrong prefix is told "wrong algorithm" by the verifier
 * instead of being treated as unauthenticated.
 */
export function hasEscherAuthorization(headers: EscherHeaders, config: EscherConfig): boolean {
  const name = config.authHeaderName.toLowerCase();
  const raw = headers[name];
  const value = typeof raw === 'string' ? raw : raw?.[0];
  if (value === undefined || value.trim() === '') return false;
  if (name !== 'authorization') return true;
  const text = value.trimStart();
  const space = text.indexOf(' ');
  return (space === -1 ? text : text.slice(0, space)).includes('-HMAC-');
}
