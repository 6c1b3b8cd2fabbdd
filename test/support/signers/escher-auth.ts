/**
 * Typed facade over the untyped `escher-auth` 4.x package (it ships no TypeScript types). A
 * module-local facade rather than an ambient `declare module 'escher-auth'`, so it cannot clash
 * with declarations elsewhere in the project.
 *
 * escher-auth reads the clock itself (`new Date()`) in signRequest/preSignUrl/authenticate. The
 * `...At(date)` helpers run the same steps through escher-auth's own internal classes with an
 * explicit date, so tests and vectors can sign "at" a given instant without patching global Date.
 * The server's verifier does not use escher-auth (see src/escher/verify.ts for why).
 */
import { isSupportedHashAlgo } from '../../../src/escher/auth-header';
import type { EscherConfig, EscherHashAlgo } from '../../../src/escher';

/** escher-auth's own defaults, so configs from the Escher test vectors are completed the same way. */
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

export type EscherAuthHeaders = Array<[string, string]>;

/** escher-auth's request shape: headers as [name, value] pairs, names in any case. */
export interface EscherAuthRequest {
  method: string;
  /** Path and query only. */
  url: string;
  host?: string;
  port?: number;
  headers: EscherAuthHeaders;
  body?: string | Buffer;
}

export interface EscherAuthConfig {
  algoPrefix?: string;
  vendorKey?: string;
  hashAlgo?: EscherHashAlgo;
  credentialScope?: string;
  authHeaderName?: string;
  dateHeaderName?: string;
  /** Seconds. */
  clockSkew?: number;
  accessKeyId?: string;
  apiSecret?: string;
}

export type EscherAuthKeyDb = (apiKey: string) => string | undefined;

export interface EscherAuthClient {
  /** Adds the date header (if absent) and the auth header to `request.headers`; returns the same object. */
  signRequest(request: EscherAuthRequest, body: string | Buffer, headersToSign?: string[]): EscherAuthRequest;
  /** Returns the API key, throws an Error with escher-auth's message otherwise. */
  authenticate(request: EscherAuthRequest, keyDb: EscherAuthKeyDb, mandatorySignedHeaders?: string[]): string;
  preSignUrl(url: string, expiresSeconds: number): string;
}

// --- shapes of the untyped module and of the internals used by the `...At` helpers ---
interface EscherInstance extends EscherAuthClient {
  _config: Required<Omit<EscherAuthConfig, 'accessKeyId' | 'apiSecret'>> & Pick<EscherAuthConfig, 'accessKeyId' | 'apiSecret'>;
  validateRequest(request: EscherAuthRequest, body?: string | Buffer): void;
  getHeadersToSign(headersToSign?: string[]): string[];
}
type EscherConstructor = new (config?: EscherAuthConfig) => EscherInstance;
type InternalConfig = EscherInstance['_config'];
interface AuthHelperInstance {
  generateHeader(request: EscherAuthRequest, body: string | Buffer, headersToSign: string[]): string;
  generatePreSignedUrl(url: string, expires: number): string;
}
type AuthHelperConstructor = new (config: InternalConfig, currentDate: Date) => AuthHelperInstance;
type CanonicalizerConstructor = new (hashAlgo?: string) => {
  canonicalizeRequest(request: EscherAuthRequest, body: string | Buffer, headersToSign: string[]): string;
};
type SignerConstructor = new (
  config: InternalConfig,
  currentDate: Date,
) => {
  getStringToSign(request: EscherAuthRequest, body: string | Buffer, headersToSign: string[]): string;
};
interface EscherUtils {
  normalizeHeaders(headers: EscherAuthHeaders): Record<string, string>;
  addDefaultHeaders(defaults: Record<string, string>, request: EscherAuthRequest): void;
  toHeaderDateFormat(date: Date): string;
  toLongDate(date: Date): string;
}

// escher-auth ships no types and its internals are reached by path: typed requires.
/* eslint-disable @typescript-eslint/no-require-imports */
const Escher = require('escher-auth') as EscherConstructor;
const AuthHelper = require('escher-auth/lib/authhelper') as AuthHelperConstructor;
const Canonicalizer = require('escher-auth/lib/canonicalizer') as CanonicalizerConstructor;
const Signer = require('escher-auth/lib/signer') as SignerConstructor;
const Utils = require('escher-auth/lib/utils') as EscherUtils;
/* eslint-enable @typescript-eslint/no-require-imports */

/** escher-auth's public API, typed. Throws on an invalid config (e.g. hashAlgo). */
export function createEscherAuth(config: EscherAuthConfig): EscherAuthClient {
  return new Escher({ ...config });
}

/** escher-auth's config after merging its defaults. */
export function escherAuthEffectiveConfig(config: EscherAuthConfig): InternalConfig {
  return { ...new Escher({ ...config })._config };
}

/** `Escher#signRequest` at a given instant (same steps as escher-auth 4.0.2's implementation). */
export function signRequestAt(
  config: EscherAuthConfig,
  request: EscherAuthRequest,
  body: string | Buffer,
  headersToSign: string[] | undefined,
  date: Date,
): EscherAuthRequest {
  const escher = new Escher({ ...config });
  const cfg = escher._config;
  escher.validateRequest(request, body);
  const allHeadersToSign = escher.getHeadersToSign(headersToSign);
  const formattedDate = cfg.dateHeaderName.toLowerCase() === 'date' ? Utils.toHeaderDateFormat(date) : Utils.toLongDate(date);
  Utils.addDefaultHeaders(Utils.normalizeHeaders([[cfg.dateHeaderName, formattedDate]]), request);
  request.headers.push([
    cfg.authHeaderName.toLowerCase(),
    new AuthHelper(cfg, date).generateHeader(request, body, allHeadersToSign),
  ]);
  return request;
}

/** `Escher#preSignUrl` at a given instant. */
export function preSignUrlAt(config: EscherAuthConfig, url: string, expiresSeconds: number, date: Date): string {
  return new AuthHelper(escherAuthEffectiveConfig(config), date).generatePreSignedUrl(url, expiresSeconds);
}

/** escher-auth's canonical request, with host + date + headersToSign as signRequest would pass them. */
export function escherAuthCanonicalRequest(
  config: EscherAuthConfig,
  request: EscherAuthRequest,
  body: string | Buffer,
  headersToSign: string[] | undefined,
): string {
  const escher = new Escher({ ...config });
  return new Canonicalizer(escher._config.hashAlgo).canonicalizeRequest(request, body, escher.getHeadersToSign(headersToSign));
}

/** escher-auth's string to sign at a given instant. */
export function escherAuthStringToSign(
  config: EscherAuthConfig,
  request: EscherAuthRequest,
  body: string | Buffer,
  headersToSign: string[] | undefined,
  date: Date,
): string {
  const escher = new Escher({ ...config });
  return new Signer(escher._config, date).getStringToSign(request, body, escher.getHeadersToSign(headersToSign));
}
