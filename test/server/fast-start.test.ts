import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { httpCall } from '../support/http';
import { startProcess, waitFor } from '../support/process';
import { fixture } from '../support/fixtures';

const BUILD = resolve(process.cwd(), 'scripts/build.js');

/** A stand-in project tree for scripts/build.js: its decision only, tsc never needed when fresh. */
function fakeProject() {
  const root = mkdtempSync(join(tmpdir(), 'build-stamp-'));
  mkdirSync(join(root, 'scripts'));
  cpSync(BUILD, join(root, 'scripts/build.js'));
  // The page bundler skips itself when its output is current; here it has nothing to bundle.
  writeFileSync(join(root, 'scripts/build-console.js'), '');
  for (const dir of ['src', 'dist/src', 'packages/mongo-standin/src', 'packages/mongo-standin/dist/src']) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  writeFileSync(join(root, 'src/main.ts'), '');
  writeFileSync(join(root, 'dist/src/main.js'), '');
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json']) writeFileSync(join(root, f), '{}');
  const old = new Date(Date.now() - 60_000);
  for (const p of ['src/main.ts', 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'packages/mongo-standin/src']) {
    utimesSync(join(root, p), old, old);
  }
  // The last build was 30 s ago: anything written now is newer than it.
  const built = new Date(Date.now() - 30_000);
  writeFileSync(join(root, 'dist/.build-stamp'), '');
  utimesSync(join(root, 'dist/.build-stamp'), built, built);
  return root;
}

const ifStale = (root: string) =>
  spawnSync(process.execPath, [join(root, 'scripts/build.js'), '--if-stale'], { encoding: 'utf8', timeout: 30_000 });

test('npm start compiles only when a source is newer than the build stamp', () => {
  const root = fakeProject();
  const fresh = ifStale(root);
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.equal(fresh.stderr, '', 'nothing compiled while dist/ is current');

  // A source saved after the build: compiles (tsc is absent from the fake tree, so it stops there).
  writeFileSync(join(root, 'src/main.ts'), '// changed');
  const stale = ifStale(root);
  assert.match(stale.stderr, /^Compiling \(src changed since the last build\)/);
  assert.notEqual(stale.status, 0);

  // A changed tsconfig counts too; a missing stamp means never built.
  const second = fakeProject();
  writeFileSync(join(second, 'tsconfig.build.json'), '{}');
  assert.match(ifStale(second).stderr, /tsconfig\.build\.json changed/);
  const third = fakeProject();
  spawnSync('rm', [join(third, 'dist/.build-stamp')]);
  assert.match(ifStale(third).stderr, /no build stamp/);
});

test('npm run import loads into a running embedded server through the URI it printed', async () => {
  const proc = startProcess({ PORT: '0', LOG_LEVEL: 'info' });
  try {
    await waitFor(() => proc.stdout().includes('loyalty API listening') && proc.stderr().includes('API key:'), 30_000);
    const listening = JSON.parse(
      proc
        .stdout()
        .split('\n')
        .find((l) => l.includes('loyalty API listening'))!,
    );
    const key = /API key: +(\S+)/.exec(proc.stderr())![1];
    const printed = new RegExp(`MONGODB_URI='(mongodb://[^']+)' npm run import`).exec(proc.stderr())![1];
    assert.equal(printed, listening.databaseUri);

    const offer: Record<string, unknown> = { ...(fixture('offers')[0] as object), name: 'Imported into the running server' };
    const file = join(mkdtempSync(join(tmpdir(), 'import-running-')), 'offers.json');
    writeFileSync(file, JSON.stringify({ data: [offer] }));
    const imported = spawnSync(process.execPath, [resolve(process.cwd(), 'dist/src/cli/import.js'), file, '--entity', 'offer'], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: printed, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /Imported 1 offer documents: 0 new, 1 replaced/);

    const url = listening.url.replace(/\/graphql$/, '');
    let served: any;
    const started = Date.now();
    // The server notices the import through the shared revision counter, within its poll interval.
    while (served?.name !== offer.name && Date.now() - started < 10_000) {
      const res = await httpCall(url, 'GET', `/entities/offers/offer/${encodeURIComponent(String(offer.id))}`, {
        headers: { 'x-api-key': key },
      });
      served = res.json?.data;
      if (served?.name !== offer.name) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(served, offer);
  } finally {
    proc.child.kill('SIGKILL');
  }
});
