import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GraphQLError,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  execute,
  getOperationAST,
  parse,
  type ExecutionResult,
} from 'graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { CompiledExecutor } from '../../src/graphql/compiled-executor';
import { buildApiSchema } from '../../src/graphql/schema';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import { manyOffers } from '../support/fixtures';
import { OFFERS_QUERY } from '../support/queries';

/** What a client would see of a result: its JSON (errors with message, locations, path, extensions). */
const wire = (result: ExecutionResult) => JSON.parse(JSON.stringify(result));

async function bothWays(schema: GraphQLSchema, query: string, context: unknown, variables?: Record<string, unknown>) {
  const executor = new CompiledExecutor();
  executor.gateway(schema);
  const document = parse(query);
  const operation = getOperationAST(document) ?? undefined;
  const compiled = await executor.executor({
    document,
    operation,
    source: query,
    request: { query, variables },
    context,
  } as never);
  const reference = await execute({ schema, document, contextValue: context, variableValues: variables });
  return { compiled: wire(compiled), reference: wire(reference), executor };
}

/** A schema made to fail in every way graphql-js reports: the compiled path must match it. */
function failingSchema(): GraphQLSchema {
  const Leaf: GraphQLObjectType = new GraphQLObjectType({
    name: 'Leaf',
    fields: () => ({
      ok: { type: GraphQLString, resolve: () => 'fine' },
      required: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: () => {
          throw new GraphQLError('required field failed', { extensions: { code: 'BAD_USER_INPUT', field: 'required' } });
        },
      },
      nullRequired: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
      optional: {
        type: GraphQLString,
        resolve: async () => {
          throw new Error('a plain error');
        },
      },
      when: { type: GraphQLDateTimeISO, resolve: () => new Date('2026-01-02T03:04:05.678Z') },
      badWhen: { type: GraphQLDateTimeISO, resolve: () => 'not a date' },
      json: { type: GraphQLJSONObject, resolve: () => ({ en: 'Basic', nested: [1, null, { deep: true }] }) },
      count: { type: GraphQLInt, resolve: () => 2.5 },
    }),
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        leaf: { type: Leaf, resolve: () => ({}) },
        leaves: { type: new GraphQLList(new GraphQLNonNull(Leaf)), resolve: () => [{}, {}] },
        strictLeaf: { type: new GraphQLNonNull(Leaf), resolve: async () => ({}) },
        echo: { type: GraphQLInt, args: { n: { type: new GraphQLNonNull(GraphQLInt) } }, resolve: (_, { n }) => n },
      },
    }),
  });
}

describe('graphql-jit answers what graphql-js answers', () => {
  const schema = failingSchema();

  test('null bubbling: a non-null field that throws nulls its parent, path and extensions kept', async () => {
    const { compiled, reference } = await bothWays(schema, '{ leaf { ok required } other: leaf { ok } }', {});
    assert.deepEqual(compiled, reference);
    assert.deepEqual(compiled.data, { leaf: null, other: { ok: 'fine' } });
    assert.deepEqual(compiled.errors[0].path, ['leaf', 'required']);
    assert.deepEqual(compiled.errors[0].extensions, { code: 'BAD_USER_INPUT', field: 'required' });
  });

  test('bubbling through a list of non-null items to a nullable list, and to the root', async () => {
    const list = await bothWays(schema, '{ leaves { nullRequired } }', {});
    assert.deepEqual(list.compiled, list.reference);
    assert.deepEqual(list.compiled.data, { leaves: null });
    const root = await bothWays(schema, '{ strictLeaf { required } }', {});
    assert.deepEqual(root.compiled, root.reference);
    assert.equal(root.compiled.data, null);
  });

  test('a plain error thrown by an async resolver: message, path, no extensions', async () => {
    const { compiled, reference } = await bothWays(schema, '{ leaf { optional ok } }', {});
    assert.deepEqual(compiled, reference);
    assert.deepEqual(compiled.data, { leaf: { optional: null, ok: 'fine' } });
  });

  test('graphql-scalars DateTimeISO and JSONObject serialize identically, failures included', async () => {
    const ok = await bothWays(schema, '{ leaf { when json } }', {});
    assert.deepEqual(ok.compiled, ok.reference);
    assert.deepEqual(ok.compiled.data.leaf, {
      when: '2026-01-02T03:04:05.678Z',
      json: { en: 'Basic', nested: [1, null, { deep: true }] },
    });
    const bad = await bothWays(schema, '{ leaf { badWhen count } }', {});
    assert.deepEqual(bad.compiled.data, bad.reference.data);
    assert.deepEqual(
      bad.compiled.errors.map((e: GraphQLError) => e.path),
      bad.reference.errors.map((e: GraphQLError) => e.path),
    );
  });

  test('variables graphql-jit refuses are answered by graphql-js, in its words', async () => {
    const { compiled, reference, executor } = await bothWays(schema, 'query($n: Int!) { echo(n: $n) }', {}, { n: 'x' });
    assert.deepEqual(compiled, reference);
    assert.match(compiled.errors[0].message, /^Variable "\$n" got invalid value "x"/);
    assert.equal(executor.stats.interpreted, 1);
  });
});

describe('the API schema on the compiled path', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    dataOf(
      await server
        .as(server.admin)
        .graphql('mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }', {
          d: manyOffers(60),
        }),
    );
  });
  after(async () => {
    await server.stop();
  });

  test('the nested offers page equals graphql-js executing the same over the same data', async () => {
    const context = { services: server.app.services, call: { authorized: true } };
    const { compiled, reference } = await bothWays(buildApiSchema(), OFFERS_QUERY, context);
    assert.equal(compiled.errors, undefined);
    assert.equal(compiled.data.offers.nodes.length, 50);
    assert.deepEqual(compiled, reference);
  });

  test('requests run compiled; a repeated document reuses its plan', async () => {
    const before = { ...server.app.executor.stats };
    // Variables differ, so the response cache does not answer; the plan is the same.
    const query = 'query($n: Int) { tiers { id } offers(first: $n) { nodes { id startsAt } } }';
    for (let n = 1; n <= 3; n++) dataOf(await server.as(server.admin).graphql(query, { n }));
    const after = server.app.executor.stats;
    assert.equal(after.compiled - before.compiled, 3);
    assert.equal(after.interpreted, before.interpreted);
    assert.ok(after.hits - before.hits >= 2);
  });

  test('an operationName naming no operation of the document: not compiled, graphql-js answers', async () => {
    const query = 'query A { tiers { id } } query B { offer(id: "x") { id } }';
    assert.match(server.app.executor.planKind(parse(query), query, 'C'), /Unknown operation named "C"/);
    const result = await server.as(server.client).request('POST', '/graphql', JSON.stringify({ query, operationName: 'C' }));
    assert.equal(result.status, 400);
    assert.equal(firstError(result).message, 'Unknown operation named "C".');
  });

  test('a variable of the wrong type: 400 BAD_USER_INPUT with graphql-js message, through graphql-js', async () => {
    const interpreted = server.app.executor.stats.interpreted;
    const result = await server.as(server.client).graphql('query($n: Int) { offers(first: $n) { totalCount } }', { n: 'many' });
    assert.equal(result.status, 400);
    const error = firstError(result);
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.match(error.message, /^Variable "\$n" got invalid value "many"; Int cannot represent non-integer value/);
    assert.equal(server.app.executor.stats.interpreted, interpreted + 1);
  });

  test('a __proto__ key in a literal: graphql-js runs it, so the key reaches the resolver and is refused', async () => {
    const query =
      'mutation { importEntities(entity: TIER, documents: [{ id: "p", name: "P", account: "standard", tiers: [], __proto__: { x: 1 } }]) { ids } }';
    assert.match(server.app.executor.planKind(parse(query), query), /__proto__/);
    const result = await server.as(server.admin).graphql(query);
    assert.equal(result.status, 400);
    assert.equal(firstError(result).extensions.field, '__proto__');
    const magic = '{ offers(filter: { type: "__MAGIC_NAN__57f286b9_4c20_487f_b409_79804ddcb4f8" }) { totalCount } }';
    assert.match(server.app.executor.planKind(parse(magic), magic), /__MAGIC_/);
    assert.equal(dataOf(await server.as(server.client).graphql(magic)).offers.totalCount, 0);
  });

  test('the plan cache is bounded', () => {
    const executor = new CompiledExecutor(3);
    executor.gateway(buildApiSchema());
    for (let i = 0; i < 10; i++) {
      const query = `{ offers(first: ${i}) { totalCount } }`;
      assert.equal(executor.planKind(parse(query), query), 'compiled');
    }
    assert.equal(executor.size, 3);
  });
});
