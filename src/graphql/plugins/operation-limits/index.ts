import { isEnumType, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import type { OperationLimits } from '../../../config/config';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../common/pagination';
import { armorRules } from './armor-rules';
import { rootFieldsRule } from './root-fields-rule';
import { costRule } from './cost-rule';

export { formatOperationLimitError, OPERATION_TOO_COMPLEX } from './errors';

/**
 * Items assumed for a list whose size nothing bounds (an offer's segments, item rules, ids;
 * the tiers and their levels). The bundled data has at most 5; 10 leaves room for real
 * catalogues while still counting a list as more than one value.
 */
export const DEFAULT_LIST_SIZE = 10;

/** Lists with one item per value of an enum. */
function knownListSizes(schema: GraphQLSchema): Map<string, number> {
  const enumSize = (name: string) => {
    const type = schema.getType(name);
    return isEnumType(type) ? type.getValues().length : DEFAULT_LIST_SIZE;
  };
  return new Map([
    ['SecuritySettings.endpoints', enumSize('ApiEndpoint')],
    ['SecuritySettings.modules', enumSize('SecurityModule')],
  ]);
}

/**
 * Every operation is measured before anything runs (CONTRACT §4). Tokens are counted by the
 * parser itself (graphql-js `maxLexicalTokens`), which stops at the first token over the limit, so
 * a huge document is refused before its AST is built; graphql-armor's Apollo integration of
 * its max-tokens would parse every document a second time in a hook that turns a refusal
 * into a 500. Depth, aliases and directives are graphql-armor's validation rules; root fields
 * and a cost that counts list sizes are ours (see their files for what armor lacks). All of
 * them run in Apollo's validation phase, before `didResolveOperation` (authorization) and
 * before any resolver; Apollo caches a validated document, so a repeated query text is
 * measured once.
 */
export function operationLimits(limits: OperationLimits): {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
} {
  return {
    parseOptions: { maxLexicalTokens: limits.tokens },
    validationRules: [
      ...armorRules(limits),
      rootFieldsRule(limits.rootFields),
      costRule({
        max: limits.cost,
        defaultListSize: DEFAULT_LIST_SIZE,
        listSizes: knownListSizes,
        pageSize: { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
      }),
    ],
  };
}
