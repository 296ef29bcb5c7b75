import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miniBatchGroups } from './update.js';

test('miniBatchGroups: a seeded partition into near-equal shuffled groups', () => {
  const g = miniBatchGroups(10, 4, 7);
  assert.equal(g.length, 4);
  assert.deepEqual(g.flat().sort((a, b) => a - b), [...Array(10).keys()]);
  for (const x of g) assert.ok(x.length === 2 || x.length === 3);
  assert.deepEqual(miniBatchGroups(10, 4, 7), g);
  assert.notDeepEqual(miniBatchGroups(10, 4, 8), g);
  assert.deepEqual(miniBatchGroups(3, 8, 1).map((x) => x.length), [1, 1, 1]); // never an empty group
  assert.deepEqual(miniBatchGroups(5, 1, 1), [[0, 1, 2, 3, 4]]);
});
