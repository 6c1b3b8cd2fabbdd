'use strict';
/**
 * The mutants of scripts/mutation-pass.js: each is one bug a developer could really write, that
 * breaks one access, signature, IP, management or redaction rule. `find` is matched against the COMPILED
 * file (tests run from dist/) and must occur there exactly once; after editing a source file,
 * `npm run mutation -- --list` shows which mutants went stale. `tests` are the test files that
 * are expected to catch the bug, cheapest first (the run stops at the first failure).
 *
 * Groups (id prefix): access, management, signature, ip, redaction, ratelimit.
 */

const T = {
  http: 'dist/test/auth/auth-http.test.js',
  management: 'dist/test/hostile/management.test.js',
  ip: 'dist/test/auth/ip.test.js',
  signers: 'dist/test/auth/escher-signers.test.js',
  vectors: 'dist/test/auth/escher-vectors.test.js',
  canonical: 'dist/test/auth/escher-canonical.test.js',
  layers: 'dist/test/hostile/operation-access.test.js',
  redaction: 'dist/test/errorlog/redaction.test.js',
  redactionKeys: 'dist/test/hostile/redaction-keys.test.js',
  errorlogHttp: 'dist/test/errorlog/errorlog-http.test.js',
  windowCounters: 'dist/test/rate-limit/window-counters.test.js',
  rateLimitHttp: 'dist/test/rate-limit/rate-limit-http.test.js',
  recorder: 'dist/test/errorlog/recorder.test.js',
};

const AUTHORIZE = 'dist/src/auth/authorize.js';
const AUTHENTICATE = 'dist/src/auth/authenticate.js';
const OPERATION_ACCESS = 'dist/src/graphql/operation-access.js';
const VERIFY = 'dist/src/escher/verify.js';
const CANONICAL = 'dist/src/escher/canonical.js';
const CLIENT_ADDRESS = 'dist/src/ip/client-address.js';
const ADDRESS = 'dist/src/ip/address.js';
const SECURITY_STORE = 'dist/src/security/security.store.js';
const LOCKOUT = 'dist/src/auth/lockout.js';
const REDACTION = 'dist/src/errorlog/redaction';
const NAMES = `${REDACTION}/names.js`;
const VALUE = `${REDACTION}/value.js`;
const GRAPHQL_QUERY = `${REDACTION}/graphql-query.js`;
const TEXT = `${REDACTION}/text.js`;
const QUERY_STRING = `${REDACTION}/query-string.js`;
const HEADERS = `${REDACTION}/headers.js`;
const API_KEY = 'dist/src/common/key-hint.js';
const KEY_HINTS = `${REDACTION}/key-hints.js`;
const ECHO_PATTERN = `${REDACTION}/echo-pattern.js`;
const REQUEST = `${REDACTION}/request.js`;
const REQUEST_PARAMS = 'dist/src/errorlog/request-params.js';
const BUILD_RECORD = 'dist/src/errorlog/build-record.js';
const RATE_LIMITER = 'dist/src/rate-limit/rate-limiter.js';
const WINDOW_COUNTERS = 'dist/src/rate-limit/window-counters.js';

module.exports = [
  // ------------------------------------------------------------------------------------------
  // access: who may run what (src/auth/authorize.ts, authenticate.ts, src/graphql/operation-access.ts,
  // the authorization plugin, the Entities REST paths, the credential store)
  {
    id: 'access.ip-check-removed',
    rule: "An address outside an endpoint's IP filter is refused (403).",
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
    file: 'dist/src/credentials/credential.store.js',
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
    find: 'if (error)\n                throw error;',
    replace: 'if (error)\n                        void error;',
    tests: [T.management, T.http],
  },
  {
    id: 'access.rest-paths-not-on-entities-endpoint',
    rule: "The /entities/... paths meet the ENTITIES endpoint's IP filter and signature enforcement.",
    file: 'dist/src/entities/entities.rest.js',
    find: '[{ endpoint: api_endpoint_1.ApiEndpoint.ENTITIES }]',
    replace: '[{}]',
    tests: [T.management, T.http],
  },

  // ------------------------------------------------------------------------------------------
  // management: the MANAGEMENT endpoint, the lock-out guard, the module switches
  // (src/auth/root-field.ts, src/auth/lockout.ts, src/security/security.store.ts, src/management/security.resolver.ts)
  {
    id: 'management.operation-without-endpoint',
    rule: 'Management operations belong to the MANAGEMENT endpoint, so its IP filter and signature enforcement reach them.',
    file: 'dist/src/auth/root-field.js',
    find: 'Object.freeze({ endpoint: api_endpoint_1.ApiEndpoint.MANAGEMENT, adminOnly: true })',
    replace: 'Object.freeze({ adminOnly: true })',
    tests: [T.management, T.http],
  },
  {
    id: 'management.resolver-authorized-dropped',
    rule: 'The management resolvers refuse a non-admin themselves (@Authorized, second line of defence).',
    file: 'dist/src/auth/root-field.js',
    find: '(0, type_graphql_1.Authorized)()(target, key, descriptor);',
    replace: 'void 0;',
    tests: [T.layers, T.management, T.http],
  },
  {
    id: 'management.lockout-ip-check-disabled',
    rule: "A change that would put the caller's own address outside the MANAGEMENT IP filter is refused.",
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
    file: 'dist/src/management/security.resolver.js',
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
  // signature: Escher verification (src/escher/verify.ts, canonical.ts, auth-header.ts)
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
    rule: "The skew window is exactly escher-auth's: a Date exactly `skew` ahead is accepted (<=, not <).",
    file: VERIFY,
    find: 'requestMs - skewMs <= nowMs &&',
    replace: 'requestMs - skewMs < nowMs &&',
    tests: [T.signers, T.http],
  },
  {
    id: 'signature.skew-behind-bound-inclusive',
    rule: "The skew window is exactly escher-auth's: a Date exactly `skew` behind is refused (<, not <=).",
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
    rule: "The credential scope must be this server's (`<API_STACK>/api/antavo_request`).",
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
    file: 'dist/src/escher/auth-header.js',
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
  // ip: client address and allow-list matching (src/ip/*)
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
    rule: "A malformed forwarded hop makes the address unknown, never the trusted proxy's own address.",
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
    file: 'dist/src/ip/ip-entry.js',
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
  // redaction: secrets and API keys kept out of the error log (src/errorlog/redaction/*,
  // request-params.ts, build-record.ts, storable.ts; CONTRACT §6). Each rule is written as
  // src/errorlog/redaction/README.md states it.

  // names.ts: which names are sensitive
  {
    id: 'redaction.name-password-missing',
    rule: 'A value under a name containing `password` (newPassword, userPassword) is masked.',
    file: NAMES,
    find: "    'password',\n    'passwd',",
    replace: "    'passwd',",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.name-secret-missing',
    rule: 'A value under a name containing `secret` (client_secret, apiSecret) is masked.',
    file: NAMES,
    find: "    'pwd',\n    'secret',\n",
    replace: "    'pwd',\n",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.name-token-missing',
    rule: 'A value under a name containing `token` (accessToken, refresh_token) is masked.',
    file: NAMES,
    find: "    'secret',\n    'token',\n",
    replace: "    'secret',\n",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.name-apikey-missing',
    rule: 'A value under a name containing `api_key` in any spelling (apiKey, API-KEY, api.key) is masked.',
    file: NAMES,
    find: "    'token',\n    'apikey',\n",
    replace: "    'token',\n",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.name-pin-missing',
    rule: '`pin` as a whole name part (pin, user_pin, pinCode, PIN2) is sensitive.',
    file: NAMES,
    find: "['pass', 'pin', 'otp',",
    replace: "['pass', 'otp',",
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.short-words-as-substrings',
    rule: 'Short words (pin, pass, auth, otp…) count only as a whole name part: shipping, spinner, passengers and author stay readable.',
    file: NAMES,
    find: '    const parts = name.match(NAME_PART);\n',
    replace:
      '    for (const word of WORDS)\n        if (normalised.includes(word))\n            return true;\n    const parts = name.match(NAME_PART);\n',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.short-words-ignored',
    rule: 'Short sensitive words are recognised as name parts at all (pin, otp, cvv, credentials).',
    file: NAMES,
    find: 'if (!WORDS.has(part))\n            continue;',
    replace: 'if (true)\n            continue;',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.name-separators-not-folded',
    rule: 'Names are compared without `_ - .` and whitespace: api_key, x-api-key, pass_word, private_key are sensitive.',
    file: NAMES,
    find: "return name.toLowerCase().replace(SEPARATORS, '');",
    replace: 'return name.toLowerCase();',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.transport-signature-kept',
    rule: 'In query strings and headers a name ending in `signature` (X-EMS-Signature of a pre-signed URL) is masked.',
    file: NAMES,
    find: "return isSensitiveName(name) || normaliseName(name).endsWith('signature');",
    replace: 'return isSensitiveName(name);',
    tests: [T.redaction, T.redactionKeys],
  },

  // value.ts: what replaces a value
  {
    id: 'redaction.empty-values-masked',
    rule: 'null, undefined and "" under a sensitive name are kept: they hide nothing and often explain the failure.',
    file: VALUE,
    find: "if (value === null || value === undefined || value === '')\n        return value;\n",
    replace: '',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.only-string-values-masked',
    rule: 'A number, boolean, object or array under a sensitive name is masked whole, not only a string.',
    file: VALUE,
    find: 'options.maskKeys && (0, names_1.isSensitiveName)(key) ? maskWhole(child, ctx)',
    replace: "options.maskKeys && (0, names_1.isSensitiveName)(key) && typeof child === 'string' ? maskWhole(child, ctx)",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.json-in-string-not-redacted',
    rule: 'A string holding JSON (a JSON-scalar argument sent as text) is redacted inside.',
    file: VALUE,
    find: 'if (options.parseJson && startsLikeJson(text)) {',
    replace: 'if (false) {',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },

  // graphql-query.ts and text.ts: the query text
  {
    id: 'redaction.graphql-literal-not-masked',
    rule: 'A literal written in the query under a sensitive argument or input field is masked.',
    file: GRAPHQL_QUERY,
    find: 'if (node.value.kind !== VARIABLE && (0, names_1.isSensitiveName)(node.name.value))',
    replace: 'if (false)',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.graphql-variable-default-not-masked',
    rule: 'The default value of a sensitive variable (`$password: String = "x"`) is masked.',
    file: GRAPHQL_QUERY,
    find: 'if ((0, names_1.isSensitiveName)(node.variable.name.value))\n                    mask(node.defaultValue, edits, ctx);\n                else\n                    collectEdits',
    replace: 'collectEdits',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.graphql-comments-not-masked',
    rule: 'Comments in the query (`# token: x`) are masked like text.',
    file: GRAPHQL_QUERY,
    find: '    collectCommentEdits(document, edits, ctx);\n',
    replace: '',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.graphql-json-string-not-redacted',
    rule: 'A GraphQL string literal holding JSON (plain or block string) is redacted inside.',
    file: GRAPHQL_QUERY,
    find: 'const redacted = (0, value_1.redactJsonText)(node.value, ctx);',
    replace: 'const redacted = undefined;',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.graphql-shortcut-ignores-escapes',
    rule: 'A query whose sensitive name is spelled with \\u escapes (in a JSON string literal) is still parsed and redacted.',
    file: GRAPHQL_QUERY,
    find: "if (!query.includes('\\\\u') && !(0, names_1.mayContainSensitiveName)(query))",
    replace: 'if (!(0, names_1.mayContainSensitiveName)(query))',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.text-decoded-secrets-forgotten',
    rule: 'A value masked in unparsable text is remembered unescaped too, so its decoded echo in a response is masked.',
    file: TEXT,
    find: "for (let level = 0; level < 3 && value.includes('\\\\'); level++) {",
    replace: "for (let level = 0; level < 0 && value.includes('\\\\'); level++) {",
    tests: [T.redaction, T.redactionKeys],
  },

  // query-string.ts: the path and GET parameters
  {
    id: 'redaction.query-param-not-masked',
    rule: 'A query-string parameter with a sensitive name (password=, access_token=, api_key=) is masked.',
    file: QUERY_STRING,
    find: 'if ((0, names_1.isSensitiveTransportName)(key)) {',
    replace: 'if (false) {',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.query-param-name-not-decoded',
    rule: 'A parameter name is judged decoded: `api%5Fkey=` is `api_key=`.',
    file: QUERY_STRING,
    find: 'if ((0, names_1.isSensitiveTransportName)(key)) {',
    replace: 'if ((0, names_1.isSensitiveTransportName)(rawKey)) {',
    tests: [T.redaction, T.redactionKeys],
  },

  // headers.ts: Authorization, X-Api-Key, Cookie
  {
    id: 'redaction.authorization-signature-kept',
    rule: 'The signature of an Authorization header (Escher/AWS `Signature=`) is masked.',
    file: HEADERS,
    find: "new Set(['signedheaders', 'algorithm', 'realm', 'keyid', 'headers'])",
    replace: "new Set(['signedheaders', 'algorithm', 'realm', 'keyid', 'headers', 'signature'])",
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.credential-key-kept',
    rule: 'The API key of `Credential=<key>/<date>/<scope>` is reduced to its hint, known to the server or not.',
    file: HEADERS,
    find: 'params.push(`${key}=${hintCredential(raw, ctx)}`);',
    replace: 'params.push(`${key}=${raw}`);',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.x-api-key-header-kept',
    rule: 'The X-Api-Key header is stored as `***`.',
    file: HEADERS,
    find: '(0, context_1.addPresentedKey)(ctx, value.trim());\n    return maskHeader(value, ctx);',
    replace: '(0, context_1.addPresentedKey)(ctx, value.trim());\n    return value;',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.cookie-kept',
    rule: 'The Cookie header is stored as `***`.',
    file: HEADERS,
    find: '(0, context_1.addSecret)(ctx, cookie);\n    }\n    return maskHeader(value, ctx);',
    replace: '(0, context_1.addSecret)(ctx, cookie);\n    }\n    return value;',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.basic-password-not-remembered',
    rule: 'The password inside `Authorization: Basic` is remembered, so an echo of it in the response is masked.',
    file: HEADERS,
    find: "if (scheme.toLowerCase() === 'basic')\n            addBasicPassword(rest, ctx);",
    replace: "if (scheme.toLowerCase() === 'basic')\n            void 0;",
    tests: [T.redaction, T.redactionKeys],
  },

  // api-key.ts and key-hints.ts: API keys become hints
  {
    id: 'redaction.hint-first-four',
    rule: 'A key hint is `***` plus the LAST four characters.',
    file: API_KEY,
    find: '`***${key.slice(-4)}`',
    replace: '`***${key.slice(0, 4)}`',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.hint-short-key-whole',
    rule: 'A key of four characters or fewer is hinted as just `***` (its last four would be all of it).',
    file: API_KEY,
    find: "key.length <= 4 ? '***'",
    replace: "key.length < 4 ? '***'",
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.presented-key-escapes-literal-only',
    rule: 'A presented key is found in every escaping, letters included (`\\u0067uess`, `%2d`), not only as written.',
    file: KEY_HINTS,
    find: '{ replacement: api_key_1.apiKeyHint, everyChar: true }',
    replace: '{ replacement: api_key_1.apiKeyHint, everyChar: false }',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.issued-keys-not-hinted',
    rule: 'Keys the server issued (active or revoked) are hinted wherever they appear, even when the request did not present them.',
    file: KEY_HINTS,
    find: 'const scan = lengths === undefined ? undefined : new KnownKeyScan(known, lengths);',
    replace: 'const scan = undefined;',
    tests: [T.redaction, T.redactionKeys],
  },

  // echo-pattern.ts and known-values.ts: echoes of removed values in every escaping
  {
    id: 'redaction.echo-unicode-hex-lower-case-only',
    rule: "An echo with upper-case \\u hex (graphql's printer writes \\u000B) is masked, not only lower-case.",
    file: ECHO_PATTERN,
    find: ".padStart(width, '0')\n        .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);",
    replace: ".padStart(width, '0');",
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.echo-url-encoding-missing',
    rule: 'A URL-encoded echo of a removed value is masked.',
    file: ECHO_PATTERN,
    find: "    alternatives.push(utf8Bytes(ch)\n        .map((byte) => `%${hex(byte, 2)}`)\n        .join(''));\n",
    replace: '',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.echo-nested-json-missing',
    rule: 'An echo escaped more than once (a JSON string inside a JSON string) is masked.',
    file: ECHO_PATTERN,
    find: "return `\\\\\\\\*${ch.replace(REGEX_SPECIAL, '\\\\$&')}`;",
    replace: "return `\\\\\\\\?${ch.replace(REGEX_SPECIAL, '\\\\$&')}`;",
    tests: [T.redaction, T.redactionKeys],
  },

  // request.ts: the response body
  {
    id: 'redaction.response-text-not-scanned',
    rule: 'Strings in the response body are masked after sensitive names (`password: "x"` in a message), not only for values the request sent.',
    file: REQUEST,
    find: '(text, c) => matcher.mapString((0, text_1.redactTextWith)(text, c), c)',
    replace: '(text, c) => matcher.mapString(text, c)',
    tests: [T.redaction, T.redactionKeys],
  },

  // request-params.ts: every body kind is read before redaction
  {
    id: 'redaction.form-body-read-as-text',
    rule: 'A form-encoded body is parsed into query and variables before redaction, not kept as text.',
    file: REQUEST_PARAMS,
    find: "if (type.includes('x-www-form-urlencoded') || FORM_START.test(trimmed))",
    replace: 'if (false)',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.form-by-content-type-only',
    rule: 'A body shaped `name=…&…` is read as a form whatever its content type says (text/plain).',
    file: REQUEST_PARAMS,
    find: "if (type.includes('x-www-form-urlencoded') || FORM_START.test(trimmed))",
    replace: "if (type.includes('x-www-form-urlencoded'))",
    tests: [T.redaction, T.redactionKeys],
  },

  // build-record.ts: the record as a whole
  {
    id: 'redaction.precut-keeps-partial-key',
    rule: 'An oversized query is cut before redaction without leaving part of a key or word at the cut.',
    file: BUILD_RECORD,
    find: 'while (end > 0 && KEY_CHAR.test(query[end - 1]))\n        end--;',
    replace: 'void 0;',
    tests: [T.redaction],
  },
  {
    id: 'redaction.precut-disabled',
    rule: 'An oversized query is cut before it is redacted, so recording a refused 1 MB alias bomb does not hold the event loop.',
    file: BUILD_RECORD,
    find: 'const precut = params.query !== null && params.query.length > maxBytes;',
    replace: 'const precut = false;',
    tests: [T.redaction],
  },
  {
    id: 'redaction.size-cap-before-key-hints',
    rule: 'The size cap cuts a record only after every part was redacted and its keys hinted (no cut through a key).',
    file: BUILD_RECORD,
    find: 'scrubRequest(record, requestEchoes);',
    replace: 'scrubRequest(capSize(record, maxBytes), requestEchoes);',
    tests: [T.redaction, T.redactionKeys, T.errorlogHttp],
  },
  {
    id: 'redaction.request-echoes-not-scrubbed',
    rule: 'A presented key or a removed password repeated elsewhere in the request (query text, other headers, path) is hinted or masked.',
    file: BUILD_RECORD,
    find: 'if (requestEchoes !== undefined)\n        scrubRequest(record, requestEchoes);',
    replace: 'void requestEchoes;',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.response-not-key-hinted',
    rule: 'A key echoed in the response body (the 401 message naming it, an apiCredentials list) is hinted.',
    file: BUILD_RECORD,
    find: '(0, redaction_1.redactResponseBody)(parseBody(sent.body), secrets, hinter)',
    replace: '(0, redaction_1.redactResponseBody)(parseBody(sent.body), secrets)',
    tests: [T.redaction, T.redactionKeys],
  },
  {
    id: 'redaction.operation-name-not-hinted',
    rule: 'The stored operationName is scrubbed of keys and removed values like the rest of the record.',
    file: BUILD_RECORD,
    find: 'if (record.operationName !== null)\n        record.operationName = hinter.text(record.operationName);',
    replace: 'void 0;',
    tests: [T.redaction, T.redactionKeys],
  },

  // storable.ts: a record BSON cannot hold
  {
    id: 'redaction.storable-nul-not-escaped',
    rule: 'A client-chosen key with a NUL is stored spelled `\\u0000`, so the record (and its batch) is written.',
    file: 'dist/src/errorlog/storable.js',
    find: "const safeKey = key.replaceAll('\\u0000', '\\\\u0000');",
    replace: 'const safeKey = key;',
    tests: [T.recorder],
  },

  // ------------------------------------------------------------------------------------------
  // ratelimit: the limits of CONTRACT §4 "Rate limits" (src/rate-limit/, errorlog/refusal-log.ts)
  {
    id: 'ratelimit.share-ignored',
    rule: 'After a read, an instance admits only its share of what the fleet has left, so instances cannot each spend the rest.',
    file: WINDOW_COUNTERS,
    find: 'return WindowCounters.estimate(counter) < limit && counter.sinceShare < counter.share;',
    replace: 'return WindowCounters.estimate(counter) < limit;',
    tests: [T.windowCounters],
  },
  {
    id: 'ratelimit.unsent-counts-lost',
    rule: 'Counts that could not be sent while the database is away still count (the instance limits on its own counts).',
    file: WINDOW_COUNTERS,
    find: 'counter.unsynced += counter.sending;',
    replace: 'void 0;',
    tests: [T.windowCounters, T.rateLimitHttp],
  },
  {
    id: 'ratelimit.failures-not-counted',
    rule: 'Every 401 counts against the client address, so guessing keys is limited.',
    file: RATE_LIMITER,
    find: 'if (response.status === 401 && failuresLimit > 0 && call.auth?.client) {',
    replace: 'if (response.status === 4010 && failuresLimit > 0 && call.auth?.client) {',
    tests: [T.rateLimitHttp],
  },
  {
    id: 'ratelimit.valid-key-from-guessing-address',
    rule: 'An address over its failed authentications is refused for valid keys too: a right guess must not show as a 200.',
    file: RATE_LIMITER,
    find: 'if (failuresLimit > 0 && auth?.client) {',
    replace: 'if (failuresLimit > 0 && auth?.client && !auth.credential) {',
    tests: [T.rateLimitHttp],
  },
  {
    id: 'ratelimit.refusals-logged-one-by-one',
    rule: 'Rate-limit refusals are one error-log record per key (or address) and minute, with their count.',
    file: 'dist/src/errorlog/errorlog.service.js',
    find: 'if (rateLimit?.refused) {',
    replace: 'if (false) {',
    tests: [T.rateLimitHttp],
  },
];
