import { Kind, parse, TokenKind, type ASTNode, type DocumentNode, type ValueNode } from 'graphql';
import { apiKeyHint } from './api-key';
import { addSecret, createContext, type RedactionContext } from './context';
import { isSensitiveName, MASK, mayContainSensitiveName } from './names';
import { redactTextWith } from './text';
import { redactJsonText } from './value';

const MASKED_LITERAL = `"${MASK}"`;

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Masks literal values under sensitive argument names, input-object field names (at any
 * depth, in lists, in JSON-scalar object literals) and the defaults of sensitive
 * variables; `$variable` references are kept (variables are redacted on their own).
 * String literals holding JSON are redacted inside, comments like `# token: x` too.
 *
 * The document is parsed to find the values, but the masks are spliced into the text as
 * sent rather than printing the AST: the logged query keeps the client's layout, so the
 * line numbers in the GraphQL error's `locations` still point at the right lines, and
 * skipping `print` (and `visit`) makes this about four times cheaper.
 *
 * Text that does not parse is kept as it was, with values after sensitive names masked
 * by `redactText`.
 */
export function redactGraphQLQuery(query: string): string {
  return redactGraphQLQueryWith(query, createContext());
}

export function redactGraphQLQueryWith(query: string, ctx: RedactionContext): string {
  // Unicode escapes could spell a name inside a JSON string literal, so they disable the
  // shortcut; otherwise a text with no sensitive name has nothing to mask.
  if (!query.includes('\\u') && !mayContainSensitiveName(query)) return query;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return redactTextWith(query, ctx);
  }
  const edits: Edit[] = [];
  collectEdits(document, edits, ctx);
  collectCommentEdits(document, edits, ctx);
  if (edits.length === 0) return query;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let copied = 0;
  for (const edit of edits) {
    out += query.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  return out + query.slice(copied);
}

// graphql re-exports `Kind` through getters; reading them once here keeps them off the hot path.
const {
  ARGUMENT,
  OBJECT_FIELD,
  VARIABLE,
  VARIABLE_DEFINITION,
  DOCUMENT,
  OPERATION_DEFINITION,
  FRAGMENT_DEFINITION,
  SELECTION_SET,
  FIELD,
  FRAGMENT_SPREAD,
  INLINE_FRAGMENT,
  DIRECTIVE,
  LIST,
  OBJECT,
  STRING,
  INT,
  FLOAT,
  BOOLEAN,
  NULL,
  ENUM,
  NAME,
} = Kind;
const { COMMENT } = TokenKind;

// A direct walk over the executable-document node types: graphql's `visit` costs more
// than the rest of this put together. Anything else (type-system definitions) falls back
// to a generic walk over its fields.
function collectEdits(node: ASTNode, edits: Edit[], ctx: RedactionContext): void {
  switch (node.kind) {
    case DOCUMENT:
      return eachEdit(node.definitions, edits, ctx);
    case OPERATION_DEFINITION:
    case FRAGMENT_DEFINITION:
      eachEdit(node.variableDefinitions, edits, ctx);
      eachEdit(node.directives, edits, ctx);
      return collectEdits(node.selectionSet, edits, ctx);
    case SELECTION_SET:
      return eachEdit(node.selections, edits, ctx);
    case FIELD:
      eachEdit(node.arguments, edits, ctx);
      eachEdit(node.directives, edits, ctx);
      if (node.selectionSet) collectEdits(node.selectionSet, edits, ctx);
      return;
    case INLINE_FRAGMENT:
      eachEdit(node.directives, edits, ctx);
      return collectEdits(node.selectionSet, edits, ctx);
    case FRAGMENT_SPREAD:
      return eachEdit(node.directives, edits, ctx);
    case DIRECTIVE:
      return eachEdit(node.arguments, edits, ctx);
    case ARGUMENT:
    case OBJECT_FIELD:
      if (node.value.kind !== VARIABLE && isSensitiveName(node.name.value)) return mask(node.value, edits, ctx);
      return collectEdits(node.value, edits, ctx);
    case VARIABLE_DEFINITION:
      if (node.defaultValue !== undefined) {
        if (isSensitiveName(node.variable.name.value)) mask(node.defaultValue, edits, ctx);
        else collectEdits(node.defaultValue, edits, ctx);
      }
      return eachEdit(node.directives, edits, ctx);
    case LIST:
      return eachEdit(node.values, edits, ctx);
    case OBJECT:
      return eachEdit(node.fields, edits, ctx);
    case STRING: {
      // The parsed value, so a key spelled with escapes (`"\u0061bc…"`) is recognised too.
      if (ctx.isKnownKey?.(node.value) && node.loc) {
        ctx.masked++;
        edits.push({ start: node.loc.start, end: node.loc.end, text: JSON.stringify(apiKeyHint(node.value)) });
        return;
      }
      const redacted = redactJsonText(node.value, ctx);
      // JSON.stringify's escapes are all valid GraphQL string escapes.
      if (redacted !== undefined && node.loc) {
        edits.push({ start: node.loc.start, end: node.loc.end, text: JSON.stringify(redacted) });
      }
      return;
    }
    case VARIABLE:
    case INT:
    case FLOAT:
    case BOOLEAN:
    case NULL:
    case ENUM:
    case NAME:
      return;
    default:
      return collectEditsGeneric(node, edits, ctx);
  }
}

function eachEdit(nodes: readonly ASTNode[] | undefined, edits: Edit[], ctx: RedactionContext): void {
  if (nodes === undefined) return;
  for (const node of nodes) collectEdits(node, edits, ctx);
}

function collectEditsGeneric(node: ASTNode, edits: Edit[], ctx: RedactionContext): void {
  const fields = node as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (key === 'loc' || key === 'kind') continue;
    const child = fields[key];
    if (Array.isArray(child)) {
      for (const item of child) if (isNode(item)) collectEdits(item, edits, ctx);
    } else if (isNode(child)) {
      collectEdits(child, edits, ctx);
    }
  }
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

function mask(value: ValueNode, edits: Edit[], ctx: RedactionContext): void {
  collectLiteral(value, ctx);
  ctx.masked++;
  if (value.loc) edits.push({ start: value.loc.start, end: value.loc.end, text: MASKED_LITERAL });
}

/** Comments are in the token list only; they can hold a pasted secret as well. */
function collectCommentEdits(document: DocumentNode, edits: Edit[], ctx: RedactionContext): void {
  for (let token = document.loc?.startToken ?? null; token !== null; token = token.next) {
    if (token.kind !== COMMENT) continue;
    const text = `#${token.value ?? ''}`;
    const redacted = redactTextWith(text, ctx);
    if (redacted !== text) edits.push({ start: token.start, end: token.end, text: redacted });
  }
}

/** Remembers the plain values inside a literal being masked whole. */
function collectLiteral(value: ValueNode, ctx: RedactionContext): void {
  switch (value.kind) {
    case STRING:
    case INT:
    case FLOAT:
    case ENUM:
      addSecret(ctx, value.value);
      return;
    case LIST:
      for (const item of value.values) collectLiteral(item, ctx);
      return;
    case OBJECT:
      for (const field of value.fields) collectLiteral(field.value, ctx);
      return;
    default:
      return;
  }
}
