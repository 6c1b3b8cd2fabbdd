import {
  IPV4_BITS,
  IPV6_BITS,
  MAPPED_PREFIX_LENGTH,
  networkAddress,
  scanAddress,
  unmapIPv4,
  type AddressProblem,
  type IpFamily,
  type ParsedAddress,
} from './address';

/**
 * One allow-list / trusted-proxy entry: a single address or a CIDR range.
 *
 * Storage decision: settings store `entry` (the normalised text), not what was typed. The
 * normalised text is what is enforced, so showing it back tells the admin the truth
 * ('192.168.0.3/24' really admits 192.168.0.0-255), and two spellings of the same range
 * ('10.0.0.1' and '10.0.0.1/32', '::FFFF:1.2.3.4' and '1.2.3.4') are one entry, so
 * `normaliseIpEntries` drops the later duplicates.
 */
export interface IpEntry {
  /**
   * Canonical text: the network address with host bits cleared plus '/prefix', or the bare
   * address for a full-length prefix; IPv6 compressed lower-case (RFC 5952); IPv4-mapped
   * IPv6 rewritten as IPv4 ('::ffff:1.2.3.0/120' is '1.2.3.0/24').
   */
  readonly entry: string;
  readonly family: IpFamily;
  readonly prefixLength: number;
  /** The network address (host bits zero), ready for IpMatcher. */
  readonly network: ParsedAddress;
}

export type IpEntryErrorCode =
  'empty' | 'invalid' | 'leading-zero' | 'zone-id' | 'ipv4-compatible' | 'invalid-prefix' | 'prefix-out-of-range';

/** A rejected entry. `message` is written for the admin who typed it; `code` is for code. */
export class IpEntryError extends Error {
  override readonly name = 'IpEntryError';

  constructor(
    message: string,
    readonly code: IpEntryErrorCode,
    /** The offending text as given (before trimming). */
    readonly input: string,
  ) {
    super(message);
  }
}

const EXAMPLES = '(e.g. 192.168.1.2 or 192.168.0.0/24)';
const MAX_ECHO = 80;

/** Parses and normalises one entry; throws IpEntryError with a message a person can act on. */
export function parseIpEntry(input: string): IpEntry {
  if (typeof input !== 'string') {
    throw new IpEntryError(`IP entry must be text ${EXAMPLES}`, 'invalid', String(input));
  }
  const text = input.trim();
  if (text === '') {
    throw new IpEntryError(`IP entry is empty; enter an IPv4 or IPv6 address or CIDR range ${EXAMPLES}`, 'empty', input);
  }

  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const scanned = scanAddress(addressText);
  if (!scanned.ok) throw addressError(scanned.problem, text, addressText, input);
  const raw = scanned.address;
  const maxBits = raw.family === 'ipv4' ? IPV4_BITS : IPV6_BITS;
  const prefixLength = slash < 0 ? maxBits : parsePrefix(text, text.slice(slash + 1), raw, input);

  // A mapped range only stays IPv6 if it reaches outside ::ffff:0:0/96; inside it, it is
  // just an IPv4 range written the long way.
  const unmapped = prefixLength >= MAPPED_PREFIX_LENGTH ? unmapIPv4(raw) : raw;
  const prefix = unmapped === raw ? prefixLength : prefixLength - MAPPED_PREFIX_LENGTH;
  const network = networkAddress(unmapped, prefix);
  const full = unmapped.family === 'ipv4' ? IPV4_BITS : IPV6_BITS;
  return {
    entry: prefix === full ? network.text : `${network.text}/${prefix}`,
    family: network.family,
    prefixLength: prefix,
    network,
  };
}

/**
 * Normalises a list as settings should store it: canonical text, first occurrence kept,
 * later duplicates (after normalisation) dropped. Throws on the first bad entry; call
 * parseIpEntry per entry instead to report every bad one.
 */
export function normaliseIpEntries(inputs: readonly string[]): string[] {
  return [...new Set(inputs.map((input) => parseIpEntry(input).entry))];
}

function parsePrefix(text: string, prefixText: string, address: ParsedAddress, input: string): number {
  const v4 = address.family === 'ipv4';
  const max = v4 ? IPV4_BITS : IPV6_BITS;
  const example = v4 ? '192.168.0.0/24' : '2001:db8::/32';
  if (!/^[0-9]+$/.test(prefixText)) {
    const what = prefixText === '' ? 'is missing its prefix length' : `has an invalid prefix length ${quote(prefixText)}`;
    throw new IpEntryError(
      `${quote(text)} ${what}; after the '/' write ` + `a whole number of bits between 0 and ${max} (e.g. ${example})`,
      'invalid-prefix',
      input,
    );
  }
  const prefix = Number(prefixText);
  if (prefix > max) {
    throw new IpEntryError(
      `${quote(text)} has prefix length /${prefixText}, but an ${v4 ? 'IPv4' : 'IPv6'} ` +
        `prefix length must be between 0 and ${max} (e.g. ${example})`,
      'prefix-out-of-range',
      input,
    );
  }
  return prefix;
}

function addressError(problem: AddressProblem, text: string, addressText: string, input: string): IpEntryError {
  switch (problem) {
    case 'leading-zero': {
      const octet = leadingZeroOctet(addressText);
      return new IpEntryError(
        `${quote(text)} is ambiguous: a leading zero as in ${quote(octet)} is read as octal by ` +
          `some software and as decimal by other software; write it without leading zeros ` +
          `(e.g. ${withoutLeadingZeros(text)})`,
        problem,
        input,
      );
    }
    case 'zone-id': {
      const zone = addressText.indexOf('%');
      return new IpEntryError(
        `${quote(text)} has a zone id (${quote(addressText.slice(zone))}), which only means ` +
          `something on one machine's network interface; remove it ` +
          `(e.g. ${addressText.slice(0, zone)})`,
        problem,
        input,
      );
    }
    case 'ipv4-compatible': {
      const v4 = addressText.slice(2);
      return new IpEntryError(
        `${quote(text)} uses the deprecated IPv4-compatible IPv6 form; write the IPv4 ` +
          `address ${v4} instead (or ::ffff:${v4} for its IPv4-mapped IPv6 form)`,
        problem,
        input,
      );
    }
    case 'invalid':
      return new IpEntryError(`${quote(text)} is not a valid IPv4 or IPv6 address or CIDR range ${EXAMPLES}`, problem, input);
  }
}

/** The dotted quad is always the part after the last ':' (or the whole IPv4 text). */
function dottedQuad(addressText: string): { head: string; octets: string[] } {
  const cut = addressText.lastIndexOf(':') + 1;
  return { head: addressText.slice(0, cut), octets: addressText.slice(cut).split('.') };
}

function leadingZeroOctet(addressText: string): string {
  return dottedQuad(addressText).octets.find((o) => o.length > 1 && o.startsWith('0')) ?? addressText;
}

/** The decimal reading, which is what a person typing zero-padded octets nearly always meant. */
function withoutLeadingZeros(text: string): string {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const { head, octets } = dottedQuad(addressText);
  return head + octets.map((o) => String(Number(o))).join('.') + (slash < 0 ? '' : text.slice(slash));
}

/** Echoes user input in messages, shortened so a pasted blob cannot flood a log or a UI. */
function quote(text: string): string {
  return `'${text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text}'`;
}
