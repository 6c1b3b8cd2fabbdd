import { graphql } from '../api';
import { errorText, h, messageArea, replace, table } from '../dom';
import { SETTINGS_FIELDS, loadSettings, type SecuritySettings } from '../settings';
import type { Tab } from './tab';

/** The source's Signature enforcement tab: a checkbox per endpoint, applied with Update. */
export function signaturesTab(): Tab {
  const message = messageArea();
  const moduleNote = h('p', { class: 'notice' });
  const body = h('div');
  const warnings = h('ul', { class: 'warnings' });
  const update = h('button', { type: 'button', class: 'primary' }, 'Update');
  let settings: SecuritySettings | undefined;
  update.addEventListener('click', () => void apply());

  const panel = h(
    'section',
    {},
    h('h2', {}, 'Signature enforcement'),
    h(
      'p',
      { class: 'hint' },
      'A checked endpoint accepts only requests signed with Escher (ANTAVO-HMAC-SHA256) while the signature check module is on; a plain key gets 401. This console sends a plain key: enforcing MANAGEMENT locks it out.',
    ),
    moduleNote,
    body,
    h('div', { class: 'buttons' }, update),
    message.el,
    warnings,
  );

  const boxes = (): HTMLInputElement[] => [...body.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];

  function render(): void {
    if (!settings) return;
    moduleNote.textContent = settings.signatureCheckEnabled
      ? 'The signature check module is on: checked endpoints refuse plain keys.'
      : 'The signature check module is off: checked endpoints are enforced once it is turned on under Modules.';
    const rows = settings.endpoints.map((e) => {
      const id = `sig-${e.endpoint}`;
      return h(
        'tr',
        {},
        h('td', {}, h('input', { type: 'checkbox', id, 'data-endpoint': e.endpoint, checked: e.signatureEnforced })),
        h('td', {}, h('label', { for: id }, `${e.label} (${e.endpoint})`)),
        h('td', {}, h('span', { class: `badge ${e.lifecycle.toLowerCase()}` }, e.lifecycle)),
      );
    });
    replace(body, table(['Enforced', 'Endpoint', 'Label'], rows, 'Signature enforcement per endpoint'));
    replace(warnings, ...settings.warnings.map((w) => h('li', { class: 'warning' }, w)));
  }

  async function apply(): Promise<void> {
    if (!settings) return;
    const before = new Map(settings.endpoints.map((e) => [e.endpoint, e.signatureEnforced]));
    const changes = boxes().filter((box) => before.get(box.dataset.endpoint!) !== box.checked);
    if (changes.length === 0) {
      message.ok('Nothing changed.');
      return;
    }
    update.disabled = true;
    const refused: string[] = [];
    for (const box of changes) {
      try {
        const data = await graphql<{ setSignatureEnforcement: SecuritySettings }>(
          `mutation ConsoleSignature($endpoint: ApiEndpoint!, $enforced: Boolean!) { setSignatureEnforcement(endpoint: $endpoint, enforced: $enforced) { ${SETTINGS_FIELDS} } }`,
          { endpoint: box.dataset.endpoint, enforced: box.checked },
        );
        settings = data.setSignatureEnforcement;
      } catch (err) {
        refused.push(`${box.dataset.endpoint}: ${errorText(err)}`);
      }
    }
    render();
    if (refused.length) message.error(`Not updated: ${refused.join(' ')}`);
    else message.ok(`Updated ${changes.map((b) => b.dataset.endpoint).join(', ')}.`);
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

  return { id: 'signatures', title: 'Signature enforcement', panel, refresh };
}
