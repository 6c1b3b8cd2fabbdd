import './admin.css';
import { ApiError, graphql, session, whenSessionRefused } from './api';
import { errorText, h, messageArea, replace } from './dom';
import { credentialsTab } from './tabs/credentials';
import { errorsTab } from './tabs/errors';
import { ipFilterTab } from './tabs/ip-filter';
import { modulesTab } from './tabs/modules';
import { signaturesTab } from './tabs/signatures';
import type { Tab } from './tabs/tab';

const root = document.getElementById('console')!;
const tabs: Tab[] = [credentialsTab(), modulesTab(), ipFilterTab(), signaturesTab(), errorsTab()];

/** A key is good for the console when it may read the security settings: ADMIN, from an allowed address. */
async function check(key: string): Promise<void> {
  await graphql(
    `
      query ConsoleSignIn {
        securitySettings {
          ipFilterEnabled
        }
      }
    `,
    {},
    key,
  );
}

function showSignIn(reason?: string): void {
  const message = messageArea();
  const key = h('input', {
    id: 'admin-key',
    name: 'admin-key',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, 'Sign in'),
    h(
      'p',
      { class: 'hint' },
      'Enter an ADMIN API key. It is kept in this browser tab only (session storage) and sent as X-Api-Key to /graphql.',
    ),
    h('label', { for: 'admin-key' }, 'ADMIN API key'),
    key,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    message.el,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = key.value.trim();
    try {
      await check(value);
    } catch (err) {
      message.error(errorText(err));
      key.focus();
      return;
    }
    session.signIn(value);
    showConsole();
  });
  replace(root, form);
  if (reason) message.error(reason);
  key.focus();
}

function showConsole(): void {
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Settings', class: 'tabs' });
  const buttons = tabs.map((tab, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${tab.id}`,
        'aria-controls': `panel-${tab.id}`,
        'aria-selected': 'false',
        tabindex: -1,
        onclick: () => select(i),
      },
      tab.title,
    ),
  );
  tablist.append(...buttons);
  // Arrow keys move between tabs (WAI-ARIA tabs pattern); Tab moves into the panel.
  tablist.addEventListener('keydown', (event) => {
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select((to + buttons.length) % buttons.length, true);
  });
  const panels = tabs.map((tab) => {
    const panel = h('div', {
      role: 'tabpanel',
      id: `panel-${tab.id}`,
      'aria-labelledby': `tab-${tab.id}`,
      tabindex: 0,
      hidden: true,
    });
    panel.append(tab.panel);
    return panel;
  });
  const signOut = h('button', { type: 'button', class: 'signout' }, 'Sign out');
  signOut.addEventListener('click', () => {
    session.signOut();
    location.hash = '';
    showSignIn();
  });
  replace(root, h('div', { class: 'toolbar' }, tablist, signOut), ...panels);

  function select(index: number, focus = false): void {
    buttons.forEach((b, i) => {
      b.setAttribute('aria-selected', String(i === index));
      b.tabIndex = i === index ? 0 : -1;
      panels[i]!.hidden = i !== index;
    });
    if (focus) buttons[index]!.focus();
    history.replaceState(null, '', `#${tabs[index]!.id}`);
    void tabs[index]!.refresh();
  }

  const fromHash = tabs.findIndex((t) => `#${t.id}` === location.hash);
  select(Math.max(0, fromHash));
}

async function start(): Promise<void> {
  const key = session.key();
  if (!key) {
    showSignIn();
    return;
  }
  try {
    await check(key);
    showConsole();
  } catch (err) {
    // A revoked key or a changed filter: start again from the sign-in form with the reason.
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) session.signOut();
    showSignIn(errorText(err));
  }
}

whenSessionRefused((reason) => {
  session.signOut();
  showSignIn(reason);
});

void start();
