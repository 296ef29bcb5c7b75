import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RolloutTrajectory, RolloutTurn } from '../rollout/types.js';
import { collapsedGames, gameSeatStats, overallInvalidRate } from './metrics.js';

const turn = (outcome: RolloutTurn['outcome'], tokens: number): RolloutTurn => ({ outcome, tokens } as unknown as RolloutTurn);
const traj = (game: string, seat: number, totalReward: number, gameReturn: number, turns: RolloutTurn[]): RolloutTrajectory =>
  ({ game, seat, totalReward, gameReturn, turns } as unknown as RolloutTrajectory);

test('gameSeatStats: per game and seat means; overallInvalidRate weights by answers', () => {
  const s = gameSeatStats([
    traj('ttt', 0, 1.1, 1, [turn('valid', 10), turn('valid', 20)]),
    traj('ttt', 0, -11, -11, [turn('valid', 10), turn('illegal_move', 30)]),
    traj('ttt', 1, 0.05, -1, [turn('valid', 4)]),
    traj('kuhn', 1, 0, 0, []),
  ]);
  assert.deepEqual(Object.keys(s).sort(), ['kuhn', 'ttt']);
  const a = s.ttt!.seats['0']!;
  assert.equal(a.trajectories, 2);
  assert.ok(Math.abs(a.reward_mean - -4.95) < 1e-12);
  assert.equal(a.return_mean, -5);
  assert.equal(a.return_std, 6);
  assert.equal(a.invalid_rate, 0.25);
  assert.equal(a.response_tokens, 17.5);
  assert.equal(a.turns, 2);
  assert.equal(s.ttt!.seats['1']!.invalid_rate, 0);
  assert.equal(s.kuhn!.seats['1']!.turns, 0);
  assert.equal(overallInvalidRate(s), 1 / 5);
});

test('collapsedGames: a game is collapsed when every seat returned the same in all of its (>= 2) games', () => {
  const win = (seat: number, g: string, r: number) => traj(g, seat, r, r, [turn('valid', 5)]);
  const s = gameSeatStats([
    win(0, 'ttt', 1), win(0, 'ttt', 1), win(1, 'ttt', -1), win(1, 'ttt', -1),
    win(0, 'kuhn', 1), win(0, 'kuhn', -1), win(1, 'kuhn', -1), win(1, 'kuhn', 1),
    win(0, 'one', 1), win(1, 'one', -1),
  ]);
  assert.deepEqual(collapsedGames(s), ['ttt']);
  assert.equal(s.ttt!.seats['0']!.return_std, 0);
  assert.equal(s.kuhn!.seats['0']!.return_std, 1);
});
