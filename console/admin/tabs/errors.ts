import { graphql } from '../api';
import { errorText, h, messageArea, replace, table, when } from '../dom';
import { loadSettings } from '../settings';
import type { Tab } from './tab';

interface ErrorLog {
  id: string;
  occurredAt: string;
  requestId: string | null;
  endpoints: string[];
  operationName: string | null;
  clientIp: string | null;
  apiKeyHint: string | null;
  httpMethod: string;
  path: string;
  errorCodes: string[];
  truncated: boolean;
  request: { query: string | null; variables: unknown; headers: Record<string, unknown> };
  response: { status: number; body: unknown };
}

interface Page {
  totalCount: number;
  nodes: ErrorLog[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE_SIZE = 20;
const LIST_FIELDS =
  'id occurredAt requestId endpoints operationName clientIp apiKeyHint httpMethod path errorCodes response { status }';
const DETAIL_FIELDS = `${LIST_FIELDS} truncated request { query variables headers } response { status body }`;

/** Text filters of ErrorLogFilter, as the API names them. */
const TEXT_FILTERS = [
  ['errorCode', 'Error code', 'UNAUTHENTICATED'],
  ['httpStatus', 'HTTP status', '401'],
  ['operationName', 'Operation', ''],
  ['apiKeyHint', 'Key hint', '***a1b2'],
  ['requestId', 'Request id', ''],
] as const;

export function errorsTab(): Tab {
  const message = messageArea();
  const endpoint = h('select', { id: 'err-endpoint', name: 'endpoint' }, h('option', { value: '' }, 'Any endpoint'));
  const from = h('input', { id: 'err-from', type: 'datetime-local', step: 1 });
  const to = h('input', { id: 'err-to', type: 'datetime-local', step: 1 });
  const inputs = TEXT_FILTERS.map(([name, , placeholder]) =>
    h('input', { id: `err-${name}`, name, placeholder, type: name === 'httpStatus' ? 'number' : 'text', autocomplete: 'off' }),
  );
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter the error log' },
    h('div', { class: 'field' }, h('label', { for: 'err-endpoint' }, 'Endpoint'), endpoint),
    ...TEXT_FILTERS.map(([name, label], i) =>
      h('div', { class: 'field' }, h('label', { for: `err-${name}` }, label), inputs[i]!),
    ),
    h('div', { class: 'field' }, h('label', { for: 'err-from' }, 'From (local time)'), from),
    h('div', { class: 'field' }, h('label', { for: 'err-to' }, 'Before (local time)'), to),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('button', { type: 'reset' }, 'Clear filters'),
    ),
  );
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div');
  const prev = h('button', { type: 'button' }, 'Newer');
  const next = h('button', { type: 'button' }, 'Older');
  const detail = h('div', { class: 'detail', hidden: true, tabindex: -1, 'aria-label': 'Error details' });

  // Cursors of the pages already seen, so "Newer" can go back (the API pages forwards only).
  let cursors: (string | null)[] = [null];
  let filter: Record<string, unknown> = {};

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter = readFilter();
    cursors = [null];
    void load();
  });
  form.addEventListener('reset', () => {
    filter = {};
    cursors = [null];
    setTimeout(() => void load());
  });
  prev.addEventListener('click', () => {
    cursors.pop();
    void load();
  });
  next.addEventListener('click', () => void load(true));

  const panel = h(
    'section',
    {},
    h('h2', {}, 'Errors'),
    h(
      'p',
      { class: 'hint' },
      'Failed API calls, newest first. Keys, secrets and passwords are masked before a record is stored.',
    ),
    form,
    message.el,
    summary,
    list,
    h('div', { class: 'buttons pager' }, prev, next),
    detail,
  );

  function readFilter(): Record<string, unknown> {
    const f: Record<string, unknown> = {};
    if (endpoint.value) f.endpoint = endpoint.value;
    TEXT_FILTERS.forEach(([name], i) => {
      const value = inputs[i]!.value.trim();
      if (value) f[name] = name === 'httpStatus' ? Number(value) : value;
    });
    if (from.value) f.from = new Date(from.value).toISOString();
    if (to.value) f.to = new Date(to.value).toISOString();
    return f;
  }

  let nextCursor: string | null = null;

  async function load(forward = false): Promise<void> {
    if (forward && nextCursor) cursors.push(nextCursor);
    const after = cursors[cursors.length - 1] ?? null;
    message.clear();
    try {
      const { errorLogs } = await graphql<{ errorLogs: Page }>(
        `query ConsoleErrors($filter: ErrorLogFilter, $first: Int, $after: String) { errorLogs(filter: $filter, first: $first, after: $after) { totalCount nodes { ${LIST_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        { filter, first: PAGE_SIZE, after },
      );
      nextCursor = errorLogs.pageInfo.endCursor;
      render(errorLogs);
    } catch (err) {
      if (forward) cursors.pop();
      message.error(errorText(err));
    }
  }

  function render(page: Page): void {
    const start = (cursors.length - 1) * PAGE_SIZE;
    summary.textContent = page.totalCount
      ? `${start + 1}–${start + page.nodes.length} of ${page.totalCount} failed calls${Object.keys(filter).length ? ' matching the filters' : ''}.`
      : 'No failed calls match.';
    const rows = page.nodes.map((e) =>
      h(
        'tr',
        { 'data-id': e.id },
        h('td', {}, when(e.occurredAt)),
        h('td', {}, String(e.response.status)),
        h('td', {}, e.errorCodes.join(', ')),
        h('td', {}, e.endpoints.join(', ')),
        h('td', {}, `${e.httpMethod} ${e.path}`),
        h('td', {}, e.operationName ?? ''),
        h('td', {}, e.apiKeyHint ?? ''),
        h('td', {}, e.clientIp ?? ''),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `Details of the error at ${when(e.occurredAt)}`,
              onclick: () => void showDetail(e.id),
            },
            'Details',
          ),
        ),
      ),
    );
    replace(
      list,
      rows.length
        ? table(['When', 'Status', 'Codes', 'Endpoints', 'Request', 'Operation', 'Key', 'Client IP', ''], rows, 'Failed calls')
        : null,
    );
    prev.disabled = cursors.length <= 1;
    next.disabled = !page.pageInfo.hasNextPage;
  }

  const pretty = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

  async function showDetail(id: string): Promise<void> {
    try {
      const { errorLog } = await graphql<{ errorLog: ErrorLog | null }>(
        `query ConsoleErrorDetail($id: ID!) { errorLog(id: $id) { ${DETAIL_FIELDS} } }`,
        { id },
      );
      if (!errorLog) {
        message.error('That record is gone (records expire after the retention period).');
        return;
      }
      replace(
        detail,
        h('h3', {}, `${errorLog.httpMethod} ${errorLog.path} → ${errorLog.response.status} ${errorLog.errorCodes.join(', ')}`),
        h(
          'dl',
          { class: 'facts' },
          ...(
            [
              ['When', when(errorLog.occurredAt)],
              ['Request id', errorLog.requestId ?? '—'],
              ['Endpoints', errorLog.endpoints.join(', ') || '—'],
              ['Operation', errorLog.operationName ?? '—'],
              ['Key', errorLog.apiKeyHint ?? '—'],
              ['Client IP', errorLog.clientIp ?? '—'],
            ] as const
          ).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        ),
        errorLog.truncated ? h('p', { class: 'warning' }, 'Parts over the record size cap were cut.') : null,
        h('h4', {}, 'Request headers'),
        h('pre', { class: 'request-headers' }, pretty(errorLog.request.headers)),
        errorLog.request.query ? h('h4', {}, 'Query') : null,
        errorLog.request.query ? h('pre', { class: 'request-query' }, errorLog.request.query) : null,
        errorLog.request.variables != null ? h('h4', {}, 'Variables') : null,
        errorLog.request.variables != null ? h('pre', {}, pretty(errorLog.request.variables)) : null,
        h('h4', {}, `Response (${errorLog.response.status})`),
        h('pre', { class: 'response-body' }, pretty(errorLog.response.body)),
        h('button', { type: 'button', onclick: () => closeDetail() }, 'Close details'),
      );
      detail.hidden = false;
      detail.focus();
    } catch (err) {
      message.error(errorText(err));
    }
  }

  function closeDetail(): void {
    detail.hidden = true;
    detail.replaceChildren();
  }

  async function refresh(): Promise<void> {
    try {
      if (endpoint.options.length === 1) {
        const settings = await loadSettings();
        endpoint.append(...settings.endpoints.map((e) => h('option', { value: e.endpoint }, `${e.label} (${e.endpoint})`)));
      }
    } catch (err) {
      message.error(errorText(err));
      return;
    }
    await load();
  }

  return { id: 'errors', title: 'Errors', panel, refresh };
}
