import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The browser pages the server ships itself: the API settings console (`/admin`) and the
 * offline GraphQL explorer (`/graphiql`). Their sources live in console/ and are bundled into
 * dist/console/ at build time (scripts/build-console.js), so nothing is fetched from the
 * internet. Only the files listed here are served: no path from the URL ever reaches the disk.
 */
const BUILT = join(__dirname, '..', '..', 'console');

const PAGES: Record<string, string> = {
  '/admin': 'admin/index.html',
  '/admin/': 'admin/index.html',
  '/admin/app.js': 'admin/app.js',
  '/admin/app.css': 'admin/app.css',
  '/graphiql': 'graphiql/index.html',
  '/graphiql/': 'graphiql/index.html',
  '/graphiql/graphiql.js': 'graphiql/graphiql.js',
  '/graphiql/graphiql.css': 'graphiql/graphiql.css',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Same origin only. The pages call /graphql on their own origin; GraphiQL's fonts are data:
 * URLs inside its stylesheet. No inline script or style is allowed.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

const loaded = new Map<string, Asset | null>();

/** Read once and kept: the bundles only change with a new build, which means a restart. */
function asset(file: string): Asset | null {
  if (!loaded.has(file)) {
    const full = join(BUILT, file);
    if (!existsSync(full)) {
      loaded.set(file, null);
    } else {
      const body = readFileSync(full);
      loaded.set(file, {
        type: TYPES[extname(file)] ?? 'application/octet-stream',
        body,
        gzipped: gzipSync(body),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      });
    }
  }
  return loaded.get(file)!;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string, head: boolean) {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/**
 * Answers the request when its path is one of the pages or their assets; false otherwise.
 * File names carry no content hash, so every answer is revalidated (`no-cache` + ETag): a
 * new build is picked up at once, and an unchanged file costs a 304.
 */
export function serveStaticPage(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const file = PAGES[path];
  if (file === undefined) return false;
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    send(res, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'Method not allowed\n', head);
    return true;
  }
  const found = asset(file);
  if (!found) {
    send(
      res,
      503,
      { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      `${path} is not built: run npm run build (dist/console/${file} is missing)\n`,
      head,
    );
    return true;
  }
  // Each encoding is its own representation, with its own ETag.
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const etag = gzip ? `${found.etag.slice(0, -1)}-gz"` : found.etag;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': found.type,
    'cache-control': 'no-cache',
    etag,
    vary: 'accept-encoding',
  };
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
    res.writeHead(304, headers).end();
    return true;
  }
  if (gzip) send(res, 200, { ...headers, 'content-encoding': 'gzip' }, found.gzipped, head);
  else send(res, 200, headers, found.body, head);
  return true;
}
