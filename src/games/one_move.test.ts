/**
 * @file One-move lookahead on known tic-tac-toe positions (cells numbered row * 3 + column).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGame } from './registry.js';
import { allowsWin, safeMoves, tacticalMoves, winningMoves } from './one_move.js';

function after(actions: number[]) {
  const s = loadGame('tic_tac_toe').newInitialState();
  for (const a of actions) s.applyAction(a);
  return s;
}

test('a win at once is the only tactical move', () => {
  const s = after([0, 3, 1, 4]); // X: 0 1, O: 3 4, X to move
  assert.deepEqual(winningMoves(s, 0), [2]);
  assert.deepEqual(tacticalMoves(s, 0), [2]);
});

test('a threat leaves one safe move, the block', () => {
  const s = after([0, 4, 1]); // X: 0 1, O: 4, O to move; X threatens 2
  assert.deepEqual(winningMoves(s, 1), []);
  assert.equal(allowsWin(s, 5, 1), true);
  assert.deepEqual(safeMoves(s, 1), [2]);
  assert.deepEqual(tacticalMoves(s, 1), [2]);
});

test('a fork leaves no safe move, so every legal move is tactical', () => {
  const f = after([0, 4, 8, 2, 6]); // X: 0 8 6, O: 4 2; O to move; X threatens 3 and 7, O cannot win
  assert.deepEqual(winningMoves(f, 1), []);
  assert.deepEqual(safeMoves(f, 1), []);
  assert.deepEqual(tacticalMoves(f, 1), f.legalActions());
});

test('on the empty board every move is safe', () => {
  const s = after([]);
  assert.deepEqual(safeMoves(s, 0), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(tacticalMoves(s, 0), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});
