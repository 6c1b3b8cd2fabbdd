import { addPresentedKey, addSecret, createContext, type RedactionContext } from './context';
import { redactGraphQLQueryWith } from './graphql-query';
import { hintCredential } from './headers';
import { isSensitiveTransportName, MASK, normaliseName } from './names';
import { redactJsonText, startsLikeJson } from './value';

/**
 * Masks sensitive parameters (`password=…`, `api_key=…`, `access_token=…`, pre-signed
 * `X-EMS-Signature=…`) and leaves everything else byte for byte as it came. Values that
 * are themselves redactable are redacted and re-encoded, only when something changed:
 * `query=` (a GraphQL GET request), JSON values (`variables=`), nested URLs and query
 * strings (`redirect=…?token=…`). Accepts a leading `?` or `#` or none.
 */
export function redactQueryString(search: string): string {
  return redactQueryStringWith(search, createContext());
}

/** A path with optional query string and fragment (an absolute URL works too). */
export function redactUrl(pathWithQuery: string): string {
  return redactUrlWith(pathWithQuery, createContext());
}

export function redactQueryStringWith(search: string, ctx: RedactionContext): string {
  if (search === '') return search;
  const lead = search[0] === '?' || search[0] === '#' ? search[0] : '';
  const parts = search.slice(lead.length).split('&');
  for (let i = 0; i < parts.length; i++) parts[i] = redactParameter(parts[i]!, ctx);
  return lead + parts.join('&');
}

// `scheme://user:password@host` keeps the user, masks the password.
const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/;

export function redactUrlWith(url: string, ctx: RedactionContext): string {
  let rest = url;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash);
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf('?');
  let path = question >= 0 ? rest.slice(0, question) : rest;
  const search = question >= 0 ? rest.slice(question) : '';
  const userinfo = USERINFO.exec(path);
  if (userinfo !== null && userinfo[2] !== '') {
    addSecret(ctx, decode(userinfo[2]!));
    ctx.masked++;
    path = `${userinfo[1]}${MASK}@${path.slice(userinfo[0].length)}`;
  }
  // OAuth's implicit flow puts `access_token=` in the fragment.
  const safeFragment = fragment.includes('=') ? redactQueryStringWith(fragment, ctx) : fragment;
  return path + redactQueryStringWith(search, ctx) + safeFragment;
}

function redactParameter(part: string, ctx: RedactionContext): string {
  const eq = part.indexOf('=');
  if (eq < 0) return part;
  const rawKey = part.slice(0, eq);
  const rawValue = part.slice(eq + 1);
  if (rawValue === '') return part;
  const key = decode(rawKey);
  const value = decode(rawValue);
  const name = normaliseName(key);
  if (isSensitiveTransportName(key)) {
    // `api_key` is how a plain key is sent in a URL: its echoes get the key's hint.
    if (name.endsWith('apikey')) addPresentedKey(ctx, value);
    addSecret(ctx, value);
    addSecret(ctx, rawValue);
    ctx.masked++;
    return `${rawKey}=${MASK}`;
  }
  // A pre-signed URL's `X-EMS-Credential=<api key>/<date>/<scope>`.
  if (name.endsWith('credential')) return `${rawKey}=${encodeURIComponent(hintCredential(value, ctx))}`;
  const before = ctx.masked;
  const next = redactNestedValue(key, value, ctx);
  return next === undefined || ctx.masked === before ? part : `${rawKey}=${encodeURIComponent(next)}`;
}

function redactNestedValue(key: string, value: string, ctx: RedactionContext): string | undefined {
  if (key === 'query') return redactGraphQLQueryWith(value, ctx);
  if (startsLikeJson(value)) return redactJsonText(value, ctx);
  if (value.includes('?')) return redactUrlWith(value, ctx);
  // A trailing `=` is base64 padding, not a nested parameter.
  if (value.includes('=') && !value.endsWith('=')) return redactQueryStringWith(value, ctx);
  return undefined;
}

function decode(raw: string): string {
  const spaced = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
