import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, type DocumentNode, type ExecutionResult, type OperationDefinitionNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LruMap } from '../common/lru-map';
import type { RequestContext } from './context';

type GatewayInterface = ApolloServerOptionsWithGateway<RequestContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayRequest = Parameters<GatewayExecutor>[0];

/** How many compiled plans one instance keeps; a plan is a few kB of generated code. */
export const DEFAULT_COMPILED_PLANS = 500;

type Plan = { kind: 'compiled'; query: CompiledQuery['query']; readOnly: boolean } | { kind: 'interpreted'; reason: string };

/**
 * graphql-jit writes the literal arguments of a document into the generated code as a
 * JavaScript object literal made by JSON.stringify: there a `"__proto__"` key sets the
 * prototype instead of making a key, so a JSONObject literal `{ __proto__: … }` would reach
 * the resolvers without it (the structural-key checks of imports and events must see it and
 * refuse it), and strings carrying graphql-jit's `__MAGIC_` markers would turn into dates or
 * NaN. Such documents run through graphql-js, which builds the values as data.
 */
function literalHazard(source: string): string | undefined {
  if (source.includes('__proto__')) return 'a __proto__ key or string in the document (graphql-jit would drop the key)';
  if (source.includes('__MAGIC_')) return "graphql-jit's __MAGIC_ markers in the document";
  return undefined;
}

/**
 * Runs every operation through graphql-jit: each distinct document (text + operation name) is
 * compiled once into a plain JavaScript function, kept in a bounded LRU, so a repeated query
 * skips graphql-js's per-field interpretation (the bulk of a 50-offer page's cost). It is
 * plugged into Apollo Server as a "gateway" because that is Apollo's only executor hook: the
 * request pipeline (parsing, validation, operation limits, the authorization plugin,
 * formatError, the request-id and status plugins) runs unchanged around it.
 *
 * graphql-js remains the reference and answers where graphql-jit does not agree with it:
 * - the document's literals cannot be written into generated code faithfully (`literalHazard`);
 * - the document does not compile: graphql-jit returns errors instead of a plan, e.g. for an
 *   `operationName` that names no operation of the document (Apollo still calls the executor
 *   then, for graphql-js's own error), so such calls get exactly graphql-js's answer;
 * - variables graphql-jit refuses: its messages and error shapes differ from graphql-js's,
 *   which Apollo recognises as BAD_USER_INPUT (400), so the call is run again through
 *   graphql-js, which coerces the variables itself (no resolver has run at that point);
 * - a query whose answer has errors: graphql-jit and graphql-js agree on data, paths,
 *   extensions and null bubbling, but where several siblings fail under one parent that is
 *   nulled, graphql-jit reports every failure and graphql-js only the first. A mutation keeps
 *   graphql-jit's answer (running it twice would write twice); no mutation of this schema
 *   returns a list of non-null objects whose fields can fail.
 */
export class CompiledExecutor {
  private schema: GraphQLSchema | undefined;
  private readonly plans: LruMap<string, Plan>;
  /** Counted for tests and the benchmark, not for clients. */
  readonly stats = { compiled: 0, interpreted: 0, hits: 0 };

  constructor(maxPlans = DEFAULT_COMPILED_PLANS) {
    this.plans = new LruMap(maxPlans);
  }

  /** The `gateway` option of ApolloServer: hands Apollo the schema and this executor. */
  gateway(schema: GraphQLSchema): GatewayInterface {
    this.schema = schema;
    return {
      // The schema never changes while the process runs: announced once, nothing to unsubscribe.
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: schema, coreSupergraphSdl: '' });
        return () => undefined;
      },
      load: async () => ({ executor: this.executor }),
      stop: async () => {
        this.plans.clear();
      },
    };
  }

  get size(): number {
    return this.plans.size;
  }

  private planFor(
    document: DocumentNode,
    source: string | undefined,
    operationName: string | undefined,
    request: { operation?: OperationDefinitionNode },
  ): Plan {
    const key = source === undefined ? undefined : `${operationName ?? ''}\u0000${source}`;
    const cached = key === undefined ? undefined : this.plans.get(key);
    if (cached) {
      this.stats.hits++;
      return cached;
    }
    const unsafe = source === undefined ? 'no query text' : literalHazard(source);
    if (unsafe) {
      const plan: Plan = { kind: 'interpreted', reason: unsafe };
      if (key !== undefined) this.plans.set(key, plan);
      return plan;
    }
    const compiled = compileQuery(this.schema!, document, operationName);
    const plan: Plan = isCompiledQuery(compiled)
      ? { kind: 'compiled', query: compiled.query, readOnly: request.operation?.operation === 'query' }
      : { kind: 'interpreted', reason: compiled.errors?.[0]?.message ?? 'not compilable' };
    if (key !== undefined) this.plans.set(key, plan);
    return plan;
  }

  readonly executor: GatewayExecutor = async (request: GatewayRequest) => {
    const { document } = request;
    // The name the client sent, not the one Apollo resolved (null when it names no operation),
    // so graphql-js's "Unknown operation named" answers such a call as it did before.
    const operationName = request.request.operationName ?? undefined;
    const contextValue = request.context;
    const variables = request.request.variables;
    const plan = this.planFor(document, request.source, operationName, request);
    if (plan.kind === 'compiled') {
      this.stats.compiled++;
      const result = await plan.query(undefined, contextValue, variables);
      // Execution always sets `data`; its absence means the variables were refused. A query
      // that failed somewhere is run again by graphql-js (reads have no side effects; failures
      // are off the fast path) so its errors are graphql-js's own to the letter.
      if ('data' in result && !(plan.readOnly && result.errors?.length)) return result as ExecutionResult;
    }
    this.stats.interpreted++;
    return (await execute({
      schema: this.schema!,
      document,
      contextValue,
      variableValues: variables,
      operationName,
    })) as ExecutionResult;
  };

  /** Which path an operation takes, for tests: 'compiled' or the reason it is interpreted. */
  planKind(document: DocumentNode, source: string, operationName?: string): string {
    const plan = this.planFor(document, source, operationName, {});
    return plan.kind === 'compiled' ? 'compiled' : plan.reason;
  }
}
