// The IP allow-list toolkit: entries (parse, normalise), matchers, client address resolution.
export { parseAddress, type IpFamily, type IPv4Address, type IPv6Address, type ParsedAddress } from './address';
export { IpEntryError, normaliseIpEntries, parseIpEntry, type IpEntry, type IpEntryErrorCode } from './ip-entry';
export { IpMatcher, type TableStats } from './ip-matcher';
export { parseForwardedHop, parseTrustProxy, resolveClientAddress } from './client-address';
