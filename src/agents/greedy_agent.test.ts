import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GreedyAgent } from './greedy_agent.js';
import { createAgent } from './registry.js';
import { loadGame } from '../games/registry.js';
import { playMatch } from './match.js';
import { RandomAgent } from './random_agent.js';

const ttt = loadGame('tic_tac_toe');

test('greedy takes an immediate win whenever it has one, and only then falls back to random moves', () => {
  const agent = new GreedyAgent();
  const s = ttt.newInitialState();
  for (const a of [0, 3, 1, 4]) s.applyAction(a); // X: (0,0) (0,1); O: (1,0) (1,1)
  for (let seed = 0; seed < 20; seed++) {
    agent.reset(seed);
    assert.equal(agent.act(s, 0), 2); // completes the top row, never blocks or wanders
  }
  const t = ttt.newInitialState();
  const seen = new Set<number>();
  for (let seed = 0; seed < 60; seed++) {
    agent.reset(seed);
    seen.add(agent.act(t, 0));
  }
  assert.equal(seen.size, 9); // no win on the empty board: uniform over the nine cells
  assert.throws(() => agent.act(s, 1), /seat 1/);
});

test('greedy beats random clearly at tic-tac-toe and Connect Four; only two-player perfect-information games', async () => {
  const r = await playMatch(ttt, [createAgent('greedy', ttt), new RandomAgent()], { games: 200, seed: 1 });
  const wins = r.seats[0]!.win;
  assert.ok(wins >= 150, `greedy first-player wins ${wins}/200`); // 165; random in its place wins 129 of the same 200
  assert.throws(() => createAgent('greedy', loadGame('kuhn_poker')), /greedy.*kuhn_poker/);
  assert.throws(() => createAgent('greedy:3', ttt), /at most 0 arguments/);
  const c4 = loadGame('connect_four');
  const m = await playMatch(c4, [new RandomAgent(), createAgent('greedy', c4)], { games: 40, seed: 2 });
  assert.ok(m.seats[1]!.win >= 24, `greedy second-player wins at Connect Four ${m.seats[1]!.win}/40`); // 28; random about 18
});
