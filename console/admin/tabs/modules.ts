import { graphql } from '../api';
import { errorText, h, messageArea, replace } from '../dom';
import { SETTINGS_FIELDS, loadSettings, type SecuritySettings } from '../settings';
import type { Tab } from './tab';

const MODULES = [
  {
    module: 'IP_FILTER',
    title: 'IP filter',
    field: 'ipFilterEnabled',
    text: 'Endpoints with entries accept only the listed addresses and ranges (403 otherwise). Endpoints without entries accept any address.',
  },
  {
    module: 'SIGNATURE_CHECK',
    title: 'Signature check',
    field: 'signatureCheckEnabled',
    text: 'Endpoints marked under Signature enforcement accept only signed requests (401 for a plain key).',
  },
] as const;

export function modulesTab(): Tab {
  const message = messageArea();
  const body = h('div');
  const warnings = h('ul', { class: 'warnings' });
  const panel = h(
    'section',
    {},
    h('h2', {}, 'Modules'),
    h('p', { class: 'hint' }, 'Each module is off until enabled; a change applies to the next request.'),
    message.el,
    body,
    warnings,
  );

  function render(settings: SecuritySettings): void {
    replace(
      body,
      ...MODULES.map((m) => {
        const id = `module-${m.module}`;
        const box = h('input', { type: 'checkbox', id, checked: settings[m.field], 'aria-describedby': `${id}-text` });
        box.addEventListener('change', () => void toggle(m.module, m.title, box));
        return h(
          'div',
          { class: 'module' },
          box,
          h('label', { for: id }, `${m.title} (${m.module})`),
          h('p', { id: `${id}-text`, class: 'hint' }, m.text),
        );
      }),
    );
    replace(warnings, ...settings.warnings.map((w) => h('li', { class: 'warning' }, w)));
  }

  async function toggle(module: string, title: string, box: HTMLInputElement): Promise<void> {
    box.disabled = true;
    try {
      const { setSecurityModule } = await graphql<{ setSecurityModule: SecuritySettings }>(
        `mutation ConsoleModule($module: SecurityModule!, $enabled: Boolean!) { setSecurityModule(module: $module, enabled: $enabled) { ${SETTINGS_FIELDS} } }`,
        { module, enabled: box.checked },
      );
      render(setSecurityModule);
      message.ok(`${title} is ${box.checked ? 'on' : 'off'}.`);
    } catch (err) {
      box.checked = !box.checked;
      message.error(errorText(err));
    } finally {
      box.disabled = false;
    }
  }

  async function refresh(): Promise<void> {
    try {
      render(await loadSettings());
    } catch (err) {
      message.error(errorText(err));
    }
  }

  return { id: 'modules', title: 'Modules', panel, refresh };
}
