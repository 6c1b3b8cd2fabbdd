/**
 * Regular-expression source matching a secret as it reads raw or after any escaping an
 * echo of it goes through on its way into a record:
 *
 * - JSON and GraphQL string escapes, at any depth (a JSON string inside a JSON string
 *   inside a message): `\"`, `\\`, `\/`, `\n`…, and `\u` escapes with upper- or
 *   lower-case hex (`JSON.stringify` writes `\u000b`, graphql's printer `\u000B`);
 * - URL encoding, with either hex case and `+` for a space.
 *
 * Letters and digits are only ever matched literally unless `everyChar` is set: no
 * encoder escapes them, and a literal makes the pattern (built for every secret of every
 * failed call) cheaper to run. API keys, which must be found however a client spelled
 * them, use `everyChar`.
 */
export function echoPattern(secret: string, everyChar = false): string {
  const cache = everyChar ? everyCharCache : specialCharCache;
  let out = '';
  for (const ch of secret) {
    let pattern = cache.get(ch);
    if (pattern === undefined) {
      pattern = charPattern(ch, everyChar);
      // Bounded: a hostile secret of many distinct characters must not grow it forever.
      if (cache.size >= CHAR_CACHE_LIMIT) cache.clear();
      cache.set(ch, pattern);
    }
    out += pattern;
  }
  return out;
}

/** True when `text` holds nothing an escaped form needs (`\`, `%`, `+`): only the literal form can be in it. */
export function mayHoldEscapes(text: string): boolean {
  // Three substring searches beat one character-class regex on the short strings of a record.
  return text.includes('\\') || text.includes('%') || text.includes('+');
}

// Patterns are built for every secret of every failed call; the characters repeat.
const CHAR_CACHE_LIMIT = 4096;
const everyCharCache = new Map<string, string>();
const specialCharCache = new Map<string, string>();

const SHORT_ESCAPES: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };
const NEVER_ESCAPED = /^[A-Za-z0-9]$/;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

function charPattern(ch: string, everyChar: boolean): string {
  if (!everyChar && NEVER_ESCAPED.test(ch)) return ch;
  const alternatives = [literal(ch)];
  // An astral character is escaped as its two UTF-16 halves.
  alternatives.push(
    utf16Units(ch)
      .map((code) => `\\\\+u${hex(code, 4)}`)
      .join(''),
  );
  alternatives.push(
    utf8Bytes(ch)
      .map((byte) => `%${hex(byte, 2)}`)
      .join(''),
  );
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) alternatives.push(`\\\\+${short}`);
  if (ch === ' ') alternatives.push('\\+');
  return `(?:${alternatives.join('|')})`;
}

/** The character itself; quotes, slashes and backslashes with however many backslashes escape them. */
function literal(ch: string): string {
  if (ch === '"' || ch === "'" || ch === '/') return `\\\\*${ch.replace(REGEX_SPECIAL, '\\$&')}`;
  if (ch === '\\') return '\\\\+';
  return ch.replace(REGEX_SPECIAL, '\\$&');
}

function utf16Units(ch: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < ch.length; i++) units.push(ch.charCodeAt(i));
  return units;
}

function utf8Bytes(ch: string): number[] {
  return [...Buffer.from(ch, 'utf8')];
}

/** Hex digits of `value`, each letter matching either case. */
function hex(value: number, width: number): string {
  return value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}
