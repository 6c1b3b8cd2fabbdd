import { ApiError, graphql } from '../api';
import { errorText, h, messageArea, replace } from '../dom';
import { SETTINGS_FIELDS, endpointText, loadSettings, type EndpointSecurity, type SecuritySettings } from '../settings';
import type { Tab } from './tab';

/**
 * The source's IP filter tab: pick an endpoint, paste addresses or ranges (one per line), mark
 * entries for removal, then Update. Each line goes to the server on its own, so one bad line
 * does not hold back the others and its error is shown beside it; additions run before
 * removals, so replacing the entry that covers the admin's own address never locks them out.
 */
export function ipFilterTab(): Tab {
  const message = messageArea();
  const select = h('select', { id: 'ip-endpoint', name: 'endpoint' });
  const moduleNote = h('p', { class: 'notice' });
  const entries = h('ul', { class: 'entries', 'aria-label': 'Stored entries' });
  const textarea = h('textarea', {
    id: 'ip-new',
    rows: 4,
    spellcheck: 'false',
    placeholder: '192.168.1.2\n10.0.0.0/8\n2001:db8::/32',
    'aria-describedby': 'ip-new-hint',
  });
  const results = h('ul', { class: 'line-results', 'aria-label': 'Result per line', 'aria-live': 'polite' });
  const update = h('button', { type: 'button', class: 'primary' }, 'Update');
  let settings: SecuritySettings | undefined;
  let chosen = 'ENTITIES';
  const toRemove = new Set<string>();

  select.addEventListener('change', () => {
    chosen = select.value;
    toRemove.clear();
    replace(results);
    message.clear();
    render();
  });
  update.addEventListener('click', () => void apply());

  const panel = h(
    'section',
    {},
    h('h2', {}, 'IP filter'),
    h(
      'p',
      { class: 'hint' },
      'With the IP filter module on, an endpoint with entries accepts only these addresses (403 FORBIDDEN for any other). No entries = any address.',
    ),
    moduleNote,
    h('div', { class: 'field' }, h('label', { for: 'ip-endpoint' }, 'Endpoint'), select),
    h('h3', {}, 'Stored entries'),
    entries,
    h('div', { class: 'field' }, h('label', { for: 'ip-new' }, 'Add addresses or CIDR ranges, one per line'), textarea),
    h(
      'p',
      { id: 'ip-new-hint', class: 'hint' },
      'An address (192.168.1.2, 2001:db8::1) or a range (192.168.0.0/24). The server stores the normalised form.',
    ),
    results,
    h('div', { class: 'buttons' }, update),
    message.el,
  );

  const current = (): EndpointSecurity | undefined => settings?.endpoints.find((e) => e.endpoint === chosen);

  function render(): void {
    if (!settings) return;
    if (!current()) chosen = settings.endpoints[0]?.endpoint ?? '';
    replace(
      select,
      ...settings.endpoints.map((e) => h('option', { value: e.endpoint, selected: e.endpoint === chosen }, endpointText(e))),
    );
    moduleNote.textContent = settings.ipFilterEnabled
      ? 'The IP filter module is on: these entries are enforced.'
      : 'The IP filter module is off: entries are stored but not enforced until it is turned on under Modules.';
    const endpoint = current();
    if (!endpoint) return;
    if (endpoint.ipFilters.length === 0) {
      replace(entries, h('li', { class: 'empty' }, 'No entries: any address is accepted.'));
      return;
    }
    replace(
      entries,
      ...endpoint.ipFilters.map((entry) => {
        const marked = toRemove.has(entry);
        const button = h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-pressed': String(marked),
            'aria-label': `${marked ? 'Keep' : 'Remove'} ${entry}`,
          },
          marked ? 'Keep' : 'Remove',
        );
        button.addEventListener('click', () => {
          if (toRemove.has(entry)) toRemove.delete(entry);
          else toRemove.add(entry);
          render();
          (entries.querySelector(`[data-entry="${CSS.escape(entry)}"] button`) as HTMLElement | null)?.focus();
        });
        return h(
          'li',
          { 'data-entry': entry, class: marked ? 'marked' : '' },
          h('code', {}, entry),
          marked ? h('span', { class: 'badge' }, 'removed on Update') : null,
          button,
        );
      }),
    );
  }

  async function change(op: 'addIpFilter' | 'removeIpFilter', endpoint: string, entry: string): Promise<SecuritySettings> {
    const data = await graphql<Record<string, SecuritySettings>>(
      `mutation ConsoleIpFilter($endpoint: ApiEndpoint!, $entry: String!) { ${op}(endpoint: $endpoint, entry: $entry) { ${SETTINGS_FIELDS} } }`,
      { endpoint, entry },
    );
    return data[op]!;
  }

  async function apply(): Promise<void> {
    const endpoint = chosen;
    const lines = textarea.value
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (lines.length === 0 && toRemove.size === 0) {
      message.error('Nothing to update: add a line, or mark an entry for removal.');
      return;
    }
    update.disabled = true;
    message.clear();
    replace(results);
    const failedLines: string[] = [];
    let failures = 0;
    for (const line of lines) {
      const before = new Set(current()?.ipFilters ?? []);
      try {
        settings = await change('addIpFilter', endpoint, line);
        const stored = current()?.ipFilters.find((e) => !before.has(e));
        results.append(
          h(
            'li',
            { class: 'ok' },
            h('code', {}, line),
            stored && stored !== line ? ` → stored as ${stored}` : stored ? ' → stored' : ' → already stored',
          ),
        );
      } catch (err) {
        failures += 1;
        failedLines.push(line);
        results.append(
          h('li', { class: 'error' }, h('code', {}, line), ` → ${err instanceof ApiError ? err.message : errorText(err)}`),
        );
      }
    }
    for (const entry of [...toRemove]) {
      try {
        settings = await change('removeIpFilter', endpoint, entry);
        toRemove.delete(entry);
        results.append(h('li', { class: 'ok' }, h('code', {}, entry), ' → removed'));
      } catch (err) {
        failures += 1;
        results.append(h('li', { class: 'error' }, h('code', {}, entry), ` → not removed: ${errorText(err)}`));
      }
    }
    // Failed lines stay in the box to be corrected; the stored ones leave it.
    textarea.value = failedLines.join('\n');
    render();
    if (failures) message.error(`${failures} change${failures === 1 ? '' : 's'} refused: see the reasons beside each line.`);
    else message.ok(`${endpoint} updated.`);
    update.disabled = false;
  }

  async function refresh(): Promise<void> {
    try {
      settings = await loadSettings();
      render();
    } catch (err) {
      message.error(errorText(err));
    }
  }

  return { id: 'ip-filter', title: 'IP filter', panel, refresh };
}
