/**
 * How provideMongo chooses when MONGODB_URI is not set. Each case runs in a child process
 * with a controlled PATH, HOME and working directory, so nothing on the test machine (or
 * a mongod a developer happens to have) leaks in.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scratchDirs: string[] = [];

async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

after(async () => {
  await Promise.all(scratchDirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface ChildResult {
  kind: string;
  uri: string;
  elapsedMs: number;
  lines: Array<{ level: number; msg: string; provider?: string; reason?: string }>;
}

// Runs provideMongo in a fresh process and reports its choice and everything it logged.
const CHILD = `
const { provideMongo } = require(process.env.PROVIDER_MODULE);
const pino = require(process.env.PINO_MODULE);
const lines = [];
const logger = pino({ level: 'info' }, { write: (s) => lines.push(JSON.parse(s)) });
const started = Date.now();
provideMongo({ logger, dbName: 'choice' }).then(async (p) => {
  const elapsedMs = Date.now() - started;
  await p.stop();
  process.stdout.write(JSON.stringify({ kind: p.kind, uri: p.uri, elapsedMs, lines }));
});
`;

async function chooseWith(env: Record<string, string>): Promise<ChildResult> {
  const sandbox = await scratchDir('provider-');
  const { stdout } = await run(process.execPath, ['-e', CHILD], {
    cwd: sandbox,
    timeout: 20_000,
    env: {
      HOME: sandbox,
      PATH: sandbox,
      PROVIDER_MODULE: resolve(__dirname, '../../src/db/provider'),
      PINO_MODULE: require.resolve('pino'),
      ...env,
    },
  });
  return JSON.parse(stdout) as ChildResult;
}

const infoLines = (r: ChildResult) => r.lines.filter((l) => l.level === 30);

describe('provideMongo without MONGODB_URI', { concurrency: true }, () => {
  test('no mongod anywhere: the stand-in, decided in seconds, one info line with the reason', async () => {
    const result = await chooseWith({});
    assert.equal(result.kind, 'standin');
    assert.match(result.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/choice$/);
    assert.ok(result.elapsedMs < 5000, `took ${result.elapsedMs} ms`);
    const info = infoLines(result);
    assert.equal(info.length, 1);
    assert.equal(info[0].provider, 'standin');
    assert.equal(info[0].msg, 'MongoDB: using in-process wire-protocol stand-in (no mongod binary found)');
  });

  test('a mongod on PATH that cannot start: a warning, then the stand-in', { skip: process.platform === 'win32' }, async () => {
    const bin = await scratchDir('fake-mongod-');
    const fake = join(bin, 'mongod');
    await writeFile(fake, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "db version v7.0.14"; exit 0; fi\nexit 3\n');
    await chmod(fake, 0o755);
    const result = await chooseWith({ PATH: bin });
    assert.equal(result.kind, 'standin');
    assert.ok(result.lines.some((l) => l.level === 40 && l.msg === 'MongoDB: mongod failed to start'));
    const info = infoLines(result);
    assert.equal(info.length, 1);
    assert.equal(info[0].reason, `mongod at ${fake} failed to start`);
  });

  test('MONGOMS_SYSTEM_BINARY pointing nowhere is reported and ignored', async () => {
    const result = await chooseWith({ MONGOMS_SYSTEM_BINARY: '/nonexistent/mongod' });
    assert.equal(result.kind, 'standin');
    assert.ok(result.lines.some((l) => l.level === 40 && /MONGOMS_SYSTEM_BINARY/.test(l.msg)));
  });
});

/**
 * The embedded database comes from development dependencies (packages/mongo-standin and
 * mongodb-memory-server-core); production installs without them and sets MONGODB_URI.
 */
describe('the embedded database is a development dependency', () => {
  const EMBEDDED = ['/mongo-standin/', '/mingo/', '/mongodb-memory-server-core/'];

  async function runChild(script: string): Promise<string> {
    const sandbox = await scratchDir('provider-deps-');
    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: sandbox,
      timeout: 20_000,
      env: {
        HOME: sandbox,
        PATH: sandbox,
        PROVIDER_MODULE: resolve(__dirname, '../../src/db/provider'),
        APP_MODULE: resolve(__dirname, '../../src/app/create-app'),
        PINO_MODULE: require.resolve('pino'),
        EMBEDDED: JSON.stringify(EMBEDDED),
      },
    });
    return stdout;
  }

  test('with MONGODB_URI, the server and the provider never load the stand-in, mingo or mongodb-memory-server', async () => {
    const stdout = await runChild(`
      require(process.env.APP_MODULE);
      const { provideMongo } = require(process.env.PROVIDER_MODULE);
      const pino = require(process.env.PINO_MODULE);
      const embedded = JSON.parse(process.env.EMBEDDED);
      provideMongo({ uri: 'mongodb://db.example:27017/loyalty', logger: pino({ level: 'silent' }) }).then((p) => {
        const loaded = Object.keys(require.cache).filter((f) => embedded.some((e) => f.includes(e)));
        process.stdout.write(JSON.stringify({ kind: p.kind, loaded }));
      });
    `);
    assert.deepEqual(JSON.parse(stdout), { kind: 'uri', loaded: [] });
  });

  test('without MONGODB_URI on an install without them: an error saying what to do', async () => {
    // Makes require() answer as on an 'npm ci --omit=dev' install.
    const stdout = await runChild(`
      const Module = require('node:module');
      const resolveFilename = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === '@loyalty/mongo-standin' || request === 'mongodb-memory-server-core') {
          throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
        }
        return resolveFilename.call(this, request, ...rest);
      };
      const { provideMongo } = require(process.env.PROVIDER_MODULE);
      const pino = require(process.env.PINO_MODULE);
      provideMongo({ logger: pino({ level: 'silent' }) }).then(
        () => process.stdout.write('started'),
        (err) => process.stdout.write(err.message),
      );
    `);
    assert.equal(
      stdout,
      'Cannot load @loyalty/mongo-standin: the embedded database needs the dev dependencies: run npm ci without --omit=dev, or set MONGODB_URI',
    );
  });
});
