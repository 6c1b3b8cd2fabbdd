import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { parseAddress, type ParsedAddress } from './address';
import { IpEntryError } from './ip-entry';
import { IpMatcher } from './ip-matcher';

/**
 * Works out which address a request comes from, for matching against IP allow lists.
 *
 * X-Forwarded-For is only evidence when a trusted proxy wrote it. Each proxy appends the
 * address of whoever connected to it, so reading from the right, every entry up to and
 * including the first one written by an untrusted party is reliable, and everything to
 * its left could have been typed by the client. That walk is proxy-addr's: the socket peer
 * is the answer unless it is a trusted proxy; otherwise the first hop from the right that is
 * not a trusted proxy is the client, and if every hop is trusted, the leftmost one is.
 *
 * What proxy-addr does not do is fail closed. A hop that is not a valid address means
 * "cannot tell" here (`undefined`), which matches no IpMatcher. Only a trusted proxy can have
 * written it (untrusted input lies beyond the point where the walk already stopped), so this
 * is a broken or anonymising proxy ('unknown'); falling back to that proxy's own address
 * would let any client borrow the proxy's identity, which is exactly wrong if internal
 * addresses are on an allow list. Failing closed costs only availability for a misconfigured
 * proxy. So:
 * - the trust function parses each hop strictly (parseForwardedHop) and trusts no hop it
 *   cannot parse, so the walk stops at a malformed hop and ends on it, and that answer is
 *   parsed again below and comes out undefined;
 * - proxy-addr's header parser drops empty items ('a,,b', a trailing comma), which would walk
 *   straight past them, so each one is handed over as a token that is no address instead.
 *
 * Returns undefined when there is no usable socket address either (socket already gone).
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedProxies: IpMatcher,
): ParsedAddress | undefined {
  const socket = socketAddress === undefined ? undefined : parseAddress(stripZone(socketAddress));
  // Checked here rather than by proxy-addr: the socket is parsed differently (zone ids) and
  // most requests stop here, before any header parsing.
  if (socket === undefined || !trustedProxies.matches(socket)) return socket;
  const hops = hopList(forwardedFor);
  if (hops === '') return socket;

  // proxy-addr reads only these two fields of an IncomingMessage.
  const request = { socket: { remoteAddress: socketAddress }, headers: { 'x-forwarded-for': hops } };
  // [socket, hops right to left up to and including the client]
  const walked = proxyaddr.all(request as unknown as IncomingMessage, (address, i) => {
    if (i === 0) return true; // the socket, trusted above
    const hop = parseForwardedHop(address);
    return hop !== undefined && trustedProxies.matches(hop);
  });
  return walked.length === 1 ? socket : parseForwardedHop(walked[walked.length - 1] as string);
}

/**
 * Parses the trusted-proxy setting: comma-separated addresses and CIDR ranges, e.g.
 * '10.0.0.0/8, 172.16.0.0/12, ::1'. Unset or blank trusts nobody, and empty items (a
 * trailing comma) are ignored since they cannot widen trust. Throws IpEntryError naming the
 * bad entry, so a typo stops startup instead of silently trusting less (or more).
 */
export function parseTrustProxy(value: string | undefined): IpMatcher {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  try {
    return IpMatcher.from(items);
  } catch (error) {
    if (error instanceof IpEntryError) {
      throw new IpEntryError(`Invalid trusted proxy entry: ${error.message}`, error.code, error.input);
    }
    throw error;
  }
}

/** Stands in for an empty X-Forwarded-For item: not an address, and no ',' or ' ' in it. */
const EMPTY_HOP = '-';

/**
 * Several X-Forwarded-For headers are one list in order (RFC 7230 field combination), the
 * same as Node's own ', ' join. A header that is entirely blank adds no hops; a blank item
 * inside the list becomes EMPTY_HOP so that it fails as a malformed hop.
 */
function hopList(forwardedFor: string | readonly string[] | undefined): string {
  const values = typeof forwardedFor === 'string' ? [forwardedFor] : (forwardedFor ?? []);
  const joined = values.filter((value) => value.trim() !== '').join(',');
  if (joined === '') return '';
  return joined
    .split(',')
    .map((hop) => (hop.trim() === '' ? EMPTY_HOP : hop))
    .join(',');
}

const BRACKETED = /^\[([^\]]*)\](?::([0-9]{1,5}))?$/;
const IPV4_WITH_PORT = /^([0-9.]+):([0-9]{1,5})$/;
const MAX_PORT = 65535;

/**
 * One X-Forwarded-For item. Some proxies (Azure Application Gateway, IIS ARR) append the
 * client port, as '1.2.3.4:5678' or '[2001:db8::1]:5678'; both are unambiguous, since bare
 * IPv6 always has at least two colons, so the port is dropped rather than failing the walk.
 * Zone ids are not accepted from the wire.
 */
export function parseForwardedHop(item: string): ParsedAddress | undefined {
  const text = item.trim();
  const withPort = BRACKETED.exec(text) ?? IPV4_WITH_PORT.exec(text);
  if (withPort === null) return parseAddress(text);
  const [, host = '', port] = withPort;
  if (port !== undefined && Number(port) > MAX_PORT) return undefined;
  return parseAddress(host);
}

/** Node reports link-local peers as 'fe80::1%eth0'; the zone says which NIC, not who. */
function stripZone(address: string): string {
  const zone = address.indexOf('%');
  return zone < 0 ? address : address.slice(0, zone);
}
