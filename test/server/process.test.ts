import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpCall } from '../support/http';
import { startProcess, waitFor } from '../support/process';
import { loadConfig } from '../../src/config/config';
import { fixture } from '../support/fixtures';

const run = startProcess;

test('npm start on the embedded default: says which database, serves, stops cleanly on SIGTERM', async () => {
  const proc = run({ PORT: '0', LOG_LEVEL: 'info' });
  try {
    await waitFor(() => proc.output().includes('loyalty API listening'), 20_000);
    const out = proc.output();
    assert.match(out, /"provider":"standin"/);
    const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out)![1];
    const key = /API key: +(\S+)/.exec(out)![1];
    const res = await httpCall(url, 'POST', '/graphql', {
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: '{ offers(first: 1) { totalCount } tiers { id } }' }),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.errors, undefined, res.text);
    assert.equal(res.json.data.offers.totalCount, fixture('offers').length, 'the bundled offers are loaded');
    assert.deepEqual(
      res.json.data.tiers.map((t: any) => t.id).sort(),
      fixture('tiers')
        .map((t) => t.id)
        .sort(),
    );
    const started = Date.now();
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    assert.ok(Date.now() - started < 5000);
    // The generated secret is printed once to the terminal, never into a structured log line.
    const secret = /API secret: +(\S+)/.exec(out)![1];
    assert.equal(out.split('\n').filter((l) => l.startsWith('{') && l.includes(secret)).length, 0);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('a bad configuration value stops the process with a message naming the variable', async () => {
  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['SIGNATURE_CLOCK_SKEW_SECONDS', '-1'],
    ['SIGNATURE_CLOCK_SKEW_SECONDS', '0'],
    ['TRUST_PROXY', '10.0.0.0/99'],
  ]) {
    const proc = run({ [name]: value });
    const code = await proc.exited;
    assert.notEqual(code, 0);
    assert.ok(proc.output().includes(name), `${name}: ${proc.output()}`);
  }
  // Both sides of the lowest skew: 0 would leave no instant in the accepted window, 1 is the least allowed.
  assert.throws(
    () => loadConfig({ SIGNATURE_CLOCK_SKEW_SECONDS: '0' }),
    /SIGNATURE_CLOCK_SKEW_SECONDS.*between 1 and 86400, got 0/,
  );
  assert.equal(loadConfig({ SIGNATURE_CLOCK_SKEW_SECONDS: '1' }).signatureClockSkewSeconds, 1);
  assert.equal(loadConfig({ SIGNATURE_CLOCK_SKEW_SECONDS: '86400' }).signatureClockSkewSeconds, 86400);
  assert.throws(() => loadConfig({ SIGNATURE_CLOCK_SKEW_SECONDS: '86401' }), /SIGNATURE_CLOCK_SKEW_SECONDS/);
});
