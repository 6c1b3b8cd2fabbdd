'use strict';
/**
 * The mutants of scripts/mutation-pass.js: each is one bug a developer could really write, that
 * breaks one access, signature, IP or management rule. `find` is matched against the COMPILED
 * file (tests run from dist/) and must occur there exactly once; after editing a source file,
 * `npm run mutation -- --list` shows which mutants went stale. `tests` are the test files that
 * are expected to catch the bug, cheapest first (the run stops at the first failure).
 *
 * Groups (id prefix): access, management, signature, ip. Redaction mutants are to come (see the
 * end of the list).
 */

const T = {
  http: 'dist/test/auth/auth-http.test.js',
  management: 'dist/test/hostile/management.test.js',
  ip: 'dist/test/auth/ip.test.js',
  signers: 'dist/test/auth/escher-signers.test.js',
  vectors: 'dist/test/auth/escher-vectors.test.js',
  canonical: 'dist/test/auth/escher-canonical.test.js',
  layers: 'dist/test/hostile/operation-access.test.js',
};

const AUTHORIZE = 'dist/src/auth/authorize.js';
const AUTHENTICATE = 'dist/src/auth/authenticate.js';
const OPERATION_ACCESS = 'dist/src/graphql/operation-access.js';
const VERIFY = 'dist/src/auth/escher/verify.js';
const CANONICAL = 'dist/src/auth/escher/canonical.js';
const CLIENT_ADDRESS = 'dist/src/auth/ip/client-address.js';
const ADDRESS = 'dist/src/auth/ip/address.js';
const SECURITY_STORE = 'dist/src/security/security-store.js';
const LOCKOUT = 'dist/src/security/lockout.js';

module.exports = [
  // ------------------------------------------------------------------------------------------
  // access: who may run what (src/auth/authorize.ts, authenticate.ts, src/graphql/operation-access.ts,
  // the authorization plugin, the Entities REST paths, the credential store)
  {
    id: 'access.ip-check-removed',
    rule: 'An address outside an endpoint\'s IP filter is refused (403).',
    file: AUTHORIZE,
    find: 'if (rules.ipMatcher && !(auth.client && rules.ipMatcher.matches(auth.client))) {',
    replace: 'if (false && rules.ipMatcher) {',
    tests: [T.management, T.http],
  },
  {
    id: 'access.unknown-address-allowed',
    rule: 'A client whose address cannot be told is refused by an IP filter (fail closed), not let through.',
    file: AUTHORIZE,
    find: '!(auth.client && rules.ipMatcher.matches(auth.client))',
    replace: '!(!auth.client || rules.ipMatcher.matches(auth.client))',
    tests: [T.management, T.http],
  },
  {
    id: 'access.signature-enforcement-skipped',
    rule: 'A plain key on a signature-enforced endpoint is refused (401): any authentication method is not enough.',
    file: AUTHORIZE,
    find: "if (rules.signatureRequired && auth.method !== 'signature') {",
    replace: 'if (rules.signatureRequired && !auth.method) {',
    tests: [T.management, T.http],
  },
  {
    id: 'access.admin-role-check-removed',
    rule: 'A CLIENT credential on a management operation is refused (403) before anything runs.',
    file: AUTHORIZE,
    find: "if (access.adminOnly && auth.credential.role !== 'ADMIN') {",
    replace: 'if (false) {',
    tests: [T.management, T.http],
  },
  {
    id: 'access.plain-key-reported-as-signed',
    rule: 'A request authenticated by a plain key is known as such (so signature enforcement can refuse it).',
    file: AUTHENTICATE,
    find: "return { credential: found.credential, method: 'key',",
    replace: "return { credential: found.credential, method: 'signature',",
    tests: [T.management, T.http],
  },
  {
    id: 'access.revoked-key-still-active',
    rule: 'A revoked key is refused (401), plain or signed.',
    file: 'dist/src/credentials/credential-store.js',
    find: '                revoked.add(digest(doc._id));\n                continue;\n',
    replace: '                revoked.add(digest(doc._id));\n',
    tests: [T.http],
  },
  {
    id: 'access.first-root-field-only',
    rule: 'An operation with several root fields must pass the rules of each, not only the first.',
    file: OPERATION_ACCESS,
    find: 'for (const name of names) {',
    replace: 'for (const name of [...names].slice(0, 1)) {',
    tests: [T.management, T.http],
  },
  {
    id: 'access.fragment-spreads-not-followed',
    rule: 'Root fields selected through a named fragment spread meet their rules.',
    file: OPERATION_ACCESS,
    find: 'if (fragment)\n                collectFieldNames(fragment.selectionSet, fragments, out, visited);',
    replace: 'if (false)\n                collectFieldNames(fragment.selectionSet, fragments, out, visited);',
    tests: [T.management, T.http],
  },
  {
    id: 'access.inline-fragments-not-followed',
    rule: 'Root fields selected through an inline fragment meet their rules.',
    file: OPERATION_ACCESS,
    find: 'collectFieldNames(selection.selectionSet, fragments, out, visited);',
    replace: 'void 0;',
    tests: [T.http, T.management],
  },
  {
    id: 'access.introspection-skip-widened',
    rule: 'Only introspection fields (`__schema`, `__type`, `__typename`) skip the endpoint rules.',
    file: OPERATION_ACCESS,
    find: "if (name.startsWith('__'))",
    replace: "if (name.startsWith('_'))",
    tests: [T.layers, T.http, T.management],
  },
  {
    id: 'access.undeclared-root-field-allowed',
    rule: 'A root field without declared access is treated as a management operation (refuse rather than allow).',
    file: OPERATION_ACCESS,
    find: 'accesses.push(access ?? root_field_1.MANAGEMENT_OPERATION);',
    replace: 'if (access)\n            accesses.push(access);',
    tests: [T.layers, T.management, T.http],
  },
  {
    id: 'access.access-cache-ignores-operation-name',
    rule: 'The access computed for one operation of a document is not reused for another operation of the same document.',
    file: OPERATION_ACCESS,
    find: "const key = operation.name?.value ?? '';",
    replace: "const key = '';",
    tests: [T.management, T.http],
  },
  {
    id: 'access.plugin-does-not-throw',
    rule: 'A refusal from the endpoint rules ends a GraphQL request before any resolver runs.',
    file: 'dist/src/graphql/plugins/authorization/index.js',
    find: 'if (error)\n                        throw error;',
    replace: 'if (error)\n                        void error;',
    tests: [T.management, T.http],
  },
  {
    id: 'access.rest-paths-not-on-entities-endpoint',
    rule: 'The /entities/... paths meet the ENTITIES endpoint\'s IP filter and signature enforcement.',
    file: 'dist/src/entities/entities.rest.js',
    find: '[{ endpoint: api_endpoint_1.ApiEndpoint.ENTITIES }]',
    replace: '[{}]',
    tests: [T.management, T.http],
  },

  // ------------------------------------------------------------------------------------------
  // management: the MANAGEMENT endpoint, the lock-out guard, the module switches
  // (src/security/root-field.ts, lockout.ts, security-store.ts, security.resolver.ts)
  {
    id: 'management.operation-without-endpoint',
    rule: 'Management operations belong to the MANAGEMENT endpoint, so its IP filter and signature enforcement reach them.',
    file: 'dist/src/security/root-field.js',
    find: 'Object.freeze({ endpoint: api_endpoint_1.ApiEndpoint.MANAGEMENT, adminOnly: true })',
    replace: 'Object.freeze({ adminOnly: true })',
    tests: [T.management, T.http],
  },
  {
    id: 'management.resolver-authorized-dropped',
    rule: 'The management resolvers refuse a non-admin themselves (@Authorized, second line of defence).',
    file: 'dist/src/security/root-field.js',
    find: "(0, type_graphql_1.Authorized)('ADMIN')(target, key, descriptor);",
    replace: 'void 0;',
    tests: [T.layers, T.management, T.http],
  },
  {
    id: 'management.lockout-ip-check-disabled',
    rule: 'A change that would put the caller\'s own address outside the MANAGEMENT IP filter is refused.',
    file: LOCKOUT,
    find: 'if (after.modules?.IP_FILTER === true && entries.length > 0) {',
    replace: 'if (false) {',
    tests: [T.management],
  },
  {
    id: 'management.lockout-signature-check-disabled',
    rule: 'A plain-key request cannot make MANAGEMENT refuse plain keys (it would lock itself out).',
    file: LOCKOUT,
    find: "if (after.modules?.SIGNATURE_CHECK === true && settings?.signatureEnforced === true && caller.method !== 'signature') {",
    replace: 'if (false) {',
    tests: [T.management],
  },
  {
    id: 'management.lockout-unknown-address-allowed',
    rule: 'A caller whose address cannot be told cannot turn on a MANAGEMENT IP filter (it would not be allowed by it).',
    file: LOCKOUT,
    find: 'const allowed = caller.client !== undefined && ip_matcher_1.IpMatcher.from(entries).matches(caller.client);',
    replace: 'const allowed = caller.client === undefined || ip_matcher_1.IpMatcher.from(entries).matches(caller.client);',
    tests: [T.management],
  },
  {
    id: 'management.lockout-not-guarded-on-remove',
    rule: 'Removing an IP filter entry is checked against locking out the caller, like adding one.',
    file: 'dist/src/security/security.resolver.js',
    find: 'ctx.services.security.removeIpFilter(args.endpoint, args.entry, notLockingOut(ctx))',
    replace: 'ctx.services.security.removeIpFilter(args.endpoint, args.entry)',
    tests: [T.management],
  },
  {
    id: 'management.ip-filter-ignores-module-switch',
    rule: 'IP filter entries apply only while the IP_FILTER module is on.',
    file: SECURITY_STORE,
    find: 'ipMatcher: ipOn && entries.length > 0 ?',
    replace: 'ipMatcher: entries.length > 0 ?',
    tests: [T.management, T.http],
  },
  {
    id: 'management.signature-ignores-module-switch',
    rule: 'Signature enforcement applies only while the SIGNATURE_CHECK module is on.',
    file: SECURITY_STORE,
    find: 'signatureRequired: sigOn && settings?.signatureEnforced === true,',
    replace: 'signatureRequired: settings?.signatureEnforced === true,',
    tests: [T.management, T.http],
  },
  {
    id: 'management.ip-change-not-in-force-at-once',
    rule: 'An added IP filter entry is in force for the next request on the instance that made the change.',
    file: SECURITY_STORE,
    find: 'remove some or use wider CIDR ranges`);\n        }\n        await this.changed();',
    replace: 'remove some or use wider CIDR ranges`);\n        }',
    tests: [T.http, T.management],
  },

  // ------------------------------------------------------------------------------------------
  // signature: Escher verification (src/auth/escher/verify.ts, canonical.ts, auth-header.ts)
  {
    id: 'signature.comparison-always-true',
    rule: 'A signature that does not match is refused.',
    file: VERIFY,
    find: 'return expected.length === provided.length && (0, node_crypto_1.timingSafeEqual)(expected, provided);',
    replace: 'return true;',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.prefix-comparison',
    rule: 'The whole signature is compared, not only as many bytes as the client sent.',
    file: VERIFY,
    find: 'return expected.length === provided.length && (0, node_crypto_1.timingSafeEqual)(expected, provided);',
    replace: 'return expected.subarray(0, provided.length).equals(provided);',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.clock-skew-check-removed',
    rule: 'A request whose Date is outside the clock skew is refused (no replay of old signed requests).',
    file: VERIFY,
    find: 'if (!(requestMs - skewMs <= nowMs && nowMs < requestMs + claim.expiresSeconds * 1000 + skewMs)) {',
    replace: 'if (false) {',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.future-dates-unbounded',
    rule: 'A request dated too far ahead of the server clock is refused, not only one too far behind.',
    file: VERIFY,
    find: 'if (!(requestMs - skewMs <= nowMs && nowMs < requestMs + claim.expiresSeconds * 1000 + skewMs)) {',
    replace: 'if (!(nowMs < requestMs + claim.expiresSeconds * 1000 + skewMs)) {',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.skew-ahead-bound-exclusive',
    rule: 'The skew window is exactly escher-auth\'s: a Date exactly `skew` ahead is accepted (<=, not <).',
    file: VERIFY,
    find: 'requestMs - skewMs <= nowMs &&',
    replace: 'requestMs - skewMs < nowMs &&',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.skew-behind-bound-inclusive',
    rule: 'The skew window is exactly escher-auth\'s: a Date exactly `skew` behind is refused (<, not <=).',
    file: VERIFY,
    find: '&& nowMs < requestMs + claim.expiresSeconds * 1000 + skewMs',
    replace: '&& nowMs <= requestMs + claim.expiresSeconds * 1000 + skewMs',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.body-not-signed',
    rule: 'The body is part of the signed content.',
    file: VERIFY,
    find: 'bodyHash: (hashAlgo) => (0, signature_1.hashHex)(hashAlgo, request.body),',
    replace: "bodyHash: (hashAlgo) => (0, signature_1.hashHex)(hashAlgo, ''),",
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.host-not-required',
    rule: '`host` must be among the signed headers.',
    file: VERIFY,
    find: "mandatory: ['host', dateName, ...mandatory],",
    replace: 'mandatory: [dateName, ...mandatory],',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.date-not-required',
    rule: '`date` must be among the signed headers.',
    file: VERIFY,
    find: "mandatory: ['host', dateName, ...mandatory],",
    replace: "mandatory: ['host', ...mandatory],",
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.credential-scope-not-checked',
    rule: 'The credential scope must be this server\'s (`<API_STACK>/api/antavo_request`).',
    file: VERIFY,
    find: 'if (claim.credentialScope !== config.credentialScope) {',
    replace: 'if (false) {',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.credential-date-not-matched',
    rule: 'The credential date must be the day of the Date header.',
    file: VERIFY,
    find: 'if (claim.credentialDate !== shortDate) {',
    replace: 'if (false) {',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.signed-header-presence-not-checked',
    rule: 'A signed header missing from the request is refused with 401, not a crash.',
    file: VERIFY,
    find: "if (!(0, canonical_1.headerValues)(request.headers[name]))\n            return fail('signed_header_missing'",
    replace: "if (false)\n            return fail('signed_header_missing'",
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.algorithm-prefix-not-checked',
    rule: 'Only `<algoPrefix>-HMAC-SHA256/512` is accepted as the algorithm.',
    file: 'dist/src/auth/escher/auth-header.js',
    find: 'if (!token.startsWith(prefix)) {',
    replace: 'if (false) {',
    tests: [T.signers, T.vectors, T.http],
  },
  {
    id: 'signature.query-not-sorted',
    rule: 'The canonical query string is sorted (as escher-auth signs it).',
    file: CANONICAL,
    find: "return groups.sort().join('&');",
    replace: "return groups.join('&');",
    tests: [T.canonical, T.vectors, T.signers],
  },
  {
    id: 'signature.query-not-encoded',
    rule: 'Canonical query keys and values are percent-encoded (as escher-auth signs them).',
    file: CANONICAL,
    find: 'function encodeQueryComponent(component) {\n    if (QUERY_SAFE.test(component))',
    replace: 'function encodeQueryComponent(component) {\n    if (true)',
    tests: [T.canonical, T.vectors, T.signers],
  },
  {
    id: 'signature.header-values-not-trimmed',
    rule: 'Signed header values are trimmed before signing (as escher-auth does).',
    file: CANONICAL,
    find: "        .trim()\n        .split('\"')",
    replace: "        .split('\"')",
    tests: [T.canonical, T.vectors, T.signers],
  },

  // ------------------------------------------------------------------------------------------
  // ip: client address and allow-list matching (src/auth/ip/*)
  {
    id: 'ip.forwarded-for-from-untrusted-socket',
    rule: 'X-Forwarded-For is believed only when the socket peer is a trusted proxy.',
    file: CLIENT_ADDRESS,
    find: 'if (socket === undefined || !trustedProxies.matches(socket))\n        return socket;',
    replace: 'if (socket === undefined)\n        return socket;',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.leftmost-hop',
    rule: 'X-Forwarded-For is walked from the right only while hops are trusted proxies; the leftmost hop is client-chosen.',
    file: CLIENT_ADDRESS,
    find: 'return hop !== undefined && trustedProxies.matches(hop);',
    replace: 'return hop !== undefined;',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.malformed-hop-skipped',
    rule: 'A malformed forwarded hop makes the address unknown (fail closed) instead of being skipped.',
    file: CLIENT_ADDRESS,
    find: 'return hop !== undefined && trustedProxies.matches(hop);',
    replace: 'return hop === undefined || trustedProxies.matches(hop);',
    tests: [T.ip, T.management],
  },
  {
    id: 'ip.malformed-hop-falls-back-to-proxy',
    rule: 'A malformed forwarded hop makes the address unknown, never the trusted proxy\'s own address.',
    file: CLIENT_ADDRESS,
    find: 'return walked.length === 1 ? socket : parseForwardedHop(walked[walked.length - 1]);',
    replace: 'return walked.length === 1 ? socket : (parseForwardedHop(walked[walked.length - 1]) ?? socket);',
    tests: [T.ip, T.management],
  },
  {
    id: 'ip.empty-hop-dropped',
    rule: 'An empty X-Forwarded-For item written by a trusted proxy is a malformed hop, not skipped.',
    file: CLIENT_ADDRESS,
    find: ".map((hop) => (hop.trim() === '' ? EMPTY_HOP : hop))",
    replace: '.map((hop) => hop)',
    tests: [T.ip],
  },
  {
    id: 'ip.ipv4-prefix-off-by-one',
    rule: 'An IPv4 /p entry covers exactly the addresses sharing the first p bits.',
    file: ADDRESS,
    find: '(0xffffffff << (exports.IPV4_BITS - p)) >>> 0',
    replace: '(0xffffffff << (exports.IPV4_BITS - p + 1)) >>> 0',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.ipv6-prefix-off-by-one',
    rule: 'An IPv6 /p entry covers exactly the addresses sharing the first p bits.',
    file: ADDRESS,
    find: '((0xffff << (16 - rest)) & 0xffff)',
    replace: '((0xffff << (17 - rest)) & 0xffff)',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.mapped-ipv6-not-normalised',
    rule: 'A client arriving as ::ffff:a.b.c.d is the IPv4 client a.b.c.d.',
    file: ADDRESS,
    find: 'return scanned.ok ? unmapIPv4(scanned.address) : undefined;',
    replace: 'return scanned.ok ? scanned.address : undefined;',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.entry-host-bits-kept',
    rule: 'An entry with host bits (192.168.0.3/24) is stored and matched as its network (192.168.0.0/24).',
    file: 'dist/src/auth/ip/ip-entry.js',
    find: 'const network = (0, address_1.networkAddress)(unmapped, prefix);',
    replace: 'const network = unmapped;',
    tests: [T.ip, T.http],
  },
  {
    id: 'ip.leading-zero-accepted',
    rule: 'An ambiguous IPv4 entry (010.0.0.1: octal or decimal? 10.1: inet_aton shorthand) is refused.',
    file: ADDRESS,
    find: 'if (FOUR_PART_DECIMAL.test(text)) {',
    replace: 'if (true) {',
    tests: [T.ip],
  },

  // ------------------------------------------------------------------------------------------
  // redaction: to come. src/errorlog/redaction is being rewritten (issue 9); its mutants (secrets
  // and API keys kept out of the error log, responses and logs) go here once that lands, with
  // tests: ['dist/test/errorlog/redaction.test.js', 'dist/test/errorlog/errorlog-http.test.js'].
];
