import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGame } from '../games/registry.js';
import { actionStrings, suiteActionStrings } from './action_vocab.js';

test('actionStrings finds every move of small games', () => {
  assert.deepEqual(actionStrings(loadGame('kuhn_poker')).sort(), ['<BET>', '<PASS>']);
  const ttt = actionStrings(loadGame('tic_tac_toe'));
  assert.equal(ttt.length, 18);
  assert.ok(ttt.includes('<O(2,2)>') && ttt.includes('<X(0,0)>'));
  assert.equal(actionStrings(loadGame('connect_four')).length, 14);
});

test('actionStrings is deterministic and suiteActionStrings deduplicates', () => {
  assert.deepEqual(actionStrings(loadGame('mini_hanabi')), actionStrings(loadGame('mini_hanabi')));
  const all = suiteActionStrings();
  assert.equal(new Set(all).size, all.length);
  for (const a of ['<CALL>', '<Play card 0>', '<X(6)>']) assert.ok(all.includes(a), a);
});
