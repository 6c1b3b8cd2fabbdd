import { graphql } from '../api';
import { errorText, h, messageArea, replace, table, when } from '../dom';
import type { Tab } from './tab';

interface Credential {
  key: string;
  name: string;
  role: 'ADMIN' | 'CLIENT';
  createdAt: string;
  revokedAt: string | null;
}

const FIELDS = 'key name role createdAt revokedAt';

export function credentialsTab(): Tab {
  const message = messageArea();
  const list = h('div');
  const secretBox = h('div', { class: 'secret-box', hidden: true });

  const name = h('input', { id: 'cred-name', name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const role = h(
    'select',
    { id: 'cred-role', name: 'role' },
    h('option', { value: 'CLIENT' }, 'CLIENT'),
    h('option', { value: 'ADMIN' }, 'ADMIN'),
  );
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Create a credential' },
    h('label', { for: 'cred-name' }, 'Name'),
    name,
    h('label', { for: 'cred-role' }, 'Role'),
    role,
    h('button', { type: 'submit' }, 'Create credential'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void create();
  });

  const confirmText = h('p');
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'revoke-title' },
    h('h3', { id: 'revoke-title' }, 'Revoke this key?'),
    confirmText,
    h(
      'form',
      { method: 'dialog', class: 'dialog-buttons' },
      h('button', { value: 'cancel', autofocus: true }, 'Cancel'),
      h('button', { value: 'revoke', class: 'danger' }, 'Revoke'),
    ),
  );

  const panel = h(
    'section',
    {},
    h('h2', {}, 'Credentials'),
    h('p', { class: 'hint' }, 'API keys and their roles. A secret is shown only once, when its key is created.'),
    form,
    secretBox,
    message.el,
    list,
    dialog,
  );

  async function refresh(): Promise<void> {
    try {
      const { apiCredentials } = await graphql<{ apiCredentials: Credential[] }>(
        `query ConsoleCredentials { apiCredentials { ${FIELDS} } }`,
      );
      render(apiCredentials);
    } catch (err) {
      message.error(errorText(err));
    }
  }

  function render(credentials: Credential[]): void {
    const rows = credentials.map((c) =>
      h(
        'tr',
        { 'data-key': c.key },
        h('td', {}, h('code', {}, c.key)),
        h('td', {}, c.name),
        h('td', {}, c.role),
        h('td', {}, when(c.createdAt)),
        h(
          'td',
          {},
          c.revokedAt
            ? when(c.revokedAt)
            : h(
                'button',
                { type: 'button', class: 'danger small', 'aria-label': `Revoke ${c.key}`, onclick: () => void revoke(c) },
                'Revoke',
              ),
        ),
      ),
    );
    replace(
      list,
      credentials.length
        ? table(['Key', 'Name', 'Role', 'Created', 'Revoked'], rows, 'Credentials')
        : h('p', {}, 'No credentials yet.'),
    );
  }

  async function create(): Promise<void> {
    message.clear();
    try {
      const { createApiCredential } = await graphql<{ createApiCredential: { credential: Credential; secret: string } }>(
        `mutation ConsoleCreateCredential($input: CreateApiCredentialInput!) { createApiCredential(input: $input) { credential { ${FIELDS} } secret } }`,
        { input: { name: name.value.trim(), role: role.value } },
      );
      showSecret(createApiCredential.credential, createApiCredential.secret);
      form.reset();
      await refresh();
    } catch (err) {
      message.error(errorText(err));
    }
  }

  function showSecret(credential: Credential, secret: string): void {
    const secretField = h('input', {
      id: 'new-secret',
      readonly: true,
      value: secret,
      'aria-label': 'Secret of the new key',
      spellcheck: 'false',
    });
    const copied = h('span', { class: 'copied', role: 'status' });
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(secret);
      } catch {
        // Clipboard API needs a secure context; the selected field can still be copied by hand.
        secretField.select();
        copied.textContent = 'Selected: press Ctrl+C to copy.';
        return;
      }
      copied.textContent = 'Copied.';
    };
    replace(
      secretBox,
      h('h3', {}, `New ${credential.role} key “${credential.name}”`),
      h(
        'p',
        { class: 'warning', role: 'alert' },
        'Copy the secret now: it is not stored readable and will never be shown again. Close this box when done.',
      ),
      h('div', { class: 'kv' }, h('span', {}, 'Key'), h('code', { id: 'new-key' }, credential.key)),
      h('div', { class: 'kv' }, h('label', { for: 'new-secret' }, 'Secret'), secretField),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', onclick: () => void copy() }, 'Copy secret'),
        copied,
        h('button', { type: 'button', onclick: () => closeSecret() }, 'I stored it, close'),
      ),
    );
    secretBox.hidden = false;
    secretField.focus();
    secretField.select();
  }

  function closeSecret(): void {
    secretBox.replaceChildren();
    secretBox.hidden = true;
    name.focus();
  }

  async function revoke(credential: Credential): Promise<void> {
    confirmText.textContent = `Requests with the key ${credential.key} (“${credential.name}”, ${credential.role}) will be refused from now on. This cannot be undone.`;
    dialog.returnValue = '';
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
    if (dialog.returnValue !== 'revoke') return;
    try {
      await graphql(
        `
          mutation ConsoleRevoke($key: String!) {
            revokeApiCredential(key: $key) {
              key
              revokedAt
            }
          }
        `,
        { key: credential.key },
      );
      await refresh();
      message.ok(`Revoked ${credential.key}.`);
    } catch (err) {
      message.error(errorText(err));
    }
  }

  return { id: 'credentials', title: 'Credentials', panel, refresh };
}
