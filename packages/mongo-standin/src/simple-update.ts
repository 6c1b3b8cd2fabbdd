import { ownField, setField } from './own';
import { isPlainPath } from './paths';
import { compareValues, cloneValue, isPlainObject, valuesEqual, type BsonDocument } from './values';

/**
 * The update operators applications use most ($set, $unset, $inc, $mul, $min, $max,
 * $currentDate, and the plain forms of $push, $addToSet, $pop and $rename) on plain dotted
 * paths. mingo builds a fresh operator context for every update, which made a single `$inc`
 * cost a quarter of a millisecond; this path is an order of magnitude cheaper. It is also
 * the only path for field names every JavaScript object inherits (`constructor`,
 * `__proto__`, ...): it reads own fields only and defines `__proto__` as a field (see
 * ./own), where mingo would walk into Object.prototype. Anything it does not cover —
 * positional or numeric path segments, arrays on the way, $push modifiers other than
 * $each, Long/Decimal128 arithmetic, timestamps — returns false so the caller falls back
 * to mingo on a fresh copy.
 *
 * Paths are applied in lexicographic order, which is how MongoDB 5.0+ orders fields an
 * update adds to a document.
 */
const SIMPLE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$rename',
]);
// Operators that leave a document alone when the path does not exist yet.
const NON_CREATING = new Set(['$unset', '$pop']);

interface Step {
  op: string;
  path: string;
  arg: unknown;
}

export function applySimpleUpdate(doc: BsonDocument, ops: BsonDocument): boolean {
  const steps: Step[] = [];
  for (const [op, spec] of Object.entries(ops)) {
    if (!SIMPLE_OPERATORS.has(op)) return false;
    for (const [path, arg] of Object.entries(spec as BsonDocument)) {
      if (!isPlainPath(path)) return false;
      if (op === '$rename') {
        if (typeof arg !== 'string' || !isPlainPath(arg) || arg === path) return false;
        // A rename is an $unset of the source and a $set of the target with its value;
        // the value is taken before any step runs (the paths cannot overlap other steps).
        const found = locate(doc, path);
        if (found === false) return false;
        if (found === undefined) continue;
        steps.push({ op: '$unset', path, arg: '' }, { op: '$set', path: arg, arg: found.value });
        continue;
      }
      steps.push({ op, path, arg });
    }
  }
  steps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const step of steps) if (!applyStep(doc, step.op, step.path, step.arg)) return false;
  return true;
}

/** The own value at a plain path; undefined when absent, false when an array or scalar is on the way. */
function locate(doc: BsonDocument, path: string): { value: unknown } | undefined | false {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current)) return false;
    current = ownField(current, segment);
    if (current === undefined) return undefined;
  }
  return { value: current };
}

function applyStep(doc: BsonDocument, op: string, path: string, arg: unknown): boolean {
  const segments = path.split('.');
  const leaf = segments.pop() as string;
  let parent: BsonDocument = doc;
  for (const segment of segments) {
    let next = ownField(parent, segment);
    if (next === undefined) {
      if (NON_CREATING.has(op)) return true;
      next = {};
      setField(parent, segment, next);
    } else if (!isPlainObject(next)) {
      return false;
    }
    parent = next as BsonDocument;
  }
  const current = ownField(parent, leaf);
  switch (op) {
    case '$set':
      setField(parent, leaf, cloneValue(arg));
      return true;
    case '$unset':
      delete parent[leaf];
      return true;
    case '$inc':
    case '$mul': {
      if (typeof arg !== 'number' || (current !== undefined && typeof current !== 'number')) return false;
      // $mul on a missing field creates it as 0, like MongoDB.
      if (op === '$inc') setField(parent, leaf, (current ?? 0) + arg);
      else setField(parent, leaf, current === undefined ? 0 : current * arg);
      return true;
    }
    case '$min':
    case '$max': {
      const c = current === undefined ? 0 : compareValues(arg, current);
      if (current === undefined || (op === '$min' ? c < 0 : c > 0)) setField(parent, leaf, cloneValue(arg));
      return true;
    }
    case '$currentDate': {
      const wantsDate = arg === true || (isPlainObject(arg) && arg.$type === 'date');
      if (!wantsDate) return false;
      setField(parent, leaf, new Date());
      return true;
    }
    case '$push':
    case '$addToSet': {
      const values = eachValues(arg);
      if (!values || (current !== undefined && !Array.isArray(current))) return false;
      const list = current === undefined ? [] : [...current];
      for (const value of values) {
        if (op === '$addToSet' && list.some((v) => valuesEqual(v, value))) continue;
        list.push(cloneValue(value));
      }
      setField(parent, leaf, list);
      return true;
    }
    case '$pop': {
      if ((arg !== 1 && arg !== -1) || (current !== undefined && !Array.isArray(current))) return false;
      if (current === undefined) return true;
      setField(parent, leaf, arg === 1 ? current.slice(0, -1) : current.slice(1));
      return true;
    }
    default:
      return false;
  }
}

/** The values a $push/$addToSet adds: one value, or `{$each: [...]}` with no other modifier. */
function eachValues(arg: unknown): unknown[] | undefined {
  if (!isPlainObject(arg)) return [arg];
  const keys = Object.keys(arg);
  if (!keys.some((k) => k.startsWith('$'))) return [arg];
  if (keys.length === 1 && keys[0] === '$each' && Array.isArray(arg.$each)) return arg.$each;
  return undefined;
}
