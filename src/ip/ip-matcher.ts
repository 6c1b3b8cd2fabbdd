import {
  ipv4NetworkKey,
  ipv6NetworkKey,
  MAPPED_NETWORK_KEY,
  MAPPED_PREFIX_LENGTH,
  parseAddress,
  type ParsedAddress,
} from './address';
import { parseIpEntry } from './ip-entry';
import { PrefixTable } from './prefix-table';

export interface TableStats {
  readonly prefixLengths: number;
  readonly maxProbes: number;
}

/**
 * An immutable set of IP entries, built once per settings change and then asked
 * `matches(address)` on every request. A lookup never scans the entries: see PrefixTable.
 *
 * Matching semantics:
 * - Entries are normalised by parseIpEntry (host bits cleared, mapped IPv6 to IPv4), so a
 *   client arriving as ::ffff:1.2.3.4 matches the IPv4 entry 1.2.3.4 and vice versa.
 * - An IPv4 client is the IPv6 address ::ffff:a.b.c.d, so an IPv6 entry whose range
 *   contains all of ::ffff:0:0/96 (::/0, ::/64, ::ffff:0:0/96 itself, ...) matches every
 *   IPv4 client. No other IPv4-in-IPv6 embedding (NAT64, 6to4) is treated as IPv4.
 * - Anything that is not a valid address (including undefined, "cannot tell") matches
 *   nothing. For an allow list that fails closed; a deny list must check for it itself.
 */
export class IpMatcher {
  private constructor(
    private readonly v4: PrefixTable<number>,
    private readonly v6: PrefixTable<string>,
    private readonly normalised: readonly string[],
  ) {}

  /** Throws IpEntryError on the first invalid entry. */
  static from(entries: readonly string[]): IpMatcher {
    const v4 = new Map<number, Set<number>>();
    const v6 = new Map<number, Set<string>>();
    const seen = new Set<string>();
    for (const input of entries) {
      const { entry, network, prefixLength } = parseIpEntry(input);
      if (seen.has(entry)) continue;
      seen.add(entry);
      if (network.family === 'ipv4') {
        addNetwork(v4, network.key, prefixLength);
        continue;
      }
      addNetwork(v6, ipv6NetworkKey(network.key, prefixLength), prefixLength);
      if (prefixLength <= MAPPED_PREFIX_LENGTH && coversMappedSpace(network.key, prefixLength)) {
        addNetwork(v4, 0, 0); // i.e. 0.0.0.0/0
      }
    }
    return new IpMatcher(new PrefixTable(v4, ipv4NetworkKey), new PrefixTable(v6, ipv6NetworkKey), Object.freeze([...seen]));
  }

  static empty(): IpMatcher {
    return IpMatcher.from([]);
  }

  /** Number of distinct entries after normalisation. */
  get size(): number {
    return this.normalised.length;
  }

  /** The distinct normalised entries, in first-seen order. */
  get entries(): readonly string[] {
    return this.normalised;
  }

  /**
   * Whether the address is inside any entry. Pass a ParsedAddress (from parseAddress or
   * resolveClientAddress) to parse a request's client once and reuse it across matchers; a
   * string is parsed here and an unparseable one matches nothing.
   */
  matches(address: string | ParsedAddress | undefined): boolean {
    const parsed = typeof address === 'string' ? parseAddress(address) : address;
    if (parsed === undefined) return false;
    return parsed.family === 'ipv4' ? this.v4.has(parsed.key) : this.v6.has(parsed.key);
  }

  /**
   * Lookup cost per family: distinct prefix lengths after dropping entries covered by a
   * shorter one, and the most hash probes a lookup can take (at most 6 for IPv4, 8 for IPv6).
   */
  get stats(): { ipv4: TableStats; ipv6: TableStats } {
    const of = (t: PrefixTable<number> | PrefixTable<string>): TableStats => ({
      prefixLengths: t.prefixLengths,
      maxProbes: t.maxProbes,
    });
    return { ipv4: of(this.v4), ipv6: of(this.v6) };
  }
}

function coversMappedSpace(networkKey: string, prefix: number): boolean {
  return ipv6NetworkKey(MAPPED_NETWORK_KEY, prefix) === ipv6NetworkKey(networkKey, prefix);
}

function addNetwork<K>(table: Map<number, Set<K>>, networkKey: K, prefix: number): void {
  let set = table.get(prefix);
  if (set === undefined) table.set(prefix, (set = new Set<K>()));
  set.add(networkKey);
}
