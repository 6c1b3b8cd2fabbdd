import { createContext, type RedactionContext } from './context';
import { echoPattern, mayHoldEscapes } from './echo-pattern';
import { MASK } from './names';
import { walkValue } from './value';

/** Shorter values would match ordinary words and numbers all over a response. */
export const MIN_KNOWN_SECRET_LENGTH = 4;

export interface KnownValueMatcher {
  readonly mapString: (text: string, ctx: RedactionContext) => string;
  readonly mapNumber: (value: number | bigint, ctx: RedactionContext) => unknown;
}

export interface MatcherOptions {
  /** What an occurrence of `secret` becomes; `***` unless given. */
  readonly replacement?: (secret: string) => string;
  /** Also match letters and digits written as escapes (see `echoPattern`). */
  readonly everyChar?: boolean;
}

/**
 * Deep copy of `value` in which every occurrence of each given secret (4 characters or
 * more) inside any string is replaced by `***`, and numbers equal to a secret become
 * `***`. Occurrences are found however they were escaped on the way: JSON and GraphQL
 * escapes at any depth, either hex case, URL encoding (see `echoPattern`). Object keys
 * are left alone.
 */
export function redactKnownValues(value: unknown, secrets: Iterable<string>): unknown {
  const matcher = knownValueMatcher(secrets);
  return walkValue(value, createContext(), {
    maskKeys: false,
    parseJson: false,
    ...(matcher ?? {}),
  });
}

export function knownValueMatcher(secrets: Iterable<string>, options: MatcherOptions = {}): KnownValueMatcher | undefined {
  const exact = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= MIN_KNOWN_SECRET_LENGTH) exact.add(secret);
  }
  if (exact.size === 0) return undefined;
  // Longest first: at one position the alternation takes the first that matches, and a
  // secret that contains another must be removed whole.
  const sorted = [...exact].sort((a, b) => b.length - a.length);
  const replacement = options.replacement;
  const literal = replaceLiterally(sorted, replacement);
  // Most strings hold no escape at all, and then only the secret as it is can be in them:
  // the escape-tolerant expression is built (and run) only for a string that needs it.
  let escaped: Replace | undefined;
  return {
    mapString(text, ctx) {
      if (!mayHoldEscapes(text)) return literal(text, ctx);
      escaped ??= compile(sorted, options) ?? replaceEachForm(sorted, replacement);
      return escaped(text, ctx);
    },
    mapNumber(value, ctx) {
      const text = String(value);
      if (!exact.has(text)) return value;
      ctx.masked++;
      return replacement ? replacement(text) : MASK;
    },
  };
}

type Replace = (text: string, ctx: RedactionContext) => string;

function replaceLiterally(sorted: readonly string[], replacement: ((secret: string) => string) | undefined): Replace {
  return (text, ctx) => {
    let out = text;
    for (const secret of sorted) {
      if (!out.includes(secret)) continue;
      out = out.split(secret).join(replacement ? replacement(secret) : MASK);
      ctx.masked++;
    }
    return out;
  };
}

function compile(sorted: readonly string[], options: MatcherOptions): Replace | undefined {
  const { replacement, everyChar = false } = options;
  let re: RegExp;
  try {
    // With a replacement per secret each secret is its own group, so the match tells which.
    const patterns = sorted.map((secret) => echoPattern(secret, everyChar));
    re = new RegExp(replacement ? patterns.map((p) => `(${p})`).join('|') : patterns.join('|'), 'g');
    re.test(''); // V8 compiles lazily: an oversized pattern only throws on first use.
  } catch {
    // Megabytes of secrets can exceed the regex engine's size limit.
    return undefined;
  }
  return (text, ctx) => {
    re.lastIndex = 0;
    if (!re.test(text)) return text;
    return text.replace(re, (...args: unknown[]) => {
      ctx.masked++;
      if (!replacement) return MASK;
      const group = args.findIndex((arg, i) => i > 0 && i <= sorted.length && arg !== undefined);
      return replacement(sorted[group - 1]!);
    });
  };
}

/** The fallback for secrets too large for one regular expression: the usual forms only. */
function replaceEachForm(sorted: readonly string[], replacement: ((secret: string) => string) | undefined): Replace {
  const forms: [string, string][] = [];
  for (const secret of sorted) {
    const to = replacement ? replacement(secret) : MASK;
    const json = JSON.stringify(secret).slice(1, -1);
    for (const form of new Set([secret, json, upperCaseUnicodeEscapes(json), encodeURIComponent(secret)])) {
      forms.push([form, to]);
    }
  }
  return (text, ctx) => {
    let out = text;
    for (const [form, to] of forms) {
      if (!out.includes(form)) continue;
      out = out.split(form).join(to);
      ctx.masked++;
    }
    return out;
  };
}

function upperCaseUnicodeEscapes(json: string): string {
  return json.replace(/\\u([0-9a-f]{4})/g, (_, digits: string) => `\\u${digits.toUpperCase()}`);
}
