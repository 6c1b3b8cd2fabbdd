#!/usr/bin/env node
'use strict';
// Bundles the browser pages of console/ into dist/console/ (served by src/http/static-pages.ts):
// the API settings console (plain TypeScript + DOM) and GraphiQL (React), each one script and
// one stylesheet, so the pages need nothing from the internet. esbuild strips types without
// checking them; `npm run lint` type-checks console/ with its own tsconfig (DOM library).
// Skipped when the output is newer than every input, so a build that changes only the
// server does not pay for bundling React again.
const { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'console');
const out = join(root, 'dist', 'console');
const stamp = join(out, '.built');

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const inputs = [source, join(root, 'package-lock.json'), __filename];
const outputs = [
  'admin/index.html',
  'admin/app.js',
  'admin/app.css',
  'graphiql/index.html',
  'graphiql/graphiql.js',
  'graphiql/graphiql.css',
];
const upToDate =
  existsSync(stamp) &&
  outputs.every((file) => existsSync(join(out, file))) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map(newestMtime));
if (upToDate) process.exit(0);

const esbuild = require('esbuild');
mkdirSync(out, { recursive: true });
const shared = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  legalComments: 'eof',
};
esbuild.buildSync({ ...shared, entryPoints: { app: join(source, 'admin', 'main.ts') }, outdir: join(out, 'admin') });
esbuild.buildSync({ ...shared, entryPoints: { graphiql: join(source, 'graphiql', 'main.ts') }, outdir: join(out, 'graphiql') });
for (const page of ['admin', 'graphiql']) cpSync(join(source, page, 'index.html'), join(out, page, 'index.html'));
writeFileSync(stamp, new Date().toISOString() + '\n');
