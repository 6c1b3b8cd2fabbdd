import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema } from '../../src/graphql/schema';

test('schema.graphql is generated from the code and up to date (run `npm run schema`)', () => {
  const committed = readFileSync(resolve(process.cwd(), 'schema.graphql'), 'utf8');
  assert.equal(committed, printApiSchema(), 'schema.graphql is stale: run `npm run schema` and commit it');
});
