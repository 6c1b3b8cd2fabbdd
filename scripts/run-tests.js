#!/usr/bin/env node
'use strict';
// Runs the compiled suite with Node's own test runner: the server's (dist/test) and every
// workspace package's (packages/*/dist/test), so one `npm test` runs everything. Node 20 has
// no glob support in `node --test`, so the files are listed here; one process per file
// keeps each file's database and servers apart.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, sep } = require('node:path');
const { spawnSync } = require('node:child_process');

function collect(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(collect(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const root = join(__dirname, '..');
const packagesDir = join(root, 'packages');
const testDirs = [join(root, 'dist', 'test')];
if (existsSync(packagesDir)) {
  for (const name of readdirSync(packagesDir).sort()) testDirs.push(join(packagesDir, name, 'dist', 'test'));
}

const filter = process.argv.slice(2);
let files = testDirs
  .filter((dir) => existsSync(dir))
  .flatMap(collect)
  .sort();
if (filter.length) files = files.filter((f) => filter.some((p) => f.includes(p)));
// The browser tests drive Debian's chromium (test/support/browser.ts); without it they are left
// out with one line saying how to get it, rather than a skip notice per test.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserDir = join('dist', 'test', 'browser') + sep;
if (!existsSync(chromium) && files.some((f) => f.includes(browserDir))) {
  files = files.filter((f) => !f.includes(browserDir));
  console.log(`browser tests skipped: no Chromium at ${chromium} (install it with: apt-get install -y chromium)`);
  if (files.length === 0) process.exit(0);
}
if (files.length === 0) {
  console.error('no test files found under dist/test or packages/*/dist/test');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
