import { Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';
import { OperationTooComplexError } from './errors';

/**
 * Distinct response keys at the root of each operation, through fragments and inline
 * fragments; `__typename` is free. graphql-armor has no such limit: its alias limit counts
 * aliases anywhere, and an operation can repeat expensive root fields without aliases by
 * naming different ones. Repeating a key (`{ tiers { id } tiers { name } }`) is one entry of
 * the response, so it counts once.
 */
export function rootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const keys = new Set<string>();
      collect(operation.selectionSet, (name) => context.getFragment(name), keys, new Set());
      if (keys.size > max) context.reportError(new OperationTooComplexError('rootFields', max, keys.size));
    },
  });
}

function collect(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  keys: Set<string>,
  visited: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragment, keys, visited);
    } else if (!visited.has(selection.name.value)) {
      // Each fragment once: a cycle is reported by NoFragmentCyclesRule, not looped here.
      visited.add(selection.name.value);
      const definition = fragment(selection.name.value);
      if (definition) collect(definition.selectionSet, fragment, keys, visited);
    }
  }
}
