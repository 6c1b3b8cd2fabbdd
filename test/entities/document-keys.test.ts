import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_LEVELS, structuralProblems } from '../../src/entities/import/document-keys';
import { fieldPath } from '../../src/common/field-path';

const own = (key: string, value: unknown, rest: Record<string, unknown> = {}) => {
  const out: Record<string, unknown> = { ...rest };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
};

describe('fieldPath', () => {
  test('dotted for plain keys, indexed for positions, quoted JSON for the rest', () => {
    assert.equal(fieldPath('', 'id'), 'id');
    assert.equal(fieldPath('discount', 'max_quantity'), 'discount.max_quantity');
    assert.equal(fieldPath('required_items', 2), 'required_items[2]');
    assert.equal(fieldPath('data', '__proto__'), 'data.__proto__');
    assert.equal(fieldPath('data', '$x'), 'data.$x');
    assert.equal(fieldPath('data', 'a.b'), 'data["a.b"]');
    assert.equal(fieldPath('data', ''), 'data[""]');
    assert.equal(fieldPath('', 'a\u0000b'), '["a\\u0000b"]');
    assert.equal(fieldPath('data', 'k'.repeat(70)), `data["${'k'.repeat(64)}…"]`);
  });
});

describe('structuralProblems', () => {
  test('a document of ordinary keys, JavaScript-flavoured names included, has none', () => {
    const doc = { id: 'a', constructor: { prototype: [{ toString: 1 }] }, meta: { _id: 1, 'x-y': null, valueOf: 'v' } };
    assert.deepEqual(structuralProblems(doc), []);
  });

  test('every refused key is named by its path, at any depth', () => {
    const doc = {
      id: 'a',
      ...own('_id', 'x'),
      nested: { list: [0, own('$inc', 1), own('__proto__', {})], 'a.b': 1, '': 2, 'n\u0000ul': 3 },
    };
    assert.deepEqual(
      structuralProblems(doc).map((p) => p.field),
      ['_id', 'nested.list[1].$inc', 'nested.list[2].__proto__', 'nested["a.b"]', 'nested[""]', 'nested["n\\u0000ul"]'],
    );
  });

  test('lone surrogates in keys or strings are refused; well-formed astral characters are not', () => {
    assert.deepEqual(structuralProblems({ id: 'a', s: '😀', [`k😀`]: 1 }), []);
    assert.deepEqual(
      structuralProblems({ id: 'a', s: ['ok', 'x\udc00'] }).map((p) => p.field),
      ['s[1]'],
    );
    assert.deepEqual(
      structuralProblems({ id: 'a', ['\ud83d']: 1 }).map((p) => p.field),
      ['["\\ud83d"]'],
    );
  });

  test(`nesting: ${MAX_NESTING_LEVELS} levels pass, one more is refused, a hostile depth does not overflow the stack`, () => {
    const nest = (levels: number) => {
      let value: unknown = {};
      for (let i = 0; i < levels - 1; i++) value = { a: value };
      return value as Record<string, unknown>;
    };
    assert.deepEqual(structuralProblems(nest(MAX_NESTING_LEVELS)), []);
    const deeper = structuralProblems(nest(MAX_NESTING_LEVELS + 1));
    assert.equal(deeper.length, 1);
    assert.equal(deeper[0].field, Array(MAX_NESTING_LEVELS).fill('a').join('.'));
    assert.match(deeper[0].message, /nesting deeper than 100 levels/);
    assert.equal(structuralProblems(nest(200_000)).length, 1);
  });

  test("a document over MongoDB's 16 MiB limit is refused before it reaches the database", () => {
    const problems = structuralProblems({ id: 'big', text: 'x'.repeat(MAX_DOCUMENT_BYTES) });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /MongoDB stores at most 16777216/);
    assert.deepEqual(structuralProblems({ id: 'fits', text: 'x'.repeat(MAX_DOCUMENT_BYTES - 100) }), []);
  });

  test('problems are capped, so a document of a million bad keys is cheap to refuse', () => {
    const doc: Record<string, unknown> = { id: 'a' };
    for (let i = 0; i < 10_000; i++) doc[`$k${i}`] = i;
    assert.equal(structuralProblems(doc).length, 50);
  });
});
