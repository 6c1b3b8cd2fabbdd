import { collectSecrets, createContext, type RedactionContext } from './context';
import { isSensitiveName, MASK } from './names';
import { redactTextWith } from './text';

/** Put where a reference loops back to an ancestor, so the copy stays JSON-serialisable. */
export const CIRCULAR = '[Circular]';
/** Put below MAX_DEPTH: dropping deep data is safe, overflowing the stack while logging a failure is not. */
export const TRUNCATED = '[Truncated]';

const MAX_DEPTH = 64;
const IN_PROGRESS: unique symbol = Symbol('in-progress');

export interface WalkOptions {
  /** Mask values under sensitive key names. */
  readonly maskKeys: boolean;
  /** Look inside strings that hold a JSON object or array (a JSON-scalar argument sent as text). */
  readonly parseJson: boolean;
  /** Extra per-string rewriting (echo scrubbing in response bodies). */
  readonly mapString?: (text: string, ctx: RedactionContext) => string;
  /** Extra per-number rewriting (a numeric secret echoed as a number). */
  readonly mapNumber?: (value: number | bigint, ctx: RedactionContext) => unknown;
  /** Rewriting of object keys (an API key used as a key); keys that collide keep the last value. */
  readonly mapKey?: (key: string) => string;
}

const REDACT_OPTIONS: WalkOptions = { maskKeys: true, parseJson: true };

type Seen = Map<object, unknown>;

/**
 * Deep copy of `value` with everything under a sensitive key replaced by "***".
 *
 * - null, undefined and "" under a sensitive key are kept: they hide nothing, and "the
 *   password was missing" is often exactly why the call failed.
 * - A string holding a JSON object/array is parsed, redacted and re-serialised, but only
 *   when something inside was masked; otherwise the original text is kept as it was. A
 *   string that starts like JSON but does not parse is masked as text (`redactText`).
 * - Cycles become "[Circular]"; nesting beyond 64 levels becomes "[Truncated]".
 * - If the input cannot be walked at all (a throwing getter, a hostile proxy) the whole
 *   value becomes "***": a log line with less detail beats a leaked secret.
 */
export function redactValue(value: unknown): unknown {
  return redactValueWith(value, createContext());
}

export function redactValueWith(value: unknown, ctx: RedactionContext): unknown {
  return walkValue(value, ctx, REDACT_OPTIONS);
}

export function walkValue(value: unknown, ctx: RedactionContext, options: WalkOptions): unknown {
  try {
    return walk(value, 0, new Map(), ctx, options);
  } catch {
    ctx.masked++;
    return MASK;
  }
}

/**
 * Redacts inside a string that holds JSON (or starts like JSON but is broken, which is
 * then masked as text by `redactText`). Returns the new text when something was masked,
 * undefined when the string is not JSON-like or nothing in it was sensitive.
 */
export function redactJsonText(text: string, ctx: RedactionContext): string | undefined {
  return startsLikeJson(text) ? redactJsonLike(text, 0, new Map(), ctx, REDACT_OPTIONS) : undefined;
}

/** Masks a value found under a sensitive name, remembering what was removed. */
export function maskWhole(value: unknown, ctx: RedactionContext): unknown {
  if (value === null || value === undefined || value === '') return value;
  collectSecrets(value, ctx);
  ctx.masked++;
  return MASK;
}

function walk(value: unknown, depth: number, seen: Seen, ctx: RedactionContext, options: WalkOptions): unknown {
  if (typeof value === 'string') return walkString(value, depth, seen, ctx, options);
  if (typeof value === 'number' || typeof value === 'bigint') {
    return options.mapNumber ? options.mapNumber(value, ctx) : value;
  }
  if (value === null || typeof value !== 'object') return value;

  const prior = seen.get(value);
  if (prior !== undefined) return prior === IN_PROGRESS ? CIRCULAR : prior;
  if (depth >= MAX_DEPTH) {
    ctx.masked++;
    return TRUNCATED;
  }
  if (value instanceof Date) return new Date(value.getTime());

  seen.set(value, IN_PROGRESS);
  let out: unknown;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = walk(value[i], depth + 1, seen, ctx, options);
    out = copy;
  } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // ObjectId, Buffer, Decimal128, documents: redact what JSON.stringify would write.
    out = walk((value as { toJSON(): unknown }).toJSON(), depth + 1, seen, ctx, options);
  } else {
    const copy: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const child = source[key];
      const next = options.maskKeys && isSensitiveName(key) ? maskWhole(child, ctx) : walk(child, depth + 1, seen, ctx, options);
      const name = options.mapKey ? options.mapKey(key) : key;
      if (name === '__proto__') {
        // Plain assignment would set the copy's prototype instead of an own key.
        Object.defineProperty(copy, name, { value: next, enumerable: true, writable: true, configurable: true });
      } else {
        copy[name] = next;
      }
    }
    out = copy;
  }
  seen.set(value, out);
  return out;
}

function walkString(text: string, depth: number, seen: Seen, ctx: RedactionContext, options: WalkOptions): string {
  if (options.parseJson && startsLikeJson(text)) {
    const redacted = redactJsonLike(text, depth, seen, ctx, options);
    if (redacted !== undefined) return redacted;
  }
  return options.mapString ? options.mapString(text, ctx) : text;
}

function redactJsonLike(
  text: string,
  depth: number,
  seen: Seen,
  ctx: RedactionContext,
  options: WalkOptions,
): string | undefined {
  const before = ctx.masked;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Broken JSON (truncated, hand-written) can still hold `"password": "x"`.
    const masked = redactTextWith(text, ctx);
    return ctx.masked === before ? undefined : masked;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const result = walk(parsed, depth + 1, seen, ctx, options);
  return ctx.masked === before ? undefined : JSON.stringify(result);
}

// Only the first significant character is checked, so ordinary strings never pay for a
// JSON.parse attempt.
export function startsLikeJson(text: string): boolean {
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const first = text.charCodeAt(start);
  return first === 0x7b || first === 0x5b;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
