import { apiKeyHint, type KnownKeys } from './api-key';
import { createContext, type RedactionContext } from './context';
import { knownValueMatcher } from './known-values';
import { walkValue, type WalkOptions } from './value';

/**
 * Rewrites every API key in a part of a record into its hint (`***` + last four), and
 * every occurrence of the secrets it was given into `***`.
 */
export interface KeyHinter {
  text(text: string): string;
  /** A number that is a key (all digits) becomes its hint; others are returned as they are. */
  number(value: number | bigint): unknown;
  /** Deep copy with keys hinted in every string, object key and number. */
  value(value: unknown): unknown;
}

/**
 * A plain API key is a bearer credential and never stored whole (CONTRACT §6). Two
 * kinds are found:
 *
 * - the keys the request presented (known to the server or not: an unknown one is still
 *   a guess at a credential), in every escaping, letters included (`echoPattern`);
 * - keys the server has issued (`known`, active or revoked), as runs of key characters
 *   `[A-Za-z0-9._~-]` in any text. A run is tried as it is, without the letter of an
 *   escape glued to its front (`\n`, `\u0041`, `%2F`), and without punctuation at its
 *   ends; text with `\u00XX` or `%XX` escapes of key characters is also tried decoded.
 *   Only candidates with the length of an issued key are hashed and looked up.
 *
 * `secrets` (the values redaction removed, as `redactResponseBody` takes them) are masked
 * in the same pass, for a request that repeats a password under an ordinary name.
 *
 * Undefined when there is nothing to look for.
 */
export function keyHinter(
  presented: Iterable<string>,
  known: KnownKeys | undefined,
  secrets: Iterable<string> = [],
): KeyHinter | undefined {
  const presentedMatcher = knownValueMatcher(presented, { replacement: apiKeyHint, everyChar: true });
  const secretsMatcher = knownValueMatcher(secrets);
  const lengths = known !== undefined && known.keyLengths.size > 0 ? known.keyLengths : undefined;
  if (presentedMatcher === undefined && secretsMatcher === undefined && lengths === undefined) return undefined;
  const scan = lengths === undefined ? undefined : new KnownKeyScan(known!, lengths);
  const ctx = createContext();
  const text = (input: string): string => {
    let out = secretsMatcher ? secretsMatcher.mapString(input, ctx) : input;
    if (presentedMatcher) out = presentedMatcher.mapString(out, ctx);
    return scan ? scan.text(out) : out;
  };
  const mapNumber = (value: number | bigint, c: RedactionContext): unknown => {
    for (const matcher of [secretsMatcher, presentedMatcher]) {
      const mapped = matcher ? matcher.mapNumber(value, c) : value;
      if (mapped !== value) return mapped;
    }
    if (scan === undefined) return value;
    const digits = String(value);
    return scan.isKey(digits) ? apiKeyHint(digits) : value;
  };
  const options: WalkOptions = { maskKeys: false, parseJson: false, mapString: text, mapKey: text, mapNumber };
  return { text, number: (value) => mapNumber(value, ctx), value: (value) => walkValue(value, ctx, options) };
}

/** 1 for the characters an API key is made of: `[A-Za-z0-9._~-]`. */
const IS_KEY_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-') IS_KEY_CHAR[ch.charCodeAt(0)] = 1;

function isKeyCharCode(code: number): boolean {
  return code < 128 && IS_KEY_CHAR[code] === 1;
}

const WHOLE_RUN = /^[A-Za-z0-9._~-]*$/;
const UNICODE_ESCAPE_AT_START = /^u[0-9a-fA-F]{4}/;
const ESCAPED_CHAR = /\\+u00([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})/g;
const KEY_CHAR = /^[A-Za-z0-9._~-]$/;

class KnownKeyScan {
  private readonly minLength: number;

  constructor(
    private readonly known: KnownKeys,
    private readonly lengths: ReadonlySet<number>,
  ) {
    this.minLength = Math.min(...lengths);
  }

  isKey(candidate: string): boolean {
    return this.lengths.has(candidate.length) && this.known.isKnownKey(candidate);
  }

  text(input: string): string {
    if (input.length < this.minLength) return input;
    // A whole string that is a key but not one run of key characters (keys are made of
    // them today; this keeps a listed `key` field safe should that change).
    if (this.lengths.has(input.length) && !WHOLE_RUN.test(input) && this.known.isKnownKey(input)) return apiKeyHint(input);
    const out = this.scan(input);
    if (!out.includes('\\u') && !out.includes('%')) return out;
    // A key written with escapes inside it (`"\u0074est…"`): the decoded text is kept only
    // when it held one, so other text keeps its exact spelling.
    const decoded = out.replace(ESCAPED_CHAR, decodeKeyChar);
    if (decoded === out) return out;
    const hinted = this.scan(decoded);
    return hinted === decoded ? out : hinted;
  }

  // A plain loop over character codes: a regular expression for runs of at least n key
  // characters cost several times more on the mostly short words of a record.
  private scan(text: string): string {
    let out = '';
    let copied = 0;
    const length = text.length;
    let at = 0;
    while (at < length) {
      if (!isKeyCharCode(text.charCodeAt(at))) {
        at++;
        continue;
      }
      let end = at + 1;
      while (end < length && isKeyCharCode(text.charCodeAt(end))) end++;
      if (end - at >= this.minLength) {
        const run = text.slice(at, end);
        const found = this.keyInRun(run, text[at - 1]);
        if (found !== undefined) {
          out += text.slice(copied, at + found.start) + apiKeyHint(run.slice(found.start, found.end));
          copied = at + found.end;
        }
      }
      at = end;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  private keyInRun(run: string, before: string | undefined): { start: number; end: number } | undefined {
    if (this.isKey(run)) return { start: 0, end: run.length };
    let lead = 0;
    while (lead < run.length && isEdgePunctuation(run.charCodeAt(lead))) lead++;
    let end = run.length;
    while (end > lead && isEdgePunctuation(run.charCodeAt(end - 1))) end--;
    const escapeLetters = before === '\\' ? (UNICODE_ESCAPE_AT_START.test(run) ? 5 : 1) : before === '%' ? 2 : 0;
    // The other ways to read the run: without the letters of an escape glued to its
    // front, without punctuation at either end.
    for (const start of escapeLetters > 0 ? [0, escapeLetters, lead] : [0, lead]) {
      for (const stop of [run.length, end]) {
        if ((start === 0 && stop === run.length) || stop - start < this.minLength) continue;
        if (this.isKey(run.slice(start, stop))) return { start, end: stop };
      }
    }
    return undefined;
  }
}

// `.`, `_`, `~`, `-`: key characters that also end sentences and join words.
function isEdgePunctuation(code: number): boolean {
  return code === 0x2e || code === 0x5f || code === 0x7e || code === 0x2d;
}

function decodeKeyChar(escape: string, unicodeHex: string | undefined, urlHex: string | undefined): string {
  const ch = String.fromCharCode(parseInt(unicodeHex ?? urlHex!, 16));
  return KEY_CHAR.test(ch) ? ch : escape;
}
