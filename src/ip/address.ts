import ipaddr from 'ipaddr.js';

/**
 * A single IP address, parsed once and then reused by every matcher a request is checked
 * against. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are always stored as IPv4 so that one
 * client has exactly one representation, whichever socket family it arrived on.
 *
 * `key` is the matcher's lookup form: the address as an unsigned 32-bit number for IPv4, and
 * for IPv6 a string of 8 UTF-16 code units, one per 16-bit group. Not BigInt: V8 hashes a
 * BigInt by its lowest 64 bits only, so masked /64 (and shorter) networks all collide; a Set
 * of 20,000 such keys measured ~190 µs per lookup against ~35 ns for these strings.
 */
export type ParsedAddress = IPv4Address | IPv6Address;

export interface IPv4Address {
  readonly family: 'ipv4';
  /** Canonical text, e.g. '10.0.0.1'. */
  readonly text: string;
  readonly key: number;
}

export interface IPv6Address {
  readonly family: 'ipv6';
  /** Canonical RFC 5952 text: compressed, lower-case, e.g. '2001:db8::1'. */
  readonly text: string;
  readonly key: string;
}

export type IpFamily = ParsedAddress['family'];

/** Why text is not an address; ip-entry.ts turns these into messages a person can act on. */
export type AddressProblem = 'invalid' | 'leading-zero' | 'zone-id' | 'ipv4-compatible';

export type ScanResult =
  { readonly ok: true; readonly address: ParsedAddress } | { readonly ok: false; readonly problem: AddressProblem };

export const IPV4_BITS = 32;
export const IPV6_BITS = 128;

/** ::ffff:0:0/96 as an IPv6 key; the network every IPv4-mapped address lives in. */
export const MAPPED_NETWORK_KEY = '\0\0\0\0\0\uffff\0\0';
export const MAPPED_PREFIX_LENGTH = 96;

/**
 * Strict parse of one address without surrounding whitespace or a prefix length. Strict on
 * purpose: ipaddr.js alone accepts inet_aton forms ('10.1', '0x0a.0.0.1', '4294967295') and
 * reads '010.0.0.1' as octal 8.0.0.1, while other software reads it as 10.0.0.1. An allow
 * list entry whose meaning depends on the reader is a hole, so those are refused.
 *
 * IPv4-mapped IPv6 is returned as IPv6 here; callers that need the client's identity use
 * `unmapIPv4` (ip-entry.ts needs the raw form to carry the prefix length across).
 */
export function scanAddress(text: string): ScanResult {
  if (text.includes(':')) return scanIPv6(text);
  const v4 = scanIPv4(text);
  return typeof v4 === 'number' ? { ok: true, address: ipv4(v4) } : fail(v4);
}

/**
 * Parses a client address as used for matching: trims, refuses anything ambiguous and turns
 * IPv4-mapped IPv6 into IPv4. Returns undefined instead of throwing because request data is
 * untrusted input, not configuration.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const scanned = scanAddress(text.trim());
  return scanned.ok ? unmapIPv4(scanned.address) : undefined;
}

/** ::ffff:a.b.c.d becomes a.b.c.d; everything else is returned unchanged. */
export function unmapIPv4(address: ParsedAddress): ParsedAddress {
  if (address.family === 'ipv6' && isMappedKey(address.key)) {
    return ipv4(((address.key.charCodeAt(6) << 16) | address.key.charCodeAt(7)) >>> 0);
  }
  return address;
}

const MAPPED_HEAD = MAPPED_NETWORK_KEY.slice(0, 6);

export function isMappedKey(key: string): boolean {
  return key.startsWith(MAPPED_HEAD);
}

// ---------------------------------------------------------------------------------------
// Network keys: an address masked to a prefix length, so "is A inside one of these /p
// networks" is one hash probe with A's /p key (see prefix-table.ts).

/** Precomputed because matching masks the same few prefix lengths on every request. */
const IPV4_MASKS: readonly number[] = Array.from({ length: IPV4_BITS + 1 }, (_, p) =>
  p === 0 ? 0 : (0xffffffff << (IPV4_BITS - p)) >>> 0,
);

export function ipv4Mask(prefix: number): number {
  return IPV4_MASKS[prefix] as number;
}

export function ipv4NetworkKey(key: number, prefix: number): number {
  return (key & ipv4Mask(prefix)) >>> 0;
}

/**
 * The key of the /prefix network containing `key`: only the first ceil(prefix/16) groups,
 * the last one masked. Shorter strings for shorter prefixes keep probes cheap; keys of
 * different prefix lengths never meet because each length has its own table.
 */
export function ipv6NetworkKey(key: string, prefix: number): string {
  const whole = prefix >>> 4;
  const rest = prefix & 15;
  if (rest === 0) return key.slice(0, whole);
  const partial = key.charCodeAt(whole) & ((0xffff << (16 - rest)) & 0xffff);
  return key.slice(0, whole) + String.fromCharCode(partial);
}

/** The network address itself (host bits zero) as a full address, for canonical text. */
export function networkAddress(address: ParsedAddress, prefix: number): ParsedAddress {
  if (address.family === 'ipv4') return ipv4(ipv4NetworkKey(address.key, prefix));
  return ipv6(ipv6NetworkKey(address.key, prefix).padEnd(8, '\0'));
}

// ---------------------------------------------------------------------------------------

function fail(problem: AddressProblem): ScanResult {
  return { ok: false, problem };
}

/** The pattern of ipaddr.js's isValidFourPartDecimal: four decimal octets without leading zeros. */
const FOUR_PART_DECIMAL = /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/;
/** Only tell a zero-padded quad apart from garbage, for the message. */
const DECIMAL_QUAD = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const LEADING_ZERO = /(?:^|\.)0[0-9]/;

/**
 * Four dotted decimal octets, nothing else; returns the uint32 value or the problem. This is
 * ipaddr.js's isValidFourPartDecimal (its pattern, then its parser for the octets and their
 * range), written out so that an address is parsed once, not twice: it runs on every request.
 */
function scanIPv4(text: string): number | AddressProblem {
  if (FOUR_PART_DECIMAL.test(text)) {
    try {
      const [a, b, c, d] = ipaddr.IPv4.parse(text).octets as [number, number, number, number];
      return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    } catch {
      // an octet over 255
    }
  }
  // Range before leading zeros: '300.01.1.1' is wrong whatever the zeros mean.
  const inRange = DECIMAL_QUAD.test(text) && text.split('.').every((octet) => Number(octet) <= 255);
  return inRange && LEADING_ZERO.test(text) ? 'leading-zero' : 'invalid';
}

function scanIPv6(text: string): ScanResult {
  const zone = text.indexOf('%');
  if (zone >= 0) {
    // Only call it a zone id if there is one and the rest is a real address, so the
    // message is accurate. ipaddr.js would accept some zone ids ('%eth0') and return them.
    const named = zone < text.length - 1;
    return named && scanIPv6(text.slice(0, zone)).ok ? fail('zone-id') : fail('invalid');
  }
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // ipaddr.js reads an embedded dotted quad more loosely than a bare one (hex octets,
    // leading zeros as decimal), so hold it to the same IPv4 rules.
    const v4 = scanIPv4(tail);
    if (typeof v4 !== 'number') return fail(v4);
    // ipaddr.js silently turns the deprecated IPv4-compatible '::a.b.c.d' into the mapped
    // '::ffff:a.b.c.d'; RFC 4291 says it is ::0102:0304. Refuse rather than pick one.
    if (lastColon === 1) return fail('ipv4-compatible');
  }
  let parts: number[];
  try {
    parts = ipaddr.IPv6.parse(text).parts; // isValid() first would parse twice
  } catch {
    return fail('invalid');
  }
  return { ok: true, address: ipv6(String.fromCharCode(...parts)) };
}

function ipv4(key: number): IPv4Address {
  return new V4(key);
}

function ipv6(key: string): IPv6Address {
  return new V6(key);
}

// Classes only so that `text` is computed on first use: a request's client address is
// parsed on every request but its text is needed only when something is logged, and
// formatting IPv6 costs more than parsing it.

class V4 implements IPv4Address {
  readonly family = 'ipv4';
  private formatted: string | undefined;

  constructor(readonly key: number) {}

  get text(): string {
    const key = this.key;
    return (this.formatted ??= `${key >>> 24}.${(key >>> 16) & 255}.${(key >>> 8) & 255}.${key & 255}`);
  }

  toJSON(): { family: 'ipv4'; text: string } {
    return { family: this.family, text: this.text };
  }
}

class V6 implements IPv6Address {
  readonly family = 'ipv6';
  private formatted: string | undefined;

  constructor(readonly key: string) {}

  get text(): string {
    if (this.formatted === undefined) {
      const parts = Array.from({ length: 8 }, (_, i) => this.key.charCodeAt(i));
      this.formatted = new ipaddr.IPv6(parts).toRFC5952String();
    }
    return this.formatted;
  }

  toJSON(): { family: 'ipv6'; text: string } {
    return { family: this.family, text: this.text };
  }
}
