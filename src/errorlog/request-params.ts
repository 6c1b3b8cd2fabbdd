import type { RawRequest } from '../common/raw-request';

/** The GraphQL parameters of a call, as sent, before redaction. */
export interface GraphQLParams {
  query: string | null;
  variables: unknown;
  operationName: string | null;
}

const NONE: GraphQLParams = { query: null, variables: undefined, operationName: null };

// `name=` at the very start: a GraphQL document never begins like that.
const FORM_START = /^[\w.~%+[\]-]+=/;

/**
 * Reads the GraphQL parameters out of any body the server can be sent, so each part is
 * redacted by what it is (a password inside URL-encoded `variables` is masked like one in
 * JSON): the GET query string, a JSON body, a form body (`application/x-www-form-
 * urlencoded`, or text shaped like one), or plain text, kept as the query. The body is
 * read by its shape as well as its content type, since the content type can lie.
 */
export function paramsOf(raw: RawRequest): GraphQLParams {
  // The query string is also in the record's path, so other parameters are not repeated.
  if (raw.method === 'GET' || raw.method === 'HEAD') return raw.search === '' ? NONE : fromForm(raw.search, false);
  const text = raw.body.toString('utf8');
  if (text === '') return NONE;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const body = parseJson(text);
    if (isRecord(body)) {
      return {
        query: typeof body.query === 'string' ? body.query : null,
        variables: body.variables,
        operationName: typeof body.operationName === 'string' ? body.operationName : null,
      };
    }
  }
  const type = String(raw.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('x-www-form-urlencoded') || FORM_START.test(trimmed)) return fromForm(trimmed, true);
  // A batch (JSON array), broken JSON or a bare GraphQL document: kept as text, which
  // the redaction masks by the names it finds in it.
  return { query: text, variables: undefined, operationName: null };
}

/**
 * `query`, `variables` (JSON) and `operationName` of a query string or form body. A form
 * body without `query` or `variables` is not a GraphQL request: its fields are kept as an
 * object in place of the variables, so they are masked by name like variables.
 */
function fromForm(text: string, keepOtherFields: boolean): GraphQLParams {
  const params = new URLSearchParams(text);
  const query = params.get('query');
  const variablesText = params.get('variables');
  if (query === null && variablesText === null) {
    // fromEntries defines own properties, so a `__proto__` field stays a field.
    return keepOtherFields && params.size > 0 ? { ...NONE, variables: Object.fromEntries(params) } : NONE;
  }
  let variables: unknown = variablesText ?? undefined;
  if (variablesText !== null) {
    const parsed = parseJson(variablesText);
    // Text that is not JSON is kept as text and redacted as text.
    if (parsed !== undefined) variables = parsed;
  }
  return { query, variables, operationName: params.get('operationName') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
