import { hasOwn, setField } from './own';
import { isPlainPath } from './paths';
import { isPlainObject, type BsonDocument } from './values';

/** The included or excluded paths as a tree: `true` marks the end of a path. */
type PathTree = { [segment: string]: PathTree | true };

/**
 * Projections made only of field paths set to 1/true or 0/false (`{passwordHash: 0}`,
 * `{'accounts.gold': 1}`), which is what applications send most. They are applied here,
 * reading own fields only and keeping every field name as it is: mingo builds projected
 * documents by assignment, which turns a `__proto__` field into the new object's
 * prototype. MongoDB's rules: an inclusion keeps `_id` unless it is excluded, keeps the
 * document's field order, projects into every sub-document of an array and drops array
 * elements that are not documents; an exclusion removes the paths from every
 * sub-document of an array and keeps everything else. Returns undefined for anything else
 * (operators, positional paths, mixed or colliding paths), which mingo then evaluates or
 * refuses.
 */
export function compileSimpleProjection(projection: BsonDocument): ((doc: BsonDocument) => BsonDocument) | undefined {
  let keepId = true;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const [path, value] of Object.entries(projection)) {
    if (!isPlainPath(path)) return undefined;
    let included: boolean;
    if (typeof value === 'boolean') included = value;
    else if (typeof value === 'number' && !Number.isNaN(value)) included = value !== 0;
    else return undefined;
    if (path === '_id') keepId = included;
    else (included ? include : exclude).push(path);
  }
  if (include.length > 0 && exclude.length > 0) return undefined;
  const inclusion = include.length > 0 || (exclude.length === 0 && keepId);
  const tree = pathTree(inclusion ? include : exclude);
  if (!tree) return undefined;
  if (inclusion) {
    return (doc) => {
      const out = includeFields(doc, tree);
      if (!keepId || !hasOwn(doc, '_id')) return out;
      return hasOwn(out, '_id') ? out : { _id: doc._id, ...out };
    };
  }
  if (!keepId) tree._id = true;
  return (doc) => excludeFields(doc, tree);
}

function pathTree(paths: string[]): PathTree | undefined {
  const tree: PathTree = Object.create(null) as PathTree;
  for (const path of paths) {
    const segments = path.split('.');
    let node = tree;
    for (let i = 0; i < segments.length; i++) {
      const existing = node[segments[i]];
      // One path a prefix of another is a path collision, which MongoDB refuses.
      if (existing === true) return undefined;
      if (i === segments.length - 1) {
        if (existing !== undefined) return undefined;
        node[segments[i]] = true;
      } else {
        node = (node[segments[i]] ??= Object.create(null) as PathTree) as PathTree;
      }
    }
  }
  return tree;
}

function includeFields(doc: BsonDocument, tree: PathTree): BsonDocument {
  const out: BsonDocument = {};
  for (const key of Object.keys(doc)) {
    const node = tree[key];
    if (node === undefined) continue;
    const value = doc[key];
    if (node === true) setField(out, key, value);
    else if (isPlainObject(value)) setField(out, key, includeFields(value, node));
    else if (Array.isArray(value)) setField(out, key, includeInArray(value, node));
  }
  return out;
}

function includeInArray(values: unknown[], tree: PathTree): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (isPlainObject(value)) out.push(includeFields(value, tree));
    else if (Array.isArray(value)) out.push(includeInArray(value, tree));
  }
  return out;
}

function excludeFields(doc: BsonDocument, tree: PathTree): BsonDocument {
  const out: BsonDocument = {};
  for (const key of Object.keys(doc)) {
    const node = tree[key];
    const value = doc[key];
    if (node === true) continue;
    if (node === undefined) setField(out, key, value);
    else if (isPlainObject(value)) setField(out, key, excludeFields(value, node));
    else if (Array.isArray(value)) setField(out, key, excludeInArray(value, node));
    else setField(out, key, value);
  }
  return out;
}

function excludeInArray(values: unknown[], tree: PathTree): unknown[] {
  return values.map((value) => {
    if (isPlainObject(value)) return excludeFields(value, tree);
    if (Array.isArray(value)) return excludeInArray(value, tree);
    return value;
  });
}
