import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The bundled fixtures, read from the source tree (the tests run from the repo root). */
export function fixture(name: 'tiers' | 'offers'): Record<string, any>[] {
  return JSON.parse(readFileSync(resolve(process.cwd(), 'src/entities/fixtures', `${name}.json`), 'utf8'));
}

/** `count` valid offers derived from the fixtures, with fresh sequential ids. */
export function manyOffers(count: number, prefix = 'o'): Record<string, any>[] {
  const base = fixture('offers');
  return Array.from({ length: count }, (_, i) => ({
    ...structuredClone(base[i % base.length]),
    id: `${prefix}${String(i).padStart(5, '0')}`,
  }));
}
