/**
 * "Is this address inside any of these networks?" for one address family, answered with
 * O(log W) hash probes (W = distinct prefix lengths: at most 6 probes for IPv4, 8 for IPv6)
 * however many networks there are.
 *
 * Networks are grouped by prefix length, one hash table per length holding the network keys
 * masked to that length. Probing every length would already be independent of the entry
 * count, but cost up to 33 / 129 probes; instead the lengths are binary-searched
 * (Waldvogel et al., "Scalable High Speed IP Routing Lookups", 1997): a probe that hits
 * means "a matching network may be longer", a miss means "only a shorter one can match".
 * For that, every network leaves a *marker* (its own prefix at that length) at each length
 * where the search towards it has to turn to longer lengths.
 *
 * The full algorithm also stores at each marker the best shorter match, because a marker
 * can lead the search away from a shorter network that did match. Here the answer is only
 * yes/no, so networks already covered by a shorter network are dropped first; what is left
 * has no network inside another, and then no such marker can exist (a marker on the
 * address's path above a matching network N would come from a longer network inside N).
 * So: probe hits a network -> true; hits a marker -> go longer; misses -> go shorter.
 *
 * Hand-written because no library at hand has it: ipaddr.js (which parses the entries) only
 * offers `match` / `subnetMatch`, and proxy-addr's compiled trust function, both a scan over
 * every range per lookup; with thousands of allow-list entries that is ~50x slower (see the
 * timing test in test/auth/ip.test.ts).
 */
export class PrefixTable<K extends number | string> {
  /** Distinct prefix lengths, ascending: the implicit binary search tree. */
  private readonly lengths: readonly number[];
  /** Per length: key -> true for a network, false for a marker only. */
  private readonly tables: readonly Map<K, boolean>[];

  /**
   * @param byPrefix network keys grouped by prefix length, each already masked to it
   * @param networkKey masks a key (of an address, or of a longer network) to a prefix length
   */
  constructor(
    byPrefix: ReadonlyMap<number, ReadonlySet<K>>,
    private readonly networkKey: (key: K, prefix: number) => K,
  ) {
    const kept = withoutCoveredNetworks(byPrefix, networkKey);
    this.lengths = [...kept.keys()].sort((a, b) => a - b);
    this.tables = this.lengths.map(() => new Map<K, boolean>());
    this.lengths.forEach((length, target) => {
      for (const key of kept.get(length) as K[]) this.insert(key, target);
    });
  }

  has(key: K): boolean {
    const { lengths, tables, networkKey } = this;
    let lo = 0;
    let hi = lengths.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const hit = (tables[mid] as Map<K, boolean>).get(networkKey(key, lengths[mid] as number));
      if (hit === true) return true;
      if (hit === false) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Distinct prefix lengths left after dropping covered networks. */
  get prefixLengths(): number {
    return this.lengths.length;
  }

  /** Most hash probes one lookup can take: the depth of the binary search. */
  get maxProbes(): number {
    return Math.ceil(Math.log2(this.lengths.length + 1));
  }

  /** Walks the search path to `target`, leaving a marker wherever it turns longer. */
  private insert(key: K, target: number): void {
    let lo = 0;
    let hi = this.lengths.length - 1;
    for (;;) {
      const mid = (lo + hi) >>> 1;
      const table = this.tables[mid] as Map<K, boolean>;
      if (mid === target) {
        table.set(key, true);
        return;
      }
      if (mid < target) {
        const marker = this.networkKey(key, this.lengths[mid] as number);
        if (!table.has(marker)) table.set(marker, false);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
  }
}

/**
 * Drops every network inside a shorter one (10.1.0.0/16 when 10.0.0.0/8 is present): it
 * changes no answer, and the marker scheme above relies on there being none.
 */
function withoutCoveredNetworks<K>(
  byPrefix: ReadonlyMap<number, ReadonlySet<K>>,
  networkKey: (key: K, prefix: number) => K,
): Map<number, K[]> {
  const ascending = [...byPrefix.keys()].sort((a, b) => a - b);
  const kept = new Map<number, K[]>();
  ascending.forEach((length, i) => {
    const shorter = ascending.slice(0, i);
    const keys = [...(byPrefix.get(length) as ReadonlySet<K>)].filter(
      (key) => !shorter.some((s) => (byPrefix.get(s) as ReadonlySet<K>).has(networkKey(key, s))),
    );
    if (keys.length > 0) kept.set(length, keys);
  });
  return kept;
}
