import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { databaseUri, startTestServer, uniqueDbName, testMongo, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';

const CLI = resolve(process.cwd(), 'dist/src/cli/import.js');
const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
const dbName = uniqueDbName('cli');
let server: TestServer;
let uri: string;

before(async () => {
  server = await startTestServer({ dbName });
  uri = databaseUri((await testMongo()).uri, dbName);
});
after(async () => {
  await server.stop();
});

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: uri, LOG_LEVEL: 'warn' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => ok({ code, out }));
  });
}

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

test('npm run import loads an Entities API export and the server serves it as imported', async () => {
  const tiers = fixture('tiers');
  const offers = fixture('offers');
  const t = await runCli([write('tiers.json', { data: tiers })]);
  assert.equal(t.code, 0, t.out);
  assert.match(t.out, /Imported 2 tier documents: 2 new, 0 replaced/);
  const o = await runCli([write('offers.json', { data: offers }), '--entity', 'offer']);
  assert.equal(o.code, 0, o.out);

  // The running server notices the import through the shared revision counter.
  const started = Date.now();
  let rest = await server.as(server.client).get('/entities/offers/offer');
  while (rest.json.data.length < offers.length && Date.now() - started < 2000) {
    await new Promise((r) => setTimeout(r, 50));
    rest = await server.as(server.client).get('/entities/offers/offer');
  }
  assert.equal(rest.status, 200, rest.text);
  assert.equal(rest.json.data.length, offers.length);
  const byId = new Map(rest.json.data.map((d: any) => [d.id, d]));
  for (const offer of offers) assert.deepEqual(byId.get(offer.id), offer);
  const tierRest = await server.as(server.client).get('/entities/tiers/tier/bonus');
  assert.deepEqual([tierRest.status, tierRest.json], [200, { data: tiers[1] }]);
});

test('an export with an invalid document imports nothing and names the document and field', async () => {
  const before = await server.app.services.entities.models.offer.countDocuments();
  const docs = [
    { ...fixture('offers')[0], id: 'cli-good' },
    { ...fixture('offers')[1], id: 'cli-bad', inventory_scope: 'galaxy' },
  ];
  const result = await runCli([write('bad.json', { data: docs }), '--entity', 'offer']);
  assert.equal(result.code, 1);
  assert.match(result.out, /Nothing imported/);
  assert.match(result.out, /documents\[1\].*inventory_scope/);
  assert.equal(await server.app.services.entities.models.offer.countDocuments(), before);
});

test('files that are not exports are refused with a usage message', async () => {
  for (const content of ['not json', { items: [] }]) {
    const result = await runCli([write('odd.json', content)]);
    assert.equal(result.code, 2);
    assert.match(result.out, /Usage: npm run import/);
  }
});
