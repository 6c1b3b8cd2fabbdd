import { mulberry32 } from '../support/prng';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ipaddr from 'ipaddr.js';
import {
  IpEntryError,
  IpMatcher,
  normaliseIpEntries,
  parseAddress,
  parseForwardedHop,
  parseIpEntry,
  parseTrustProxy,
  resolveClientAddress,
  type IpEntryErrorCode,
} from '../../src/ip';

function entryOf(input: string): string {
  return parseIpEntry(input).entry;
}

function assertEntryError(input: string, code: IpEntryErrorCode, message?: RegExp | string): IpEntryError {
  let caught: unknown;
  try {
    parseIpEntry(input);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof IpEntryError, `expected IpEntryError for ${JSON.stringify(input)}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'IpEntryError');
  assert.equal(caught.code, code, `code for ${JSON.stringify(input)}: ${caught.message}`);
  assert.equal(caught.input, input);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

describe('parseIpEntry: normalisation', () => {
  it('keeps a single IPv4 address as the bare address, trimming whitespace', () => {
    assert.equal(entryOf('10.0.0.1'), '10.0.0.1');
    assert.equal(entryOf('  10.0.0.1\t\n'), '10.0.0.1');
    const parsed = parseIpEntry('10.0.0.1');
    assert.equal(parsed.family, 'ipv4');
    assert.equal(parsed.prefixLength, 32);
  });

  it('clears host bits of a CIDR range', () => {
    assert.equal(entryOf('192.168.0.3/24'), '192.168.0.0/24');
    assert.equal(entryOf('10.255.255.255/8'), '10.0.0.0/8');
    assert.equal(entryOf('172.31.200.9/12'), '172.16.0.0/12');
    assert.equal(entryOf('192.168.0.129/25'), '192.168.0.128/25');
    assert.equal(parseIpEntry('192.168.0.3/24').prefixLength, 24);
  });

  it('writes a full-length prefix as the bare address', () => {
    assert.equal(entryOf('10.0.0.1/32'), '10.0.0.1');
    assert.equal(entryOf('2001:db8::1/128'), '2001:db8::1');
  });

  it('normalises /0 to the all-addresses range', () => {
    assert.equal(entryOf('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(entryOf('1.2.3.4/0'), '0.0.0.0/0');
    assert.equal(entryOf('::/0'), '::/0');
    assert.equal(entryOf('2001:db8::1/0'), '::/0');
  });

  it('accepts a zero-padded prefix length (unambiguous, unlike octets)', () => {
    assert.equal(entryOf('10.0.0.0/08'), '10.0.0.0/8');
  });

  it('writes IPv6 compressed and lower-case (RFC 5952)', () => {
    assert.equal(entryOf('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(entryOf('2001:DB8::/32'), '2001:db8::/32');
    assert.equal(entryOf('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(entryOf('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(entryOf('2001:db8:abcd:12ff:ffff::1/52'), '2001:db8:abcd:1000::/52');
    assert.equal(entryOf('::1'), '::1');
    assert.equal(entryOf('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
    assert.equal(parseIpEntry('2001:db8::/32').family, 'ipv6');
  });

  it('rewrites IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(entryOf('::ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(entryOf('::FFFF:102:304'), '1.2.3.4');
    assert.equal(entryOf('0:0:0:0:0:ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(entryOf('::ffff:1.2.3.4/128'), '1.2.3.4');
    assert.equal(entryOf('::ffff:1.2.3.0/120'), '1.2.3.0/24');
    assert.equal(entryOf('::ffff:1.2.3.99/120'), '1.2.3.0/24');
    assert.equal(entryOf('::ffff:0:0/96'), '0.0.0.0/0');
    const parsed = parseIpEntry('::ffff:1.2.3.0/120');
    assert.equal(parsed.family, 'ipv4');
    assert.equal(parsed.prefixLength, 24);
  });

  it('keeps a mapped range that reaches outside ::ffff:0:0/96 as IPv6', () => {
    assert.equal(entryOf('::ffff:1.2.3.4/95'), '::fffe:0:0/95');
    assert.equal(entryOf('::ffff:1.2.3.4/64'), '::/64');
  });

  it('does not treat other IPv4 embeddings (NAT64) as IPv4', () => {
    assert.equal(entryOf('64:ff9b::1.2.3.4'), '64:ff9b::102:304');
  });
});

describe('parseIpEntry: rejected entries say what is wrong', () => {
  it('invalid address', () => {
    assertEntryError(
      '300.1.1.1',
      'invalid',
      "'300.1.1.1' is not a valid IPv4 or IPv6 address or CIDR range (e.g. 192.168.1.2 or 192.168.0.0/24)",
    );
    assertEntryError('300.1.1.0/24', 'invalid', /^'300\.1\.1\.0\/24' is not a valid IPv4 or IPv6/);
  });

  it('refuses inet_aton shorthand and other non-standard forms', () => {
    for (const input of [
      '1.2.3',
      '10.1',
      '0x0a.0.0.1',
      '4294967295',
      '1.2.3.4.5',
      '1..2.3',
      '12345::1',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '[::1]',
      'example.com',
      'localhost',
      '1.2.3.4 5.6.7.8',
      '1.2.3.4:80',
      '::ffff:0x1.1.1.1',
      '::ffff:1.2.3',
      '::ffff:256.1.1.1',
      '10.0.0.1 /24',
      '１.２.３.４',
      '1.2.3.4%eth0',
    ]) {
      assertEntryError(input, 'invalid', /is not a valid IPv4 or IPv6 address or CIDR range \(e\.g\./);
    }
  });

  it('empty or blank', () => {
    for (const input of ['', '   ', '\t']) assertEntryError(input, 'empty', /IP entry is empty/);
  });

  it('prefix length out of range names the allowed range', () => {
    assertEntryError(
      '10.0.0.0/33',
      'prefix-out-of-range',
      /'10\.0\.0\.0\/33' has prefix length \/33, but an IPv4 prefix length must be between 0 and 32/,
    );
    assertEntryError('2001:db8::/129', 'prefix-out-of-range', /IPv6 prefix length must be between 0 and 128/);
    assertEntryError('10.0.0.0/99999999999999999999', 'prefix-out-of-range', /between 0 and 32/);
  });

  it('malformed prefix length', () => {
    assertEntryError(
      '10.0.0.0/',
      'invalid-prefix',
      /'10\.0\.0\.0\/' is missing its prefix length; after the '\/' write a whole number of bits between 0 and 32/,
    );
    const malformed = ['10.0.0.0/abc', '10.0.0.0/-1', '10.0.0.0/+8', '10.0.0.0/8/8', '10.0.0.0/ 8', '10.0.0.0/8.0'];
    for (const input of [...malformed, '2001:db8::/x']) {
      assertEntryError(input, 'invalid-prefix', /has an invalid prefix length/);
    }
  });

  it('leading zeros in an octet are ambiguous (octal vs decimal) and the fix is suggested', () => {
    assertEntryError(
      '010.0.0.1',
      'leading-zero',
      "'010.0.0.1' is ambiguous: a leading zero as in '010' is read as octal by some software and as decimal by other software; write it without leading zeros (e.g. 10.0.0.1)",
    );
    assertEntryError('10.0.0.01', 'leading-zero', /\(e\.g\. 10\.0\.0\.1\)$/);
    assertEntryError('192.168.000.000/16', 'leading-zero', /\(e\.g\. 192\.168\.0\.0\/16\)$/);
    assertEntryError('::ffff:010.1.1.1', 'leading-zero', /\(e\.g\. ::ffff:10\.1\.1\.1\)$/);
  });

  it('zone ids are refused', () => {
    assertEntryError('fe80::1%eth0', 'zone-id', /'fe80::1%eth0' has a zone id \('%eth0'\).*remove it \(e\.g\. fe80::1\)/);
    assertEntryError('fe80::1%eth0/64', 'zone-id', /zone id/);
    assertEntryError('fe80::1%', 'invalid');
  });

  it('the deprecated IPv4-compatible form is refused rather than guessed', () => {
    assertEntryError('::1.2.3.4', 'ipv4-compatible', /write the IPv4 address 1\.2\.3\.4 instead/);
  });

  it('echoes at most 80 characters of a pasted blob', () => {
    const error = assertEntryError('a'.repeat(500), 'invalid');
    assert.ok(error.message.length < 200, error.message);
    assert.equal(error.input.length, 500);
  });
});

describe('normaliseIpEntries', () => {
  it('stores normalised text and drops duplicates after normalisation, first one wins', () => {
    assert.deepEqual(
      normaliseIpEntries([
        '10.0.0.1',
        ' 10.0.0.1/32',
        '::ffff:10.0.0.1',
        '192.168.0.3/24',
        '192.168.0.200/24',
        '2001:DB8::1',
        '2001:db8:0::1',
        '::ffff:192.168.0.0/120',
      ]),
      ['10.0.0.1', '192.168.0.0/24', '2001:db8::1'],
    );
  });

  it('throws IpEntryError for the first bad entry', () => {
    assert.throws(
      () => normaliseIpEntries(['10.0.0.1', '10.0.0.256']),
      (error: unknown) => {
        return error instanceof IpEntryError && error.input === '10.0.0.256';
      },
    );
  });
});

describe('IpMatcher', () => {
  it('single address matches only itself, in either notation', () => {
    const m = IpMatcher.from(['10.0.0.1']);
    assert.equal(m.matches('10.0.0.1'), true);
    assert.equal(m.matches('::ffff:10.0.0.1'), true);
    assert.equal(m.matches('10.0.0.2'), false);
    assert.equal(m.matches('10.0.0.0'), false);
  });

  it('CIDR with host bits set covers the whole network', () => {
    const m = IpMatcher.from(['192.168.0.3/24']);
    for (const inside of ['192.168.0.0', '192.168.0.3', '192.168.0.77', '192.168.0.255']) {
      assert.equal(m.matches(inside), true, inside);
    }
    for (const outside of ['192.168.1.0', '192.167.255.255', '192.168.1.3', '10.0.0.3']) {
      assert.equal(m.matches(outside), false, outside);
    }
  });

  it('/32 and /31 boundaries', () => {
    const m32 = IpMatcher.from(['203.0.113.7/32']);
    assert.equal(m32.matches('203.0.113.7'), true);
    assert.equal(m32.matches('203.0.113.6'), false);
    assert.equal(m32.matches('203.0.113.8'), false);
    const m31 = IpMatcher.from(['203.0.113.7/31']);
    assert.equal(m31.matches('203.0.113.6'), true);
    assert.equal(m31.matches('203.0.113.7'), true);
    assert.equal(m31.matches('203.0.113.8'), false);
  });

  it('high-bit IPv4 addresses (signed/unsigned 32-bit edge)', () => {
    const m = IpMatcher.from(['255.255.255.255', '128.0.0.0/1']);
    assert.equal(m.matches('255.255.255.255'), true);
    assert.equal(m.matches('200.1.1.1'), true);
    assert.equal(m.matches('127.255.255.255'), false);
  });

  it('IPv4 /0 matches every IPv4 client (also mapped) but no IPv6 client', () => {
    const m = IpMatcher.from(['0.0.0.0/0']);
    assert.equal(m.matches('0.0.0.0'), true);
    assert.equal(m.matches('255.255.255.255'), true);
    assert.equal(m.matches('::ffff:8.8.8.8'), true);
    assert.equal(m.matches('2001:db8::1'), false);
    assert.equal(m.matches('::1'), false);
  });

  it('IPv6 ranges, including prefix lengths that split a 16-bit group', () => {
    const m = IpMatcher.from(['2001:db8::/32', '2001:db8:1:2:8000::/65', 'fd00::/8', '2001:db8:ffff::1']);
    assert.equal(m.matches('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true);
    assert.equal(m.matches('2001:DB8::'), true);
    assert.equal(m.matches('2001:db9::'), false);
    assert.equal(m.matches('2001:db7:ffff::'), false);
    assert.equal(m.matches('fdff::1'), true);
    assert.equal(m.matches('fe00::1'), false);

    const split = IpMatcher.from(['2001:db8:1:2:8000::/65']);
    assert.equal(split.matches('2001:db8:1:2:8000::'), true);
    assert.equal(split.matches('2001:db8:1:2:ffff:ffff:ffff:ffff'), true);
    assert.equal(split.matches('2001:db8:1:2:7fff:ffff:ffff:ffff'), false);
    assert.equal(split.matches('2001:db8:1:3:8000::'), false);
  });

  it('IPv6 /128 and ::/0', () => {
    const one = IpMatcher.from(['2001:db8::1']);
    assert.equal(one.matches('2001:db8:0:0:0:0:0:1'), true);
    assert.equal(one.matches('2001:db8::2'), false);
    const all = IpMatcher.from(['::/0']);
    assert.equal(all.matches('2001:db8::2'), true);
    assert.equal(all.matches('::'), true);
  });

  it('an IPv6 range containing ::ffff:0:0/96 covers IPv4 clients too (they are ::ffff:a.b.c.d)', () => {
    assert.equal(IpMatcher.from(['::/0']).matches('8.8.8.8'), true);
    assert.equal(IpMatcher.from(['::/64']).matches('8.8.8.8'), true);
    assert.equal(IpMatcher.from(['::ffff:1.2.3.4/95']).matches('8.8.8.8'), true);
    assert.equal(IpMatcher.from(['2001:db8::/32']).matches('8.8.8.8'), false);
    assert.equal(IpMatcher.from(['::/97']).matches('8.8.8.8'), false);
    assert.equal(IpMatcher.from(['::1']).matches('8.8.8.8'), false);
  });

  it('IPv4-mapped client matches an IPv4 entry', () => {
    const m = IpMatcher.from(['1.2.3.0/24']);
    assert.equal(m.matches('::ffff:1.2.3.4'), true);
    assert.equal(m.matches('::FFFF:102:305'), true);
    assert.equal(m.matches('::ffff:1.2.4.1'), false);
  });

  it('IPv4-mapped entry matches IPv4 and mapped clients', () => {
    const m = IpMatcher.from(['::ffff:1.2.3.0/120']);
    assert.deepEqual(m.entries, ['1.2.3.0/24']);
    assert.equal(m.matches('1.2.3.9'), true);
    assert.equal(m.matches('::ffff:1.2.3.9'), true);
    assert.equal(m.matches('1.2.4.9'), false);
  });

  it('an IPv4 entry does not match NAT64 or IPv4-compatible spellings', () => {
    const m = IpMatcher.from(['1.2.3.4']);
    assert.equal(m.matches('64:ff9b::1.2.3.4'), false);
    assert.equal(m.matches('::102:304'), false);
  });

  it('unparseable, ambiguous or missing client addresses match nothing, even with /0 entries', () => {
    const m = IpMatcher.from(['0.0.0.0/0', '::/0']);
    for (const bad of ['', 'garbage', '010.0.0.1', '1.2.3', '::1.2.3.4', 'fe80::1%eth0', '1.2.3.4:80']) {
      assert.equal(m.matches(bad), false, bad);
    }
    assert.equal(m.matches(undefined), false);
  });

  it('counts distinct normalised entries and exposes them', () => {
    const m = IpMatcher.from(['10.0.0.1', '10.0.0.1/32', '::ffff:10.0.0.1', '192.168.0.3/24', '192.168.0.9/24', '2001:db8::/32']);
    assert.equal(m.size, 3);
    assert.deepEqual(m.entries, ['10.0.0.1', '192.168.0.0/24', '2001:db8::/32']);
    assert.deepEqual(m.stats, { ipv4: { prefixLengths: 2, maxProbes: 2 }, ipv6: { prefixLengths: 1, maxProbes: 1 } });
  });

  it('entries inside a broader entry change no answer (and are not probed)', () => {
    const m = IpMatcher.from(['10.1.2.3', '10.1.0.0/16', '10.0.0.0/8', '10.200.0.0/24', '11.0.0.1']);
    assert.equal(m.size, 5);
    assert.deepEqual(m.stats.ipv4, { prefixLengths: 2, maxProbes: 2 });
    for (const yes of ['10.1.2.3', '10.1.9.9', '10.200.0.1', '10.255.255.255', '11.0.0.1'])
      assert.equal(m.matches(yes), true, yes);
    for (const no of ['9.255.255.255', '11.0.0.0', '11.0.0.2', '12.0.0.0']) assert.equal(m.matches(no), false, no);
  });

  it('binary search over prefix lengths finds networks at every length', () => {
    // One network per length, in unrelated places, so markers of one never help another.
    const entries = Array.from({ length: 33 }, (_, p) => `${(p * 7) % 256}.${p}.${255 - p}.${p * 3}/${p}`);
    const m = IpMatcher.from(entries);
    for (let p = 1; p <= 32; p++) {
      const network = parseIpEntry(entries[p] as string).entry.split('/')[0] as string;
      assert.equal(IpMatcher.from([entries[p] as string]).matches(network), true);
      assert.equal(m.matches(network), true, `${entries[p]} -> ${network}`);
    }
    const without0 = IpMatcher.from(entries.slice(1));
    assert.ok(without0.stats.ipv4.maxProbes <= 6);
    const v6 = IpMatcher.from(Array.from({ length: 129 }, (_, p) => `2001:db8:${p.toString(16)}::/${p}`));
    assert.ok(v6.stats.ipv6.maxProbes <= 8);
  });

  it('an empty matcher matches nothing', () => {
    const m = IpMatcher.empty();
    assert.equal(m.size, 0);
    assert.equal(m.matches('10.0.0.1'), false);
    assert.equal(m.matches('::1'), false);
  });

  it('throws IpEntryError on a bad entry', () => {
    assert.throws(() => IpMatcher.from(['10.0.0.0/8', '10.0.0.0/33']), IpEntryError);
  });

  it('one parsed client address is reused across matchers', () => {
    const client = parseAddress('::ffff:192.168.5.5');
    assert.ok(client);
    assert.deepEqual({ family: client.family, text: client.text }, { family: 'ipv4', text: '192.168.5.5' });
    const endpoints = [IpMatcher.from(['192.168.0.0/16']), IpMatcher.from(['10.0.0.0/8']), IpMatcher.from(['192.168.5.5'])];
    assert.deepEqual(
      endpoints.map((m) => m.matches(client)),
      [true, false, true],
    );
  });
});

// ---------------------------------------------------------------------------------------
// Property check against a brute-force reference that shares no code with the matcher:
// addresses are parsed by ipaddr.js alone and compared as four 32-bit words in one 128-bit
// space (IPv4 as ::ffff:a.b.c.d), by a linear scan over every entry.

interface RefEntry {
  words: Uint32Array;
  masks: Uint32Array;
}

function words128(text: string): Uint32Array {
  let addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv4') addr = (addr as ipaddr.IPv4).toIPv4MappedAddress();
  const bytes = addr.toByteArray();
  const words = new Uint32Array(4);
  for (let i = 0; i < 16; i++) words[i >> 2] = ((words[i >> 2] as number) << 8) | (bytes[i] as number);
  return words;
}

function refEntry(text: string): RefEntry {
  const [addr, bits] = ipaddr.parseCIDR(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  const prefix = addr.kind() === 'ipv4' ? bits + 96 : bits;
  const masks = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const b = Math.max(0, Math.min(32, prefix - w * 32));
    masks[w] = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  }
  const words = words128(addr.toString());
  for (let w = 0; w < 4; w++) words[w] = ((words[w] as number) & (masks[w] as number)) >>> 0;
  return { words, masks };
}

function refMatches(entries: readonly RefEntry[], client: Uint32Array): boolean {
  for (const { words, masks } of entries) {
    if (
      ((client[0] as number) & (masks[0] as number)) >>> 0 === words[0] &&
      ((client[1] as number) & (masks[1] as number)) >>> 0 === words[1] &&
      ((client[2] as number) & (masks[2] as number)) >>> 0 === words[2] &&
      ((client[3] as number) & (masks[3] as number)) >>> 0 === words[3]
    ) {
      return true;
    }
  }
  return false;
}

type Profile = 'every-length' | 'typical' | 'nested';

/**
 * Random entries, and addresses of three kinds: inside a random entry, just outside one
 * (the last prefix bit flipped) and random. Profiles:
 * - 'every-length': every prefix length, skewed towards long ones, addresses anywhere;
 *   the worst case for the matcher's lookup.
 * - 'typical': what allow lists look like (mostly single addresses, /24, /64, a few others).
 * - 'nested': a few narrow spaces, so entries nest inside and sit next to each other.
 */
function randomCorpus(seed: number, entryCount: number, addressCount: number, profile: Profile) {
  const rand = mulberry32(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const narrow = profile === 'nested';
  const v4Prefix = () =>
    profile === 'typical' ? pick([32, 32, 32, 32, 32, 32, 24, 24, 28, 16, 30]) : 32 - Math.floor(rand() ** 4 * 25);
  const v6Prefix = () => (profile === 'typical' ? pick([128, 128, 128, 64, 64, 56, 48]) : 128 - Math.floor(rand() ** 4 * 109));

  const randomV4 = (): number[] => {
    const base = narrow ? pick([[10], [192, 168], [172, 16], [203, 0, 113]]) : [];
    return [0, 1, 2, 3].map((i) => (i < base.length ? (base[i] as number) : narrow && rand() < 0.5 ? int(4) : int(256)));
  };
  const randomV6 = (): number[] => {
    const base = narrow ? pick([[0x2001, 0x0db8], [0xfd00], [0x2a00, 0x1450]]) : [pick([0x2001, 0x2a00, 0x2600, 0xfd00])];
    return Array.from({ length: 8 }, (_, i) => (i < base.length ? (base[i] as number) : rand() < 0.5 ? int(3) : int(0x10000)));
  };
  const v4Text = (o: readonly number[]) => (rand() < 0.15 ? `::ffff:${o.join('.')}` : o.join('.'));
  const v6Text = (p: readonly number[]) => {
    const text = new ipaddr.IPv6([...p]).toString();
    return rand() < 0.2 ? text.toUpperCase() : text;
  };

  const entries: string[] = [];
  const shapes: { v4: boolean; parts: number[]; prefix: number }[] = [];
  for (let i = 0; i < entryCount; i++) {
    if (rand() < 0.7) {
      const parts = randomV4();
      const prefix = v4Prefix();
      shapes.push({ v4: true, parts, prefix });
      const text = v4Text(parts);
      entries.push(
        text.startsWith('::ffff:') ? `${text}/${prefix + 96}` : prefix === 32 && rand() < 0.5 ? text : `${text}/${prefix}`,
      );
    } else {
      const parts = randomV6();
      const prefix = v6Prefix();
      shapes.push({ v4: false, parts, prefix });
      entries.push(`${v6Text(parts)}/${prefix}`);
    }
  }

  /** Keeps the entry's prefix bits, randomises the rest; `flip` also flips the last prefix bit. */
  const near = (shape: (typeof shapes)[number], flip: boolean): string => {
    const width = shape.v4 ? 8 : 16;
    const parts = shape.parts.map((part, k) => {
      const kept = Math.max(0, Math.min(width, shape.prefix - k * width));
      const hostMask = kept === width ? 0 : (1 << (width - kept)) - 1;
      let value = (part & ~hostMask & ((1 << width) - 1)) | (int(1 << width) & hostMask);
      if (flip && kept > 0 && kept === shape.prefix - k * width) value ^= 1 << (width - kept);
      return value;
    });
    return shape.v4 ? v4Text(parts) : v6Text(parts);
  };
  const addresses: string[] = [];
  for (let i = 0; i < addressCount; i++) {
    const roll = rand();
    if (roll < 0.3) addresses.push(near(pick(shapes), false));
    else if (roll < 0.6) addresses.push(near(pick(shapes), true));
    else addresses.push(rand() < 0.7 ? v4Text(randomV4()) : v6Text(randomV6()));
  }
  return { entries, addresses };
}

describe('IpMatcher property: same answers as a brute-force linear scan', () => {
  for (const profile of ['every-length', 'typical'] as const) {
    it(`10,000 random entries x 5,000 random addresses (${profile})`, (t) => {
      const { entries, addresses } = randomCorpus(0xc0ffee, 10_000, 5_000, profile);
      const matcher = IpMatcher.from(entries);
      const reference = entries.map(refEntry);
      let hits = 0;
      for (const address of addresses) {
        const expected = refMatches(reference, words128(address));
        assert.equal(matcher.matches(address), expected, `address ${address}`);
        assert.equal(matcher.matches(parseAddress(address)), expected, `parsed address ${address}`);
        if (expected) hits++;
      }
      // The check only means something if both answers occur often.
      assert.ok(hits > addresses.length * 0.2 && hits < addresses.length * 0.9, `hits ${hits}`);
      t.diagnostic(`${hits} of ${addresses.length} match; ${JSON.stringify(matcher.stats)}`);
      assert.ok(matcher.stats.ipv4.maxProbes <= 6 && matcher.stats.ipv6.maxProbes <= 8);
    });
  }

  it('small lists, many seeds (nested and adjacent networks are frequent here)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const profile = (['every-length', 'typical', 'nested'] as const)[seed % 3] as Profile;
      const { entries, addresses } = randomCorpus(seed, 1 + (seed % 40), 200, profile);
      const matcher = IpMatcher.from(entries);
      const reference = entries.map(refEntry);
      for (const address of addresses) {
        assert.equal(matcher.matches(address), refMatches(reference, words128(address)), `seed ${seed} address ${address}`);
      }
    }
  });

  it('the reference itself agrees with ipaddr.js match() on a sample', () => {
    const { entries, addresses } = randomCorpus(7, 300, 300, 'nested');
    const reference = entries.map(refEntry);
    const ranges = entries.map((e) => ipaddr.parseCIDR(e.includes('/') ? e : `${e}/${e.includes(':') ? 128 : 32}`));
    for (const address of addresses) {
      const client = ipaddr.process(address); // process() unmaps ::ffff:a.b.c.d
      const mapped = client.kind() === 'ipv4' ? (client as ipaddr.IPv4).toIPv4MappedAddress() : client;
      const viaIpaddr = ranges.some(([net, bits]) =>
        net.kind() === client.kind() ? client.match(net, bits) : net.kind() === 'ipv6' && mapped.match(net, bits),
      );
      assert.equal(refMatches(reference, words128(address)), viaIpaddr, address);
    }
  });

  it('timing: ns per matches() call vs a linear scan; at 10,000 entries the matcher is far ahead', (t) => {
    for (const profile of ['typical', 'every-length'] as const) {
      for (const count of [1_000, 10_000]) {
        const { entries, addresses } = randomCorpus(count + 1, count, 2_000, profile);
        const matcher = IpMatcher.from(entries);
        const parsed = addresses.map((a) => parseAddress(a));
        const reference = entries.map(refEntry);
        const refClients = addresses.map(words128);

        /** Mean ns per call over ~50 ms, after a warm-up so the JIT has settled. */
        const time = (run: (i: number) => boolean): number => {
          let sink = 0;
          for (let i = 0; i < 5_000; i++) sink += run(i % addresses.length) ? 1 : 0;
          let calls = 0;
          const start = process.hrtime.bigint();
          let elapsed = 0n;
          while (elapsed < 50_000_000n) {
            for (let i = 0; i < 1_000; i++) sink += run((calls + i) % addresses.length) ? 1 : 0;
            calls += 1_000;
            elapsed = process.hrtime.bigint() - start;
          }
          assert.ok(sink >= 0);
          return Number(elapsed) / calls;
        };
        const pre = time((i) => matcher.matches(parsed[i]));
        const str = time((i) => matcher.matches(addresses[i] as string));
        const linear = time((i) => refMatches(reference, refClients[i] as Uint32Array));
        const { ipv4, ipv6 } = matcher.stats;
        const line =
          `${profile}, ${count} entries (prefix lengths v4=${ipv4.prefixLengths} v6=${ipv6.prefixLengths}, ` +
          `max probes v4=${ipv4.maxProbes} v6=${ipv6.maxProbes}): matches(parsed) ${pre.toFixed(0)} ns, ` +
          `matches(string) ${str.toFixed(0)} ns, linear scan ${linear.toFixed(0)} ns`;
        t.diagnostic(line);
        // Measured around 50x ahead at 10,000 entries; 4x leaves room for any noise a shared machine adds.
        if (count === 10_000) assert.ok(pre * 4 < linear, line);
      }
    }
  });
});

describe('resolveClientAddress', () => {
  const trusted = parseTrustProxy('10.0.0.0/8, 192.168.100.5, fd00::/8');
  const resolve = (socket: string | undefined, xff?: string | string[], proxies = trusted) =>
    resolveClientAddress(socket, xff, proxies)?.text;

  it('with no trusted proxies, X-Forwarded-For is ignored', () => {
    assert.equal(resolve('203.0.113.9', '1.2.3.4', IpMatcher.empty()), '203.0.113.9');
    assert.equal(resolve('10.0.0.1', '1.2.3.4', parseTrustProxy('')), '10.0.0.1');
  });

  it('normalises an IPv4-mapped socket address to IPv4', () => {
    assert.equal(resolve('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(resolve('::ffff:203.0.113.9', undefined, IpMatcher.empty()), '203.0.113.9');
  });

  it('spoofing from an untrusted socket: the header is ignored', () => {
    assert.equal(resolve('203.0.113.9', '10.0.0.1'), '203.0.113.9');
    assert.equal(resolve('::ffff:203.0.113.9', '192.168.100.5, 10.0.0.2'), '203.0.113.9');
  });

  it('a trusted proxy: the hop it appended is the client', () => {
    assert.equal(resolve('10.0.0.1', '198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('::ffff:10.0.0.1', ' 198.51.100.7 '), '198.51.100.7');
  });

  it('spoofing through a trusted proxy: client-written hops left of the real one are ignored', () => {
    // The client sent "X-Forwarded-For: 10.0.0.7" (a trusted address) and the proxy appended
    // the real peer 198.51.100.7; the walk stops at the first untrusted hop from the right.
    assert.equal(resolve('10.0.0.1', '10.0.0.7, 198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', '1.1.1.1, 10.0.0.7, 198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', 'garbage, 198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', '127.0.0.1, ::1, 198.51.100.7'), '198.51.100.7');
  });

  it('a chain of trusted proxies is walked through', () => {
    assert.equal(resolve('10.0.0.1', '198.51.100.7, 10.0.0.3, 192.168.100.5'), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', '6.6.6.6, 198.51.100.7, ::ffff:10.0.0.3'), '198.51.100.7');
  });

  it('if every hop is trusted, the leftmost is the client', () => {
    assert.equal(resolve('10.0.0.1', '10.0.0.9, 10.0.0.3'), '10.0.0.9');
  });

  it('a trusted socket without X-Forwarded-For is the client itself', () => {
    assert.equal(resolve('10.0.0.1'), '10.0.0.1');
    assert.equal(resolve('10.0.0.1', ''), '10.0.0.1');
    assert.equal(resolve('10.0.0.1', '   '), '10.0.0.1');
    assert.equal(resolve('10.0.0.1', []), '10.0.0.1');
  });

  it('a malformed hop written by a trusted proxy means "cannot tell" (undefined), never the proxy', () => {
    const malformed = [
      'unknown',
      'garbage',
      '198.51.100.7, ',
      '198.51.100.7,,10.0.0.3',
      '300.1.1.1',
      '010.0.0.1',
      'fe80::1%eth0',
      '::1.2.3.4',
      '_hidden',
    ];
    for (const xff of malformed) {
      assert.equal(resolve('10.0.0.1', xff), undefined, xff);
    }
    assert.equal(IpMatcher.from(['10.0.0.0/8']).matches(resolveClientAddress('10.0.0.1', 'unknown', trusted)), false);
  });

  it('blank items beyond the first untrusted hop do not matter', () => {
    assert.equal(resolve('10.0.0.1', ' , 198.51.100.7'), '198.51.100.7');
  });

  it('several X-Forwarded-For headers are one list, in order', () => {
    assert.equal(resolve('10.0.0.1', ['1.1.1.1, 198.51.100.7', '10.0.0.3']), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', ['203.0.113.1', '198.51.100.7']), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', ['198.51.100.7', '']), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', ['198.51.100.7', 'unknown']), undefined);
  });

  it('IPv6 sockets and hops', () => {
    assert.equal(resolve('fd00::1', '2001:db8::42'), '2001:db8::42');
    assert.equal(resolve('fd00::1', '2001:DB8:0::42, fd00::2'), '2001:db8::42');
    assert.equal(resolve('2001:db8::1', '198.51.100.7'), '2001:db8::1');
    assert.equal(resolve('fd00::1', '::ffff:198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('::1', '198.51.100.7'), '::1');
  });

  it('drops a link-local zone id from the socket address', () => {
    assert.equal(resolve('fe80::1%eth0'), 'fe80::1');
  });

  it('accepts hops with a port, as some proxies write them', () => {
    assert.equal(resolve('10.0.0.1', '198.51.100.7:5555'), '198.51.100.7');
    assert.equal(resolve('10.0.0.1', '[2001:db8::42]:443'), '2001:db8::42');
    assert.equal(resolve('10.0.0.1', '[2001:db8::42]'), '2001:db8::42');
    assert.equal(resolve('10.0.0.1', '198.51.100.7, 10.0.0.3:8080'), '198.51.100.7');
    assert.equal(parseForwardedHop('198.51.100.7:99999'), undefined);
    assert.equal(parseForwardedHop('[198.51.100.7'), undefined);
  });

  it('no usable socket address means undefined', () => {
    assert.equal(resolve(undefined, '198.51.100.7'), undefined);
    assert.equal(resolve('', '198.51.100.7'), undefined);
    assert.equal(resolve('not-an-ip', '198.51.100.7'), undefined);
  });

  it('the resolved address is a ParsedAddress usable with every matcher', () => {
    const client = resolveClientAddress('10.0.0.1', '198.51.100.7', trusted);
    assert.equal(IpMatcher.from(['198.51.100.0/24']).matches(client), true);
    assert.equal(IpMatcher.from(['10.0.0.0/8']).matches(client), false);
  });
});

describe('parseTrustProxy', () => {
  it('blank or unset trusts nobody', () => {
    assert.equal(parseTrustProxy('').size, 0);
    assert.equal(parseTrustProxy('  ').size, 0);
    assert.equal(parseTrustProxy(undefined).size, 0);
  });

  it('comma-separated, whitespace and empty items tolerated', () => {
    const m = parseTrustProxy(' 10.0.0.0/8 ,::1,, 172.16.0.0/12,');
    assert.deepEqual(m.entries, ['10.0.0.0/8', '::1', '172.16.0.0/12']);
    assert.equal(m.matches('172.31.0.1'), true);
    assert.equal(m.matches('::1'), true);
  });

  it('a bad entry throws IpEntryError naming it', () => {
    assert.throws(
      () => parseTrustProxy('10.0.0.0/8, 10.0.0.300'),
      (error: unknown) =>
        error instanceof IpEntryError &&
        error.code === 'invalid' &&
        error.input === '10.0.0.300' &&
        /^Invalid trusted proxy entry: '10\.0\.0\.300' is not a valid/.test(error.message),
    );
    assert.throws(() => parseTrustProxy('10.0.0.0/40'), /Invalid trusted proxy entry: '10\.0\.0\.0\/40' has prefix length \/40/);
  });
});
