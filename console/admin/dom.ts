type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Builds an element: attributes (`on*` are listeners, booleans toggle) and children as text or nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Local time, to the second, in the browser's locale. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';
}

/** A live region for one panel's outcome messages; errors are announced at once. */
export function messageArea(): { el: HTMLElement; ok(text: string): void; error(text: string): void; clear(): void } {
  const el = h('div', { class: 'message', role: 'status', 'aria-live': 'polite' });
  const show = (kind: string, text: string) => {
    el.className = `message ${kind}`;
    el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    el.textContent = text;
  };
  return { el, ok: (text) => show('ok', text), error: (text) => show('error', text), clear: () => show('', '') };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

let ids = 0;
export const uniqueId = (prefix: string): string => `${prefix}-${++ids}`;

/** A table in a scrolling box, so wide tables do not widen the page on a phone. */
export function table(headings: string[], rows: Node[], caption: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...headings.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}
