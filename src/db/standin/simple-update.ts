import { isPlainPath } from './paths';
import { compareValues, cloneValue, isPlainObject, type BsonDocument } from './values';

/**
 * A fast path for the update operators applications use most ($set, $unset, $inc, $mul,
 * $min, $max, $currentDate) on plain dotted paths. mingo builds a fresh operator context
 * for every update, which made a single `$inc` cost a quarter of a millisecond; this path
 * is an order of magnitude cheaper. Anything it does not cover — positional or numeric
 * path segments, arrays on the way, Long/Decimal128 arithmetic, timestamps — returns false
 * so the caller falls back to mingo on a fresh copy.
 *
 * Paths are applied in lexicographic order, which is how MongoDB 5.0+ orders fields an
 * update adds to a document.
 */
const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate']);

export function applySimpleUpdate(doc: BsonDocument, ops: BsonDocument): boolean {
  const steps: Array<{ op: string; path: string; arg: unknown }> = [];
  for (const [op, spec] of Object.entries(ops)) {
    if (!SIMPLE_OPERATORS.has(op)) return false;
    for (const [path, arg] of Object.entries(spec as BsonDocument)) {
      if (!isPlainPath(path)) return false;
      steps.push({ op, path, arg });
    }
  }
  steps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const step of steps) if (!applyStep(doc, step.op, step.path, step.arg)) return false;
  return true;
}

function applyStep(doc: BsonDocument, op: string, path: string, arg: unknown): boolean {
  const segments = path.split('.');
  const leaf = segments.pop() as string;
  let parent: BsonDocument = doc;
  for (const segment of segments) {
    const next = parent[segment];
    if (next === undefined) {
      if (op === '$unset') return true;
      parent[segment] = {};
    } else if (!isPlainObject(next)) {
      return false;
    }
    parent = parent[segment] as BsonDocument;
  }
  const current = parent[leaf];
  switch (op) {
    case '$set':
      parent[leaf] = cloneValue(arg);
      return true;
    case '$unset':
      delete parent[leaf];
      return true;
    case '$inc':
    case '$mul': {
      if (typeof arg !== 'number' || (current !== undefined && typeof current !== 'number')) return false;
      // $mul on a missing field creates it as 0, like MongoDB.
      if (op === '$inc') parent[leaf] = (current ?? 0) + arg;
      else parent[leaf] = current === undefined ? 0 : current * arg;
      return true;
    }
    case '$min':
    case '$max': {
      const c = current === undefined ? 0 : compareValues(arg, current);
      if (current === undefined || (op === '$min' ? c < 0 : c > 0)) parent[leaf] = cloneValue(arg);
      return true;
    }
    case '$currentDate': {
      const wantsDate = arg === true || (isPlainObject(arg) && arg.$type === 'date');
      if (!wantsDate) return false;
      parent[leaf] = new Date();
      return true;
    }
    default:
      return false;
  }
}
