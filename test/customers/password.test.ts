import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../src/customers/password';

test('scrypt password hash: self-describing, salted, verified in constant time', async () => {
  const password = 'correct horse battery staple';
  const [a, b] = await Promise.all([hashPassword(password), hashPassword(password)]);
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
  assert.notEqual(a, b, 'a fresh random salt per hash');
  assert.equal(a.includes(password), false);

  assert.deepEqual(
    await Promise.all([
      verifyPassword(password, a),
      verifyPassword(password, b),
      verifyPassword('correct horse battery stapler', a),
      verifyPassword('', a),
    ]),
    [true, true, false, false],
  );

  // Unicode is normalised: the composed and decomposed forms are the same password.
  const composed = 'Passw\u00f6rd-1234';
  const decomposed = 'Passwo\u0308rd-1234';
  assert.equal(await verifyPassword(decomposed, await hashPassword(composed)), true);

  // Malformed or tampered strings are a plain "no", never an exception or a huge computation.
  const parts = a.split('$');
  for (const stored of [
    '',
    'plain-text',
    a.replace('scrypt$', 'bcrypt$'),
    [...parts.slice(0, 5), parts[5].slice(0, 10)].join('$'),
    ['scrypt', String(2 ** 30), '8', '1', parts[4], parts[5]].join('$'),
    ['scrypt', '1000', '8', '1', parts[4], parts[5]].join('$'),
    ['scrypt', '32768', '8', '1', '', parts[5]].join('$'),
    `${a}$extra`,
  ]) {
    assert.equal(await verifyPassword(password, stored), false, stored);
  }
  assert.equal(await verifyPassword(password, 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$' + 'A'.repeat(86)), false);
  // A different (valid) cost in the stored string is honoured: the string describes itself.
  const flipped = ['scrypt', '16384', '8', '1', parts[4], parts[5]].join('$');
  assert.equal(await verifyPassword(password, flipped), false);
});
