#!/usr/bin/env node
'use strict';
// `npm run build`: compiles packages/mongo-standin, then the server (tsc; emitDecoratorMetadata
// needs it), bundles the browser pages (scripts/build-console.js), and leaves dist/.build-stamp
// dated when the build began.
// `node scripts/build.js --if-stale` (npm start, npm run import): compiles only when a source
// the server runs from is newer than that stamp, so a second start does not wait for tsc.
const { existsSync, readdirSync, statSync, writeFileSync, utimesSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const STAMP = join(root, 'dist', '.build-stamp');
const OUTPUTS = [join(root, 'dist', 'src', 'main.js'), join(root, 'packages', 'mongo-standin', 'dist', 'src')];
/** What the compiled server depends on; test/ and bench/ matter only to npm test and npm run bench, which always build. */
const INPUTS = ['src', 'packages/mongo-standin/src', 'packages/mongo-standin/package.json', 'package-lock.json', 'package.json'];

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder's mtime
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function tsconfigs() {
  const found = [];
  for (const dir of [root, join(root, 'packages', 'mongo-standin')]) {
    for (const name of readdirSync(dir)) if (/^tsconfig.*\.json$/.test(name)) found.push(join(dir, name));
  }
  return found;
}

/** Why a build is needed, or undefined when dist/ is current. */
function staleReason() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp) return 'no build stamp (dist/.build-stamp)';
  for (const output of OUTPUTS) if (!existsSync(output)) return `${output} is missing`;
  for (const input of [...INPUTS.map((p) => join(root, p)), ...tsconfigs()]) {
    if (newestMtime(input) > stamp.mtimeMs) return `${input.slice(root.length + 1)} changed since the last build`;
  }
  return undefined;
}

function tsc(project) {
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The browser pages (console/): bundled by esbuild, which skips itself when they are current. */
function bundlePages() {
  const result = spawnSync(process.execPath, [join(__dirname, 'build-console.js')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function build() {
  // Dated at the start: a file saved while tsc runs is newer than the stamp, so the next start compiles again.
  const startedAt = new Date();
  tsc('packages/mongo-standin');
  tsc('tsconfig.json');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  utimesSync(STAMP, startedAt, startedAt);
}

if (process.argv.includes('--if-stale')) {
  const reason = staleReason();
  if (reason) {
    process.stderr.write(`Compiling (${reason})...\n`);
    build();
  }
  bundlePages();
} else {
  build();
  bundlePages();
}
