import { apiKeyHint } from '../common/key-hint';
import type { CredentialLookup, CredentialStore } from '../credentials/credential.store';
import type { RawRequest } from '../common/raw-request';
import { hasEscherAuthorization, verifySignedRequest, type EscherConfig } from '../escher';
import { resolveClientAddress, type IpMatcher } from '../ip';
import type { AuthState } from './auth-state';

export interface AuthenticatorOptions {
  credentials: CredentialStore;
  escher: EscherConfig;
  clockSkewSeconds: number;
  trustedProxies: IpMatcher;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function plainKey(request: RawRequest): string | undefined {
  const header = single(request.headers['x-api-key']);
  if (header) return header;
  if (!request.search.includes('api_key=')) return undefined;
  return new URLSearchParams(request.search).get('api_key') ?? undefined;
}

/**
 * Reads the one credential of a request: an Escher signature when an Authorization header of
 * the configured scheme is present (it then must verify), else a plain key. Endpoint rules
 * (IP filter, signature enforcement, roles) are applied afterwards by `authorize`, once the
 * operation's endpoints are known.
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  authenticate(request: RawRequest, now = new Date()): AuthState {
    const { credentials, escher, clockSkewSeconds, trustedProxies } = this.options;
    const client = resolveClientAddress(request.socketAddress, request.headers['x-forwarded-for'], trustedProxies);
    const refuse = (failure: string, key?: string): AuthState => ({
      credential: undefined,
      method: undefined,
      client,
      keyHint: apiKeyHint(key),
      failure,
    });

    if (hasEscherAuthorization(request.headers, escher)) {
      // The verifier asks for the secret once; keep what it was given so the credential is
      // not looked up (and hashed) a second time on every signed request.
      let lookup: CredentialLookup | undefined;
      const result = verifySignedRequest(
        { method: request.method, url: request.url, headers: request.headers, body: request.body },
        {
          config: escher,
          clockSkewSeconds,
          now,
          lookupSecret: (key) => {
            lookup = credentials.lookup(key);
            return lookup.status === 'active' ? lookup.credential.secret : undefined;
          },
        },
      );
      if (!result.ok) {
        const reason = lookup?.status === 'revoked' ? 'the API key has been revoked' : result.reason;
        return refuse(`Invalid request signature: ${reason}`, result.apiKey);
      }
      if (lookup?.status !== 'active') return refuse('the API key is unknown or revoked', result.apiKey);
      return {
        credential: lookup.credential,
        method: 'signature',
        client,
        keyHint: apiKeyHint(result.apiKey),
        failure: undefined,
      };
    }

    const key = plainKey(request);
    if (!key) {
      return refuse('No API credential: send the X-Api-Key header, the api_key query parameter, or a signed request');
    }
    const found = credentials.lookup(key);
    if (found.status === 'revoked') return refuse('the API key has been revoked', key);
    if (found.status === 'unknown') return refuse('the API key is not known', key);
    return { credential: found.credential, method: 'key', client, keyHint: apiKeyHint(key), failure: undefined };
  }
}
