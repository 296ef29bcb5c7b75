import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffKeys } from './json_diff.js';

test('diffKeys names nested differing keys, missing keys and non-object values', () => {
  assert.deepEqual(diffKeys({ a: 1, b: { c: 2, d: [1, 2] } }, { a: 1, b: { c: 2, d: [1, 2] } }), []);
  assert.deepEqual(diffKeys({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }), ['b.c']);
  assert.deepEqual(diffKeys({ a: 1 }, { a: 1, z: { y: 0 } }), ['z']);
  assert.deepEqual(diffKeys({ b: 1, a: [1] }, { b: 2, a: [2] }), ['a', 'b']);
  assert.deepEqual(diffKeys(1, 2), ['(value)']);
});
