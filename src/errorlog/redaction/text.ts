import { addSecret, createContext, type RedactionContext } from './context';
import { isSensitiveName, MASK, mayContainSensitiveName } from './names';

/**
 * A name, its optional closing quote (possibly escaped, as in `\"password\"` inside a JSON
 * string inside a GraphQL string), then `:` or `=`. The look-behind keeps the engine
 * from retrying inside a long identifier, which keeps the scan linear.
 */
const NAME_BEFORE_VALUE = /(?<![\w$-])(\$?)([A-Za-z_][\w-]*)(?:\\*["'])?\s*([:=])\s*/g;
/** After `$password:` in a variable definition: the type, then an optional default. */
const TYPE_THEN_DEFAULT = /[\s[\]!\w]*=\s*/y;
/** An unquoted value: a number, an enum, a bare query-string value. */
const BARE_VALUE = /[^\s,;&)}\]"'#\\]+/y;

interface Span {
  /** Where the masked part starts and ends (inside the quotes for strings). */
  readonly innerStart: number;
  readonly innerEnd: number;
  /** Where scanning resumes. */
  readonly end: number;
  /** Text that replaces the inner part. */
  readonly replacement: string;
}

/**
 * Masks values that follow a sensitive name in text that is not valid GraphQL (or any
 * free text, such as an error message): `password: "x"`, `"password": "x"`,
 * `password:"x"`, `password: """x"""`, `\"password\": \"x\"`, `password=x`,
 * `password: 123`, `password: {…}`. Quotes are kept around the mask so the text stays
 * readable; variable references (`password: $pw`) are left alone. An unterminated value
 * is masked to the end of its line (strings) or of the text (block strings, braces):
 * unterminated values are a common reason a query fails to parse.
 */
export function redactText(text: string): string {
  return redactTextWith(text, createContext());
}

// `\u0070assword` (escaped once or more, inside a string) still names a password.
const ESCAPED_NAME_CHAR = /\\+u00(2[dD]|3[0-9]|[4-7][0-9a-fA-F])/g;

export function redactTextWith(input: string, ctx: RedactionContext): string {
  // Decoding makes the text no longer round-trip, which is fine for a log of a query
  // that was unparsable anyway; it only happens when such escapes are present.
  const text = input.includes('\\u') ? input.replace(ESCAPED_NAME_CHAR, decodeNameChar) : input;
  if (!mayContainSensitiveName(text)) return input;
  const re = NAME_BEFORE_VALUE;
  re.lastIndex = 0;
  let out = '';
  let copied = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    const isVariable = match[1] === '$';
    const name = match[2]!;
    let at = match.index + match[0].length;
    if (!isSensitiveName(name)) continue;
    if (isVariable) {
      if (match[3] !== ':') continue;
      TYPE_THEN_DEFAULT.lastIndex = at;
      if (!TYPE_THEN_DEFAULT.test(text)) continue;
      at = TYPE_THEN_DEFAULT.lastIndex;
    }
    const span = scanValue(text, at);
    if (span === undefined) continue;
    re.lastIndex = Math.max(span.end, at);
    // An empty value hides nothing, as in redactValue.
    if (span.innerStart === span.innerEnd) continue;
    rememberTextSecret(text.slice(span.innerStart, span.innerEnd), ctx);
    ctx.masked++;
    out += text.slice(copied, span.innerStart) + span.replacement;
    copied = span.innerEnd;
  }
  return out === '' ? input : out + text.slice(copied);
}

function decodeNameChar(escape: string, hex: string): string {
  const ch = String.fromCharCode(parseInt(hex, 16));
  return /[\w-]/.test(ch) ? ch : escape;
}

// The masked text is still escaped (`a\"b`, or twice over inside a JSON string); an echo
// in a response would carry the decoded value, so each decoding is remembered as well.
function rememberTextSecret(raw: string, ctx: RedactionContext): void {
  addSecret(ctx, raw);
  let value = raw;
  for (let level = 0; level < 3 && value.includes('\\'); level++) {
    try {
      value = JSON.parse(`"${value}"`) as string;
    } catch {
      return;
    }
    addSecret(ctx, value);
  }
}

function scanValue(text: string, at: number): Span | undefined {
  if (at >= text.length) return undefined;
  const c = text[at];
  if (c === '$') return undefined;
  if (text.startsWith('"""', at)) {
    const close = findBlockStringEnd(text, at + 3);
    return { innerStart: at + 3, innerEnd: close, end: Math.min(close + 3, text.length), replacement: MASK };
  }
  if (c === '"' || c === '\\' || c === "'") {
    let run = 0;
    while (text[at + run] === '\\') run++;
    const quote = text[at + run];
    if (quote === '"' || quote === "'") {
      const open = at + run + 1;
      const close = findQuotedEnd(text, open, quote, run);
      return { innerStart: open, innerEnd: close.innerEnd, end: close.end, replacement: MASK };
    }
  }
  if (c === '{' || c === '[') {
    const end = findBalancedEnd(text, at);
    return { innerStart: at, innerEnd: end, end, replacement: `"${MASK}"` };
  }
  BARE_VALUE.lastIndex = at;
  if (!BARE_VALUE.test(text)) return undefined;
  return { innerStart: at, innerEnd: BARE_VALUE.lastIndex, end: BARE_VALUE.lastIndex, replacement: MASK };
}

/** Index of the closing `"""`, or the end of the text when there is none. */
function findBlockStringEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const close = text.indexOf('"""', i);
    if (close < 0) return text.length;
    if (text[close - 1] !== '\\') return close;
    i = close + 3;
  }
}

/**
 * A quote opened after `level` backslashes closes at the next same quote preceded by a
 * backslash run r with r ≡ level (mod 2·(level+1)): level 0 closes on an even run, a
 * string escaped once (`\"…\"`) on runs 1, 5, 9…, and so on; other runs are escaped
 * quotes of the inner text. A newline ends it too, since GraphQL and JSON strings
 * cannot contain one.
 */
function findQuotedEnd(text: string, from: number, quote: string, level: number): { innerEnd: number; end: number } {
  const modulus = 2 * (level + 1);
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') return { innerEnd: i, end: i };
    if (ch !== quote) continue;
    let run = 0;
    while (i - run - 1 >= from && text[i - run - 1] === '\\') run++;
    if (run % modulus === level % modulus) return { innerEnd: i - level, end: i + 1 };
  }
  return { innerEnd: text.length, end: text.length };
}

/** End of a `{…}`/`[…]` value, skipping brackets inside strings; the end of the text if unbalanced. */
function findBalancedEnd(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '{' || ch === '[' || ch === '(') {
      depth++;
      i++;
    } else if (ch === '}' || ch === ']' || ch === ')') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else if (text.startsWith('"""', i)) {
      i = Math.min(findBlockStringEnd(text, i + 3) + 3, text.length);
    } else if (ch === '"' || ch === "'" || ch === '\\') {
      // Skipping a string can only make the mask longer (an apostrophe in broken text),
      // never shorter.
      let run = 0;
      while (text[i + run] === '\\') run++;
      const quote = text[i + run];
      if (quote === '"' || quote === "'") i = findQuotedEnd(text, i + run + 1, quote, run).end;
      else i += Math.max(run, 1);
    } else {
      i++;
    }
  }
  return text.length;
}
