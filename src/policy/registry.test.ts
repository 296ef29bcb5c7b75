import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGame } from '../games/registry.js';
import { newSeededGame } from '../games/game.js';
import { FaultyPolicy } from './faulty.js';
import { OpenAIPolicy } from './openai.js';
import { createPolicy, POLICY_SPECS } from './registry.js';
import { ScriptedPolicy } from './scripted.js';

test('every form of the grammar builds the right policy', async () => {
  assert.ok(createPolicy('random') instanceof ScriptedPolicy);
  assert.equal(createPolicy('mcts:100').name, 'mcts:100');
  assert.equal(createPolicy(' minimax ').name, 'minimax');
  assert.equal(createPolicy('nash').name, 'nash');
  const f = createPolicy('faulty:0.3:mcts:10');
  assert.ok(f instanceof FaultyPolicy);
  assert.equal(f.name, 'faulty:0.3:mcts:10');
  const o = createPolicy('openai:qwen3:4b@http://localhost:11434/v1/');
  assert.ok(o instanceof OpenAIPolicy);
  assert.equal(o.model, 'qwen3:4b');
  assert.equal(o.baseUrl, 'http://localhost:11434/v1');
  assert.deepEqual(POLICY_SPECS.map((s) => s.spec), ['random', 'greedy', 'minimax[:D]', 'mcts:N[:R[:C]]', 'nash', 'faulty:<rate>:<spec>', 'openai:<model>@<base-url>']);
  // Scripted policies answer in the text format.
  const { state } = newSeededGame(loadGame('kuhn_poker'), 0);
  const [r] = await createPolicy('nash').generate([{ messages: [], context: { state, seat: 0 } }]);
  assert.match(r.text, /<answer><PASS><\/answer>$/);
});

test('bad specs name the problem and list the valid forms', () => {
  assert.throws(() => createPolicy('alphazero'), /unknown policy 'alphazero'; valid policies: 'random', 'greedy', 'minimax\[:D\]'/);
  assert.throws(() => createPolicy('mcts'), /policy 'mcts'.*needs N/);
  assert.throws(() => createPolicy('random:3'), /at most 0 arguments/);
  assert.throws(() => createPolicy('greedy', { games: [loadGame('kuhn_poker')] }), /policy 'greedy': agent 'greedy' needs a two-player deterministic/);
  assert.throws(() => createPolicy('faulty:x:random'), /<rate> must be a number in \[0, 1\], got 'x'/);
  assert.throws(() => createPolicy('faulty:0.5'), /expected faulty:<rate>:<spec>/);
  assert.throws(() => createPolicy('faulty:0.5:gpt'), /unknown policy 'gpt'/);
  assert.throws(() => createPolicy('openai:@http://x'), /expected openai:<model>@<base-url>/);
  assert.throws(() => createPolicy('openai:m@localhost:8000'), /http:\/\/ or https:\/\//);
  assert.throws(() => createPolicy('openai:m@not a url'), /is not a URL/);
  assert.throws(() => createPolicy('nash', { games: [loadGame('tic_tac_toe')] }), /policy 'nash'.*kuhn_poker/);
  assert.throws(() => createPolicy('toString'), /unknown policy/);
});
