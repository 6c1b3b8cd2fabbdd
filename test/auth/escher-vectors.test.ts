/**
 * Runs every Escher test vector (MIT, github.com/emartech/escher test suites) against this
 * project's Escher module, and the signing/presigning ones also against escher-auth 4.x.
 * Vectors are data, not code: a new file in any suite folder is picked up and must pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EscherConfig, EscherFailureCode, EscherRequest } from '../../src/escher';
import { signEscherRequest } from '../support/signers/project-signer';
import { verifySignedRequest } from '../support/signers/presigned-url';
import {
  completeEscherConfig,
  ESCHER_DEFAULT_CLOCK_SKEW_SECONDS,
  escherAuthCanonicalRequest,
  escherAuthStringToSign,
  preSignUrlAt,
  signRequestAt,
  type EscherAuthConfig,
  type EscherAuthRequest,
} from '../support/signers/escher-auth';

const VECTOR_DIR = process.env.ESCHER_TEST_CASES_DIR ?? path.resolve(process.cwd(), '../shared/escher-test-cases');
const SUITES = ['aws4_testsuite', 'emarsys_testsuite', 'test_cases'];

interface VectorConfig extends EscherAuthConfig {
  /** "now" for the case, ISO or RFC 1123. */
  date: string;
}

interface Vector {
  title?: string;
  headersToSign?: string[];
  mandatorySignedHeaders?: string[];
  request: { method: string; url: string; headers?: [string, string][]; body?: string; expires?: number };
  config: VectorConfig;
  keyDb?: [string, string][];
  expected: {
    canonicalizedRequest?: string;
    stringToSign?: string;
    authHeader?: string;
    request?: { headers: [string, string][] };
    apiKey?: string;
    url?: string;
    error?: string;
  };
}

/**
 * Expected escher error message -> our failure code. `sameText: false` where our reason is worded
 * differently on purpose (grammar, or the body check is about raw bytes rather than emptiness).
 */
const AUTH_ERRORS: Record<string, { code: EscherFailureCode; sameText: boolean }> = {
  'The credential date does not match with the request date': { code: 'date_credential_mismatch', sameText: true },
  'Could not parse auth header': { code: 'malformed_auth_header', sameText: true },
  'The credential scope is invalid': { code: 'wrong_credential_scope', sameText: true },
  'Invalid Escher key': { code: 'unknown_key', sameText: true },
  'Only SHA256 and SHA512 hash algorithms are allowed': { code: 'wrong_algorithm', sameText: true },
  'The request method is invalid': { code: 'invalid_request', sameText: true },
  'The authorization header is missing': { code: 'missing_auth_header', sameText: true },
  'The date header is missing': { code: 'date_missing', sameText: true },
  'The host header is missing': { code: 'signed_header_missing', sameText: true },
  'The request date is not within the accepted time range': { code: 'date_out_of_skew', sameText: true },
  'The signatures do not match': { code: 'signature_mismatch', sameText: true },
  "The request url shouldn't contains http or https": { code: 'invalid_request', sameText: false },
  "The request body shouldn't be empty if the request method is POST": { code: 'invalid_request', sameText: false },
};
const HEADER_NOT_SIGNED = /^The (\S+) header is not signed$/;

const SIGN_ERRORS: Record<string, RegExp> = {
  'The request method is invalid': /^The request method is invalid$/,
  "The request url shouldn't contains http or https": /^The request url shouldn't contain http or https/,
  'Invalid Escher key': /^Invalid Escher key$/,
};

function escherConfigOf(vector: Vector): EscherConfig {
  const { algoPrefix, vendorKey, hashAlgo, credentialScope, authHeaderName, dateHeaderName } = vector.config;
  return completeEscherConfig({ algoPrefix, vendorKey, hashAlgo, credentialScope, authHeaderName, dateHeaderName });
}

function nowOf(vector: Vector): Date {
  const now = new Date(vector.config.date);
  assert.ok(!Number.isNaN(now.getTime()), `config.date ${vector.config.date} must parse`);
  return now;
}

/** [name, value] pairs -> Node-style lower-case header record (repeats become arrays, in order). */
function nodeHeaders(pairs: readonly [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const key = name.trim().toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

function escherAuthRequestOf(vector: Vector): EscherAuthRequest {
  return {
    method: vector.request.method,
    url: vector.request.url,
    headers: (vector.request.headers ?? []).map(([n, v]) => [n, v] as [string, string]),
    body: vector.request.body,
  };
}

function lowerPairs(pairs: readonly (readonly [string, string | readonly string[]])[]): string[] {
  return pairs.map(([n, v]) => `${n.toLowerCase()}: ${String(v)}`).sort();
}

function runSignCase(vector: Vector): void {
  const config = escherConfigOf(vector);
  const now = nowOf(vector);
  const { expected } = vector;
  const body = vector.request.body ?? '';

  if (expected.error !== undefined) {
    const ours = SIGN_ERRORS[expected.error];
    assert.ok(ours, `no mapping for sign error ${JSON.stringify(expected.error)}`);
    assert.throws(() => signRequestAt(vector.config, escherAuthRequestOf(vector), body, vector.headersToSign, now), {
      message: expected.error,
    });
    assert.throws(
      () =>
        signEscherRequest({
          method: vector.request.method,
          url: vector.request.url,
          headers: nodeHeaders(vector.request.headers ?? []),
          body,
          apiKey: vector.config.accessKeyId ?? '',
          secret: vector.config.apiSecret as string,
          config,
          date: now,
          headersToSign: vector.headersToSign,
        }),
      { message: ours },
    );
    return;
  }

  assert.ok(expected.canonicalizedRequest ?? expected.stringToSign ?? expected.authHeader, 'sign case expects something');
  const apiKey = vector.config.accessKeyId!;
  const secret = vector.config.apiSecret!;

  // 1. This project's module.
  const ours = signEscherRequest({
    method: vector.request.method,
    url: vector.request.url,
    headers: nodeHeaders(vector.request.headers ?? []),
    body: Buffer.from(body, 'utf8'),
    apiKey,
    secret,
    config,
    date: now,
    headersToSign: vector.headersToSign,
  });
  if (expected.canonicalizedRequest !== undefined)
    assert.equal(ours.canonicalRequest, expected.canonicalizedRequest, 'canonical request (module)');
  if (expected.stringToSign !== undefined) assert.equal(ours.stringToSign, expected.stringToSign, 'string to sign (module)');
  if (expected.authHeader !== undefined) assert.equal(ours.authHeader, expected.authHeader, 'auth header (module)');

  // 2. escher-auth (same steps as Escher#signRequest, clock fixed to config.date).
  const signed = signRequestAt(vector.config, escherAuthRequestOf(vector), body, vector.headersToSign, now);
  const authName = config.authHeaderName.toLowerCase();
  const theirAuth = signed.headers.find(([n]) => n.toLowerCase() === authName)?.[1];
  if (expected.authHeader !== undefined) assert.equal(theirAuth, expected.authHeader, 'auth header (escher-auth)');
  if (expected.request)
    assert.deepEqual(lowerPairs(signed.headers), lowerPairs(expected.request.headers), 'signed headers (escher-auth)');
  // Canonical request / string to sign of the request as signed (the date header may have been added).
  const unsigned: EscherAuthRequest = { ...signed, headers: signed.headers.filter(([n]) => n.toLowerCase() !== authName) };
  if (expected.canonicalizedRequest !== undefined) {
    assert.equal(
      escherAuthCanonicalRequest(vector.config, unsigned, body, vector.headersToSign),
      expected.canonicalizedRequest,
      'canonical request (escher-auth)',
    );
  }
  if (expected.stringToSign !== undefined) {
    assert.equal(
      escherAuthStringToSign(vector.config, unsigned, body, vector.headersToSign, now),
      expected.stringToSign,
      'string to sign (escher-auth)',
    );
  }

  // 3. The verifier accepts the signed request it was given as the expected output.
  const result = verifySignedRequest(
    { method: vector.request.method, url: vector.request.url, headers: ours.headers, body: Buffer.from(body, 'utf8') },
    {
      config,
      clockSkewSeconds: ESCHER_DEFAULT_CLOCK_SKEW_SECONDS,
      now,
      lookupSecret: (k) => (k === apiKey ? secret : undefined),
    },
  );
  assert.deepEqual(result, { ok: true, apiKey });
}

function runAuthenticateCase(vector: Vector): void {
  const keyDb = new Map(vector.keyDb ?? []);
  const request: EscherRequest = {
    method: vector.request.method,
    url: vector.request.url,
    headers: nodeHeaders(vector.request.headers ?? []),
    // A vector without a body models a body-less POST reaching the verifier: passed through
    // unconverted so the verifier's runtime guard is what gets tested.
    body: (vector.request.body === undefined ? undefined : Buffer.from(vector.request.body, 'utf8')) as Buffer,
  };
  const result = verifySignedRequest(request, {
    config: escherConfigOf(vector),
    clockSkewSeconds: vector.config.clockSkew ?? ESCHER_DEFAULT_CLOCK_SKEW_SECONDS,
    now: nowOf(vector),
    lookupSecret: (apiKey) => keyDb.get(apiKey),
    mandatorySignedHeaders: vector.mandatorySignedHeaders,
    allowPresignedUrl: true,
  });

  const { expected } = vector;
  if (expected.apiKey !== undefined) {
    assert.deepEqual(result, { ok: true, apiKey: expected.apiKey });
    return;
  }
  assert.ok(expected.error !== undefined, 'authenticate case expects apiKey or error');
  assert.equal(result.ok, false, `expected failure "${expected.error}"`);
  if (result.ok) return;
  const notSigned = HEADER_NOT_SIGNED.exec(expected.error);
  const mapped = notSigned ? { code: 'header_not_signed' as const, sameText: true } : AUTH_ERRORS[expected.error];
  assert.ok(mapped, `no mapping for authenticate error ${JSON.stringify(expected.error)}`);
  assert.equal(result.code, mapped.code, `code for "${expected.error}" (reason: ${result.reason})`);
  if (mapped.sameText)
    assert.ok(result.reason.startsWith(expected.error), `reason "${result.reason}" should start with "${expected.error}"`);
}

function runPresignCase(vector: Vector): void {
  const now = nowOf(vector);
  const expires = vector.request.expires;
  assert.equal(typeof expires, 'number', 'presign case has request.expires');
  const url = preSignUrlAt(vector.config, vector.request.url, expires!, now);
  assert.equal(url, vector.expected.url);

  // The presigned URL, as a server receives it (no scheme/authority, no fragment), verifies.
  // escher-auth signs the authority as written (example.com:443), so that is the Host sent.
  const parsed = new URL(url);
  const result = verifySignedRequest(
    {
      method: 'GET',
      url: parsed.pathname + parsed.search,
      headers: { host: hostHeaderOf(vector.request.url) },
      body: Buffer.alloc(0),
    },
    {
      config: escherConfigOf(vector),
      clockSkewSeconds: vector.config.clockSkew ?? ESCHER_DEFAULT_CLOCK_SKEW_SECONDS,
      now,
      lookupSecret: (k) => (k === vector.config.accessKeyId ? vector.config.apiSecret : undefined),
      allowPresignedUrl: true,
    },
  );
  assert.deepEqual(result, { ok: true, apiKey: vector.config.accessKeyId });
}

/** The Host header a client sends keeps an explicit port even when it is the default one. */
function hostHeaderOf(rawUrl: string): string {
  const m = /^[a-z]+:\/\/([^/?#]+)/i.exec(rawUrl);
  assert.ok(m, `absolute url expected: ${rawUrl}`);
  return m[1]!;
}

const files = SUITES.flatMap((suite) =>
  readdirSync(path.join(VECTOR_DIR, suite))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(suite, name)),
);

let casesRun = 0;
const kinds = { sign: 0, authenticate: 0, presign: 0 };

for (const file of files) {
  test(`escher vector ${file}`, () => {
    const vector = JSON.parse(readFileSync(path.join(VECTOR_DIR, file), 'utf8')) as Vector;
    const base = path.basename(file);
    casesRun++;
    if (base.startsWith('signrequest-')) {
      kinds.sign++;
      runSignCase(vector);
    } else if (base.startsWith('authenticate-')) {
      kinds.authenticate++;
      runAuthenticateCase(vector);
    } else if (base.startsWith('presignurl-')) {
      kinds.presign++;
      runPresignCase(vector);
    } else {
      assert.fail(`unknown vector kind: ${file}`);
    }
  });
}

test('every vector file was run', () => {
  assert.ok(files.length > 70, `expected more than 70 vector files in ${VECTOR_DIR}, found ${files.length}`);
  assert.equal(casesRun, files.length);
  assert.equal(kinds.sign + kinds.authenticate + kinds.presign, files.length);
});
