import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema } from '../../src/graphql/schema';
import { undocumented } from '../../src/graphql/schema-docs';
import { buildApiSchema } from '../../src/graphql/schema';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/common/pagination';
import { dataOf, startTestServer } from '../support/server';

test('every type, field, argument, input field and enum value of the schema has a description', () => {
  assert.deepEqual(undocumented(buildApiSchema()), []);
});

test('the public schema names no internal document (CONTRACT, issue numbers, source files)', () => {
  const sdl = readFileSync(resolve(process.cwd(), 'schema.graphql'), 'utf8');
  assert.equal(sdl, printApiSchema());
  const leaks = sdl.split('\n').filter((line) => /CONTRACT|§|\bissue \d|\.ts\b|src\//i.test(line));
  assert.deepEqual(leaks, []);
});

test('over HTTP: page sizes are in the served schema, and error log endpoints are ApiEndpoint values', async () => {
  const server = await startTestServer();
  try {
    const data = dataOf(
      await server.as(server.admin).graphql(`{
        __type(name: "Query") { fields { name args { name defaultValue description } } }
        errorLog: __type(name: "ErrorLog") { fields { name type { ofType { ofType { ofType { name kind } } } } } }
      }`),
    );
    const offers = data.__type.fields.find((f: any) => f.name === 'offers');
    const first = offers.args.find((a: any) => a.name === 'first');
    assert.equal(first.defaultValue, String(DEFAULT_PAGE_SIZE));
    assert.match(first.description, new RegExp(`at most ${MAX_PAGE_SIZE}`));
    const endpoints = data.errorLog.fields.find((f: any) => f.name === 'endpoints');
    assert.deepEqual(endpoints.type.ofType.ofType.ofType, { name: 'ApiEndpoint', kind: 'ENUM' });

    // A refused call is recorded; its endpoints come back as enum values.
    const refused = await server.as(server.client).graphql('{ apiCredentials { key } }');
    assert.equal(refused.status, 403);
    await server.app.services.errorLog.recorder.flush();
    const logs = dataOf(await server.as(server.admin).graphql('{ errorLogs(first: 1) { nodes { endpoints errorCodes } } }'));
    assert.deepEqual(logs.errorLogs.nodes, [{ endpoints: ['MANAGEMENT'], errorCodes: ['FORBIDDEN'] }]);
  } finally {
    await server.stop();
  }
});
