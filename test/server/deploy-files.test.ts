import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config';

// This machine cannot run Docker, so the Dockerfile and compose.yaml are checked as text:
// what a reviewer would look for, and what would fail first at `docker build`/`compose up`.
const root = process.cwd();
const read = (name: string) => readFileSync(resolve(root, name), 'utf8');

interface Stage {
  image: string;
  name: string | undefined;
  lines: string[];
}

/** The stages of a Dockerfile: its FROM lines and the instructions under each (continuations joined). */
function stages(dockerfile: string): { args: Record<string, string>; stages: Stage[] } {
  const logical = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const found: Stage[] = [];
  for (const line of logical) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) found.push({ image: from[1].replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? ''), name: from[2], lines: [] });
    else if (found.length === 0 && /^ARG\s+(\w+)=(\S+)$/i.test(line)) {
      const [, n, v] = /^ARG\s+(\w+)=(\S+)$/i.exec(line)!;
      args[n] = v;
    } else if (found.length > 0) found[found.length - 1].lines.push(line);
  }
  return { args, stages: found };
}

test('Dockerfile: multi-stage, a Node the engines allow, non-root runtime with only the compiled server', () => {
  const { stages: all } = stages(read('Dockerfile'));
  assert.ok(all.length >= 2, 'at least a build and a runtime stage');
  const [build, runtime] = [all[0], all[all.length - 1]];
  assert.ok(build.name, 'the build stage is named, for COPY --from');

  // The base image's Node satisfies package.json engines (>=major.minor.patch).
  const engines = JSON.parse(read('package.json')).engines.node as string;
  const [, eMajor, eMinor] = /^>=(\d+)\.(\d+)\.\d+$/.exec(engines)!.map(Number);
  for (const stage of all) {
    const version = /^node:(\d+)\.(\d+)/.exec(stage.image);
    assert.ok(version, `${stage.image} pins node major.minor`);
    const [major, minor] = [Number(version[1]), Number(version[2])];
    assert.ok(major > eMajor || (major === eMajor && minor >= eMinor), `${stage.image} satisfies engines ${engines}`);
  }

  // The build stage installs and compiles; every path it copies exists in the repository.
  assert.ok(build.lines.some((l) => /^RUN .*npm ci/.test(l)));
  assert.ok(
    build.lines.some((l) => /npm prune --omit=dev/.test(l)),
    'dev dependencies are dropped before the runtime copy',
  );
  for (const line of build.lines.filter((l) => /^COPY /.test(l) && !l.includes('--from'))) {
    const sources = line.split(/\s+/).slice(1, -1);
    for (const source of sources) assert.ok(existsSync(resolve(root, source)), `${line}: ${source} exists`);
  }

  // The runtime stage: production, copies only from the build stage, runs main.js as a non-root user.
  const user = runtime.lines.find((l) => /^USER /.test(l));
  assert.ok(user, 'a USER in the runtime stage');
  assert.doesNotMatch(user, /^USER\s+(root|0)(:|$)/);
  const userIndex = runtime.lines.indexOf(user);
  const cmdIndex = runtime.lines.findIndex((l) => /^CMD /.test(l));
  assert.ok(cmdIndex > userIndex, 'USER comes before CMD');
  assert.match(runtime.lines[cmdIndex], /"node",\s*"dist\/src\/main\.js"/);
  assert.ok(runtime.lines.some((l) => /NODE_ENV=production/.test(l)));
  assert.ok(runtime.lines.some((l) => /^HEALTHCHECK .*\/readyz/.test(l)));
  assert.ok(runtime.lines.some((l) => /^EXPOSE 4000$/.test(l)));
  for (const copy of runtime.lines.filter((l) => /^COPY /.test(l))) {
    assert.match(copy, new RegExp(`--from=${build.name}\\b`), `${copy} copies from the build stage`);
  }
  assert.ok(runtime.lines.some((l) => /COPY --from=\S+ \/app\/dist\/src /.test(l)));

  const ignored = read('.dockerignore').split('\n');
  for (const entry of ['node_modules', 'dist', '.data', '.git']) assert.ok(ignored.includes(entry), `.dockerignore has ${entry}`);
});

test('compose.yaml: the API with a MongoDB replica set that is initiated and healthy before the API starts', () => {
  const compose = parse(read('compose.yaml')) as any;
  assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'mongo']);
  const { mongo, api } = compose.services;

  assert.match(mongo.image, /^mongo:\d+/);
  const command: string[] = mongo.command;
  const replSet = command[command.indexOf('--replSet') + 1];
  assert.ok(replSet, 'mongod runs with --replSet');
  const check: string[] = mongo.healthcheck.test;
  assert.equal(check[0], 'CMD');
  const script = check.join(' ');
  assert.match(script, new RegExp(`rs\\.initiate\\(\\{ _id: '${replSet}'`), 'the healthcheck initiates the same replica set');
  assert.match(script, /host: 'mongo:27017'/, 'the member is addressed by its service name, reachable from the api');
  assert.match(script, /isWritablePrimary/, 'healthy only once primary');
  assert.ok(
    mongo.volumes.some((v: string) => v.endsWith(':/data/db')),
    'data survives a restart',
  );

  assert.equal(api.build, '.');
  assert.equal(api.depends_on.mongo.condition, 'service_healthy');
  const env: Record<string, string> = api.environment;
  const uri = new URL(env.MONGODB_URI);
  assert.equal(uri.hostname, 'mongo');
  assert.equal(uri.searchParams.get('replicaSet'), replSet);
  assert.equal(env.HOST, '0.0.0.0', 'reachable through the published port');
  assert.match(api.healthcheck.test.join(' '), /\/readyz/);
  assert.ok(
    api.ports.every((p: string) => p.startsWith('127.0.0.1:')),
    'published on the host loopback only by default',
  );

  // The environment, with the ${VAR:?...} placeholders filled as an operator would, passes the server's own config check.
  const filled: Record<string, string> = {
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    ADMIN_API_KEY: 'compose-admin-key-01',
    ADMIN_API_SECRET: 'compose-admin-secret-0123',
    METRICS_TOKEN: '',
  };
  const resolved = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v).replace(/^\$\{(\w+)(:[?-][^}]*)?\}$/, (_, name: string) => filled[name] ?? ''),
    ]),
  );
  for (const required of ['SECRETS_ENCRYPTION_KEY', 'ADMIN_API_KEY', 'ADMIN_API_SECRET']) {
    assert.match(String(env[required]), new RegExp(`^\\$\\{${required}:\\?`), `${required} must be given, not defaulted`);
  }
  const config = loadConfig(resolved);
  assert.equal(config.nodeEnv, 'production');
  assert.equal(config.port, 4000);
  assert.equal(config.logFormat, 'json');
});
