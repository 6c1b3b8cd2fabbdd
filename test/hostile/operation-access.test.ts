import 'reflect-metadata';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type GraphQLFieldConfig,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
} from 'graphql';
import { operationAccess } from '../../src/graphql/operation-access';
import { buildApiSchema } from '../../src/graphql/schema';
import { ACCESS_EXTENSION, MANAGEMENT_OPERATION, type FieldAccess } from '../../src/auth/root-field';
import { ApiEndpoint } from '../../src/security/api-endpoint';
import type { RequestContext } from '../../src/graphql/context';
import { newCall, type RawRequest } from '../../src/call/call';
import { authorize } from '../../src/auth/authorize';
import type { SecurityStore } from '../../src/security/security.store';

/**
 * The two access layers on their own, without HTTP, for what the schema of today cannot show:
 * operationAccess on a hand-built schema (fields the real schema does not have), and the
 * resolvers' own ADMIN check with the early check (the authorization plugin) out of the way.
 * Both were found missing by the mutation pass (scripts/mutation-pass.js).
 */

describe('operationAccess: what a root field needs', () => {
  const field = (access?: FieldAccess): GraphQLFieldConfig<unknown, unknown> => ({
    type: GraphQLString,
    ...(access ? { extensions: { [ACCESS_EXTENSION]: access } } : {}),
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        open: field({ endpoint: ApiEndpoint.ENTITIES }),
        // A single underscore is an ordinary GraphQL name; only `__` is reserved for introspection.
        _internal: field({ endpoint: ApiEndpoint.MANAGEMENT, adminOnly: true }),
        undeclared: field(),
        list: { type: new GraphQLList(GraphQLString), extensions: { [ACCESS_EXTENSION]: { endpoint: ApiEndpoint.CUSTOMER } } },
      },
    }),
  });
  const accessOf = (query: string) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return operationAccess(schema, document, operation);
  };

  test('only `__` names are introspection: a root field starting with one underscore meets its own rules', () => {
    assert.deepEqual(accessOf('{ _internal }'), [{ endpoint: ApiEndpoint.MANAGEMENT, adminOnly: true }]);
    assert.deepEqual(accessOf('{ __typename __schema { queryType { name } } }'), []);
    assert.deepEqual(accessOf('{ __typename open }'), [{ endpoint: ApiEndpoint.ENTITIES }]);
  });

  test('a root field without declared access needs what a management operation needs (refuse rather than allow)', () => {
    assert.deepEqual(accessOf('{ undeclared }'), [MANAGEMENT_OPERATION]);
    assert.deepEqual(accessOf('{ open undeclared list }'), [
      { endpoint: ApiEndpoint.ENTITIES },
      MANAGEMENT_OPERATION,
      { endpoint: ApiEndpoint.CUSTOMER },
    ]);
  });
});

describe('the resolvers refuse a non-admin on their own (second line of defence)', () => {
  const schema = buildApiSchema();
  const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) => Object.values(type.getFields()));
  const adminOnly = rootFields.filter((f) => (f.extensions?.[ACCESS_EXTENSION] as FieldAccess | undefined)?.adminOnly === true);

  // No IP filters, no enforcement: only the role decides.
  const openRules = { rulesFor: () => ({ ipMatcher: undefined, signatureRequired: false }) } as unknown as SecurityStore;

  /**
   * A context as the HTTP layer builds it, for a credential of this role (none: undefined),
   * carrying what `authorize` decided for a management operation, as the plugin records it.
   */
  function contextAs(role: 'CLIENT' | 'ADMIN' | undefined, services: unknown = {}): RequestContext {
    const auth = {
      credential: (role
        ? { key: `key-${role}`, name: role, role, secret: 'not used' }
        : undefined) as RequestContext['auth']['credential'],
      method: role ? ('key' as const) : undefined,
      client: undefined,
      keyHint: undefined,
      failure: undefined,
    };
    const authorized = authorize(auth, [MANAGEMENT_OPERATION], openRules) === undefined;
    return { services: services as RequestContext['services'], auth, call: { ...newCall('test', {} as RawRequest), authorized } };
  }

  test('every management root field is covered', () => {
    const names = adminOnly.map((f) => f.name).sort();
    for (const expected of [
      'addIpFilter',
      'apiCredentials',
      'createApiCredential',
      'deleteEntity',
      'errorLogs',
      'importEntities',
      'removeIpFilter',
      'revokeApiCredential',
      'securitySettings',
      'setSecurityModule',
      'setSignatureEnforcement',
    ]) {
      assert.ok(names.includes(expected), `${expected} is an admin-only root field (got ${names.join(', ')})`);
    }
  });

  test('called directly, past the authorization plugin, every management resolver refuses CLIENT and no credential with FORBIDDEN', async () => {
    for (const field of adminOnly) {
      for (const role of ['CLIENT', undefined] as const) {
        // Resolved through the schema's own resolver, as graphql-js would after the plugin let it through.
        const call = async () => field.resolve!(undefined, {}, contextAs(role), {} as GraphQLResolveInfo);
        await assert.rejects(call, (error: any) => {
          assert.equal(error?.extensions?.code, 'FORBIDDEN', `${field.name} as ${role ?? 'nobody'}: ${error?.message}`);
          return true;
        });
      }
    }
  });

  test('an ADMIN gets past that check (it is a role check, not a blanket refusal)', async () => {
    const view = { endpoints: [], warnings: [] };
    const services = { security: { settings: () => view } };
    const securitySettings = schema.getQueryType()!.getFields().securitySettings!;
    assert.equal(await securitySettings.resolve!(undefined, {}, contextAs('ADMIN', services), {} as GraphQLResolveInfo), view);
  });
});
