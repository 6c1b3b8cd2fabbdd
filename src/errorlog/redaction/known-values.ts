import { createContext, type RedactionContext } from './context';
import { MASK } from './names';
import { walkValue } from './value';

/** Shorter values would match ordinary words and numbers all over a response. */
export const MIN_KNOWN_SECRET_LENGTH = 4;

export interface KnownValueMatcher {
  readonly mapString: (text: string, ctx: RedactionContext) => string;
  readonly mapNumber: (value: number | bigint, ctx: RedactionContext) => unknown;
}

/**
 * Deep copy of `value` in which every occurrence of each given secret (4 characters or
 * more) inside any string is replaced by `***`, and numbers equal to a secret become
 * `***`. Also finds the JSON-escaped and URL-encoded forms of each secret, the shapes
 * an echo usually takes. Object keys are left alone.
 */
export function redactKnownValues(value: unknown, secrets: Iterable<string>): unknown {
  const matcher = knownValueMatcher(secrets);
  return walkValue(value, createContext(), {
    maskKeys: false,
    parseJson: false,
    ...(matcher ?? {}),
  });
}

export function knownValueMatcher(secrets: Iterable<string>): KnownValueMatcher | undefined {
  const exact = new Set<string>();
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
    exact.add(secret);
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  if (forms.size === 0) return undefined;
  // Longest first: at one position the alternation takes the first that matches, and a
  // secret that contains another must be removed whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const re = compile(sorted);
  return {
    mapString(text, ctx) {
      if (re === undefined) return replaceEach(text, sorted, ctx);
      re.lastIndex = 0;
      if (!re.test(text)) return text;
      return text.replace(re, () => {
        ctx.masked++;
        return MASK;
      });
    },
    mapNumber(value, ctx) {
      if (!exact.has(String(value))) return value;
      ctx.masked++;
      return MASK;
    },
  };
}

function compile(forms: readonly string[]): RegExp | undefined {
  try {
    const re = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
    re.test(''); // V8 compiles lazily: an oversized pattern only throws on first use.
    return re;
  } catch {
    // Megabytes of secrets can exceed the regex engine's size limit.
    return undefined;
  }
}

function replaceEach(text: string, forms: readonly string[], ctx: RedactionContext): string {
  let out = text;
  for (const form of forms) {
    if (!out.includes(form)) continue;
    out = out.split(form).join(MASK);
    ctx.masked++;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
