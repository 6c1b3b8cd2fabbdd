import { mongo } from 'mongoose';
import { fieldPath } from '../../common/field-path';

// The driver's own bson, so the size is the one the driver will send.
const { calculateObjectSize } = mongo.BSON;

/**
 * What an entity document may hold beyond its known fields. Documents are stored exactly as
 * they arrive (CONTRACT §3), so every key at any depth becomes a MongoDB field name and,
 * when read back, a JavaScript object key. A key is accepted only if it survives both
 * unchanged; the others are refused with the path to them rather than stored differently,
 * dropped, or refused by MongoDB halfway through an import:
 *
 * - `$…` keys: MongoDB reads them as operators (a top-level one fails the write);
 * - keys containing `.`: MongoDB reads them as paths, and queries cannot address them;
 * - empty keys: not addressable by any path;
 * - keys containing NUL: BSON cannot encode them (the driver throws);
 * - `__proto__`: JavaScript tools (object spread, assignment, many libraries) treat it as
 *   the object's prototype, so it would be lost or worse on some later copy;
 * - `_id` at the top level: the entity id is stored there;
 * - keys and strings that are not well-formed Unicode (a lone surrogate): BSON stores
 *   them as U+FFFD, so they would come back changed.
 *
 * `constructor`, `prototype`, `toString` and other names are ordinary keys and round-trip.
 * Nesting deeper than MongoDB's limit and documents over its size limit are refused too.
 */

/** MongoDB supports at most 100 levels of nesting; the document itself is the first. */
export const MAX_NESTING_LEVELS = 100;
/** MongoDB's maximum BSON document size. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export interface KeyProblem {
  field: string;
  message: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

function keyProblem(key: string, topLevel: boolean): string | undefined {
  if (key === '') return 'empty field names are not accepted';
  if (key.includes('\u0000')) return 'field names must not contain the NUL character';
  if (key.startsWith('$')) return 'field names must not start with "$" (MongoDB reads them as operators)';
  if (key.includes('.')) return 'field names must not contain "." (MongoDB reads it as a path separator)';
  if (key === '__proto__') return 'the field name "__proto__" is not accepted (JavaScript reads it as the object prototype)';
  if (topLevel && key === '_id') return 'the field name "_id" is reserved: the entity id is stored as _id';
  if (!isWellFormed(key)) return 'field names must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

const MAX_PROBLEMS = 50;

/** Problems of the document's keys and shape; empty when MongoDB will store it exactly. */
export function structuralProblems(document: Record<string, unknown>): KeyProblem[] {
  const problems: KeyProblem[] = [];
  // Iterative, so a hostile nesting depth cannot exhaust the stack before it is refused;
  // depth first in document order, so problems are listed as they appear.
  type Entry = { value: unknown; path: string; level: number; problem?: string };
  const stack: Entry[] = [{ value: document, path: '', level: 1 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, path, level, problem } = stack.pop()!;
    if (problem) {
      problems.push({ field: path, message: problem });
      continue;
    }
    if (typeof value === 'string') {
      if (!isWellFormed(value))
        problems.push({ field: path, message: 'strings must be well-formed Unicode (no lone surrogates)' });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (level > MAX_NESTING_LEVELS) {
      problems.push({
        field: path,
        message: `nesting deeper than ${MAX_NESTING_LEVELS} levels is not accepted (MongoDB's limit)`,
      });
      continue;
    }
    const children: Entry[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => children.push({ value: item, path: fieldPath(path, i), level: level + 1 }));
    } else {
      for (const key of Object.keys(value)) {
        const child = { value: (value as Record<string, unknown>)[key], path: fieldPath(path, key), level: level + 1 };
        children.push({ ...child, problem: keyProblem(key, level === 1) });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  if (problems.length === 0) {
    const bytes = calculateObjectSize({ ...document, _id: document.id });
    if (bytes > MAX_DOCUMENT_BYTES) {
      problems.push({
        field: '',
        message: `the document is ${bytes} bytes as BSON; MongoDB stores at most ${MAX_DOCUMENT_BYTES}`,
      });
    }
  }
  return problems;
}
