import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApiEndpoint } from '../security/api-endpoint';
import { ACCESS_EXTENSION, MANAGEMENT_OPERATION, type FieldAccess } from '../auth/root-field';

/**
 * Every root field an operation selects, through aliases, fragment spreads and inline
 * fragments, mapped to what that field needs. Introspection (`__schema`, `__type`,
 * `__typename`) needs only a valid credential. Results are cached per parsed document,
 * which Apollo itself caches per query text, so a repeated query costs one map lookup.
 */
const cache = new WeakMap<DocumentNode, Map<string, FieldAccess[]>>();

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | null | undefined {
  if (operation.operation === 'mutation') return schema.getMutationType();
  if (operation.operation === 'subscription') return schema.getSubscriptionType();
  return schema.getQueryType();
}

function collectFieldNames(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  out: Set<string>,
  visited: Set<string>,
) {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFieldNames(selection.selectionSet, fragments, out, visited);
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectFieldNames(fragment.selectionSet, fragments, out, visited);
    }
  }
}

export function operationAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FieldAccess[] {
  const key = operation.name?.value ?? '';
  let perDocument = cache.get(document);
  const hit = perDocument?.get(key);
  if (hit) return hit;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const names = new Set<string>();
  collectFieldNames(operation.selectionSet, fragments, names, new Set());
  const fields = rootType(schema, operation)?.getFields() ?? {};
  const accesses: FieldAccess[] = [];
  for (const name of names) {
    if (name.startsWith('__')) continue;
    const access = fields[name]?.extensions?.[ACCESS_EXTENSION] as FieldAccess | undefined;
    // A root field without declared access is a programming error: refuse rather than allow.
    accesses.push(access ?? MANAGEMENT_OPERATION);
  }
  if (!perDocument) {
    perDocument = new Map();
    cache.set(document, perDocument);
  }
  perDocument.set(key, accesses);
  return accesses;
}

/** The endpoints an operation touches, for the error log. */
export function endpointsOf(accesses: FieldAccess[]): ApiEndpoint[] {
  return [...new Set(accesses.flatMap((a) => (a.endpoint ? [a.endpoint] : [])))];
}

/** The names of the root fields an operation selects, through fragments (response cache). */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  const found = new Set<string>();
  collectFieldNames(operation.selectionSet, byName, found, new Set());
  return found;
}
