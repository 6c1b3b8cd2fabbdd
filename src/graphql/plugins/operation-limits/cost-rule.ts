import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ArgumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { OperationTooComplexError } from './errors';

export interface CostOptions {
  max: number;
  /** Items assumed for a list field with no `first` and no known size. */
  defaultListSize: number;
  /** Known sizes of list fields, by `Type.field` (e.g. one item per value of an enum). */
  listSizes: (schema: GraphQLSchema) => ReadonlyMap<string, number>;
  /** The server's page sizes (src/common/pagination.ts): `first` omitted, and `first` at most. */
  pageSize: { default: number; max: number };
}

/**
 * The cost of an operation is the number of values its response can hold: every selected
 * field costs 1 per value, and a list field multiplies the cost of everything under it by the
 * number of items it can return. A connection's `nodes` and `edges` return `first` items (the
 * default page size when `first` is omitted, the maximum page size when `first` is a variable,
 * whose value validation cannot see); a list with a known size (`listSizes`) that size; any
 * other list `defaultListSize`. So `offers(first: 100) { nodes { id } }` costs
 * 1 + 100 × (1 + 1) = 201, and a thousand aliases of it cost a thousand times that.
 *
 * Why not graphql-armor's cost-limit: it reads `first` only when it is an integer literal (a
 * variable, or an omitted `first` that gets the default page of 20, counts as 1), it treats
 * every other list as one item (`requiredItems { ids }` costs what one scalar does), and it
 * multiplies by a depth factor that has nothing to do with the work done. Its figure is also
 * only in its message.
 *
 * Fragments are costed once per page size and reused, so a document that spreads the same
 * fragment many times is measured in time linear in its size.
 */
export function costRule(options: CostOptions): ValidationRule {
  let listSizes: ReadonlyMap<string, number> | undefined;
  let sizesOf: GraphQLSchema | undefined;
  return (context) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      if (sizesOf !== schema) {
        listSizes = options.listSizes(schema);
        sizesOf = schema;
      }
      const root =
        operation.operation === 'mutation'
          ? schema.getMutationType()
          : operation.operation === 'subscription'
            ? schema.getSubscriptionType()
            : schema.getQueryType();
      if (!root) return;
      const measured = new CostWalker(context, options, listSizes!).selectionSet(operation.selectionSet, root);
      if (measured > options.max) {
        context.reportError(
          new OperationTooComplexError('cost', options.max, Math.min(Math.round(measured), Number.MAX_SAFE_INTEGER)),
        );
      }
    },
  });
}

class CostWalker {
  private readonly fragments = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly context: ValidationContext,
    private readonly options: CostOptions,
    private readonly listSizes: ReadonlyMap<string, number>,
  ) {}

  /** `page`: the `first` of the field that owns this selection set, for its list fields. */
  selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType, page?: number): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += this.field(selection, parent, page);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.context.getSchema().getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) cost += this.selectionSet(selection.selectionSet, type, page);
      } else {
        cost += this.fragment(selection.name.value, page);
      }
    }
    return cost;
  }

  private fragment(name: string, page: number | undefined): number {
    const key = `${name}:${page ?? ''}`;
    const known = this.fragments.get(key);
    if (known !== undefined) return known;
    // A cycle is NoFragmentCyclesRule's to report; here it only must not loop.
    if (this.visiting.has(key)) return 0;
    const definition = this.context.getFragment(name);
    const type = definition && this.context.getSchema().getType(definition.typeCondition.name.value);
    if (!definition || !type || !isCompositeType(type)) return 0;
    this.visiting.add(key);
    const cost = this.selectionSet(definition.selectionSet, type, page);
    this.visiting.delete(key);
    this.fragments.set(key, cost);
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, page: number | undefined): number {
    const definition = this.definition(parent, node.name.value);
    // Unknown fields are FieldsOnCorrectTypeRule's to report; `__typename` is one value.
    if (!definition) return 1;
    const own = definition.args.some((arg) => arg.name === 'first') ? this.pageSize(node.arguments) : undefined;
    let type: GraphQLOutputType = getNullableType(definition.type);
    const isList = isListType(type);
    let items = 1;
    for (let outer = true; isListType(type); outer = false) {
      items *= outer ? this.listSize(parent, definition, own ?? page) : this.options.defaultListSize;
      type = getNullableType(type.ofType);
    }
    const named = getNamedType(type);
    const below =
      node.selectionSet && isCompositeType(named)
        ? // A paged field that is not a list itself (a connection) pages the lists under it.
          this.selectionSet(node.selectionSet, named, isList ? undefined : own)
        : 0;
    return items * (1 + below);
  }

  private definition(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
    const schema = this.context.getSchema();
    if (parent === schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
      if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    }
    if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
    return undefined;
  }

  private listSize(parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, page: number | undefined): number {
    if (page !== undefined) return page;
    return this.listSizes.get(`${parent.name}.${field.name}`) ?? this.options.defaultListSize;
  }

  private pageSize(args: readonly ArgumentNode[] | undefined): number {
    const { default: fallback, max } = this.options.pageSize;
    const value = args?.find((arg) => arg.name.value === 'first')?.value;
    if (!value || value.kind === Kind.NULL) return fallback;
    if (value.kind === Kind.INT) return Math.min(Math.max(Number(value.value), 0), max);
    // A variable's value is not known to validation (a declared default is only what an
    // omitted variable gets): assume the largest page the server allows.
    return max;
  }
}
