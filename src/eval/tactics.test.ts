import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGame } from '../games/registry.js';
import type { EpisodeRecord } from '../rollout/types.js';
import { hasTactics, tacticsOf } from './tactics.js';

/** An episode whose transcript is `moves`, players alternating from seat 0 (only the fields tactics read). */
function episode(moves: string[]): EpisodeRecord {
  const transcript = moves.map((action, i) => ({ number: i + 1, player: i % 2, stateText: [], legal: [], action }));
  return { transcript } as unknown as EpisodeRecord;
}

test('tic-tac-toe: a missed win, a taken win, an unparried and a parried threat', () => {
  const game = loadGame('tic_tac_toe');
  // X misses (0,2) at its third move and plays (2,2); O had let X's threat through, then wins on row 1.
  const missed = episode(['<X(0,0)>', '<O(1,0)>', '<X(0,1)>', '<O(1,1)>', '<X(2,2)>', '<O(1,2)>']);
  // O threatens the (0,2)-(1,1)-(2,0) diagonal; X, with no win of its own, blocks it.
  const parried = episode(['<X(0,0)>', '<O(1,1)>', '<X(2,2)>', '<O(0,2)>', '<X(2,0)>']);
  // X's third move: 5 legal cells, one wins (0,2). O's second move: 6 legal, only (0,2) is safe; its third: 4
  // legal, (1,2) wins. X's third move in `parried`: 5 legal, only (2,0) is safe.
  assert.deepEqual(tacticsOf(game, [missed], 0), { win_chances: 1, wins_taken: 0, threats: 0, threats_parried: 0, wins_by_chance: 1 / 5, parries_by_chance: 0 });
  assert.deepEqual(tacticsOf(game, [missed], 1), { win_chances: 1, wins_taken: 1, threats: 1, threats_parried: 0, wins_by_chance: 1 / 4, parries_by_chance: 1 / 6 });
  assert.deepEqual(tacticsOf(game, [parried], 0), { win_chances: 0, wins_taken: 0, threats: 1, threats_parried: 1, wins_by_chance: 0, parries_by_chance: 1 / 5 });
  assert.deepEqual(tacticsOf(game, [missed, parried], 0), { win_chances: 1, wins_taken: 0, threats: 1, threats_parried: 1, wins_by_chance: 1 / 5, parries_by_chance: 1 / 5 });
  // An illegal answer ends the replay without counting that turn (the legal one at that point counted a threat).
  assert.deepEqual(tacticsOf(game, [episode(['<X(0,0)>', '<O(1,0)>', '<X(0,1)>', '<O(1,0)>', '<X(0,2)>'])], 1), { win_chances: 0, wins_taken: 0, threats: 0, threats_parried: 0, wins_by_chance: 0, parries_by_chance: 0 });
});

test('defined for two-player perfect-information games without chance only', () => {
  assert.equal(hasTactics(loadGame('connect_four')), true);
  for (const g of ['kuhn_poker', 'leduc_poker', 'mini_hanabi']) {
    assert.equal(hasTactics(loadGame(g)), false, g);
    assert.equal(tacticsOf(loadGame(g), [], 0), null, g);
  }
});
