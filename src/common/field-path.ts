// A key that reads unambiguously after a dot; anything else is written as ["..."].
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * The path of `key` under `parent` as error messages and `extensions.field` name it:
 * `discount.value`, `required_items[2]`, and `meta["a.b"]`, `meta[""]` or
 * `meta["\u0000"]` for keys a dotted path cannot show. Client-chosen keys are shown in
 * full up to 64 characters, JSON-escaped, never the values under them.
 */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (SIMPLE_KEY.test(key) && key.length <= 64) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}
