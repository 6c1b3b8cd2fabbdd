import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { OperationTooComplexError, type OperationLimitName } from './errors';

// graphql-armor reports the measured value only inside its message ("… exceeded, found 7.").
// The versions are pinned in package.json and the tests check the figure for every limit.
const FOUND = /found (\d+)\.?$/;

/**
 * graphql-armor's rules report through `onReject`; with `propagateOnRejection: false` they do
 * not throw (a throw inside `validate` would surface as a 500) and we report our own error.
 */
function rejectAs(limit: OperationLimitName, max: number) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const measured = Number(FOUND.exec(error.message)?.[1] ?? max + 1);
        context?.reportError(new OperationTooComplexError(limit, max, measured));
      },
    ],
  };
}

export function armorRules(limits: { depth: number; aliases: number; directives: number }): ValidationRule[] {
  return [
    // Introspection is measured like any query (armor would skip `__schema`): a cyclic
    // introspection query (types → fields → type → fields …) is as costly as any other.
    // Fragments are flattened so depth is the nesting of the response, whatever the spelling.
    maxDepthRule({ ...rejectAs('depth', limits.depth), ignoreIntrospection: false, flattenFragments: true }),
    maxAliasesRule(rejectAs('aliases', limits.aliases)),
    maxDirectivesRule(rejectAs('directives', limits.directives)),
  ] as ValidationRule[];
}
