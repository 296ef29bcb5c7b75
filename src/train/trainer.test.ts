import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { loadEngineCheckpoint, pretrain } from './pretrain.js';
import { train } from './trainer.js';

const OVERRIDES = ['steps=2', 'episodesPerGame=4', 'sampling.maxNewTokens=12', 'schedule.evalEvery=2', 'schedule.evalGamesPerSeat=1', 'schedule.checkpointEvery=1', 'optim.lr=3e-3'];

test('train (tiny, 2 steps): finite loss, metrics and eval lines, checkpoints; resume reaches the same weights', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-rl-'));
  try {
    const cfg = loadConfig('tictactoe-tiny', OVERRIDES);
    const pre = await pretrain(cfg, join(dir, 'pre'), { steps: 6, gamesPerGame: 16, batchSize: 4, evalGames: 0 });
    const a = await train(cfg, join(dir, 'a'), { init: pre.checkpoint });
    assert.equal(a.steps, 2);
    assert.ok(existsSync(join(a.checkpoint, 'checkpoint.json')));
    const lines = readFileSync(join(dir, 'a', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const tr = lines.filter((l) => l.type === 'train');
    assert.equal(tr.length, 2);
    for (const l of tr) {
      for (const k of ['loss', 'pg_loss', 'kl_loss', 'clip_frac', 'approx_kl', 'grad_norm', 'lr']) assert.ok(Number.isFinite(l[k]), `${k} = ${l[k]}`);
      const s = l.games.tic_tac_toe.seats;
      assert.ok(s['0'] && s['1']);
      for (const k of ['reward_mean', 'return_mean', 'invalid_rate', 'response_tokens', 'turns']) assert.ok(Number.isFinite(s['0'][k]), k);
    }
    assert.ok(tr[1].optimizer_steps >= 1);
    assert.equal(tr[1].weight_version, tr[0].weight_version + tr[1].optimizer_steps);
    const ev = lines.filter((l) => l.type === 'eval');
    assert.deepEqual(ev.map((e) => e.step), [0, 2]); // the base model (step 0), then the last step
    assert.ok(ev[1].results.some((r: { opponent: string }) => r.opponent === 'random'));
    assert.equal(a.baseEval.length, ev[0].results.length);
    // killed after step 1, resumed: same weights as the uninterrupted run
    await train(cfg, join(dir, 'b'), { init: pre.checkpoint, stopAfter: 1 });
    await assert.rejects(train(cfg, join(dir, 'b'), { init: pre.checkpoint }), /--resume/);
    const b = await train(cfg, join(dir, 'b'), { resume: true });
    assert.equal(b.steps, 2);
    const bl = readFileSync(join(dir, 'b', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(bl.filter((l) => l.type === 'train').map((l) => l.step), [1, 2]);
    assert.deepEqual(bl.filter((l) => l.type === 'train').map((l) => l.loss), tr.map((l) => l.loss));
    const wa = (await loadEngineCheckpoint(a.checkpoint)).engine.parameters();
    const wb = (await loadEngineCheckpoint(b.checkpoint)).engine.parameters();
    for (const [k, e] of wa) assert.deepEqual(wb.get(k)!.data, e.data, k);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train against a fixed opponent (opponent=random): the learner plays each seat, episodesPerGame games per seat', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-rl-fixed-'));
  try {
    const cfg = loadConfig('tictactoe-tiny', [...OVERRIDES, 'steps=1', 'schedule.evalEvery=0', 'opponent=random']);
    const pre = await pretrain(cfg, join(dir, 'pre'), { steps: 4, gamesPerGame: 8, batchSize: 4, evalGames: 0 });
    const r = await train(cfg, join(dir, 'run'), { init: pre.checkpoint });
    const tr = r.lastTrain!;
    assert.ok(Number.isFinite(tr.loss));
    assert.equal(tr.trajectories, 8); // no trajectory for the scripted seat
    assert.deepEqual(Object.keys(tr.games.tic_tac_toe!.seats), ['0', '1']);
    for (const s of Object.values(tr.games.tic_tac_toe!.seats)) assert.equal(s.trajectories, 4);
    const labels = readFileSync(join(dir, 'run', 'transcripts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).label as string);
    assert.ok(labels.length > 0 && labels.every((l) => /^tic_tac_toe\/random\/seat[01]$/.test(l)), labels.join(' '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trajectorySequence: multi-turn games keep every turn\'s sampled ids at its prompt end', async () => {
  const { runRollouts, selfPlay } = await import('../rollout/index.js');
  const { loadGame } = await import('../games/registry.js');
  const { RandomAgent } = await import('../agents/random_agent.js');
  const { formatAnswer } = await import('../protocol/answer.js');
  const { HfTokenizer } = await import('../model/io/tokenizer_hf.js');
  const { trainBpeTokenizer } = await import('../model/io/tokenizer_bpe.js');
  const { renderChatTokens } = await import('../model/io/chat_template.js');
  const { trajectorySequence } = await import('./trainer.js');
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('<answer><X(1,1)></answer> Board ___ X O legal', { vocabSize: 300 }));
  const imEnd = tok.specialTokens.get('<|im_end|>')!;
  const agent = new RandomAgent(3);
  const policy = {
    name: 'tok-random',
    async generate(reqs: readonly { context?: { state: import('../games/game.js').State; seat: number } }[]) {
      return Promise.all(reqs.map(async (r) => {
        const a = await agent.act(r.context!.state, r.context!.seat);
        const text = formatAnswer(r.context!.state.actionToString(a, r.context!.seat));
        const ids = [...tok.encode(text.slice('<think>\n'.length)), imEnd];
        return { text, tokenIds: ids, logprobs: ids.map(() => -0.5), finishReason: 'stop' as const };
      }));
    },
  };
  const { trajectories } = await runRollouts([selfPlay(loadGame('tic_tac_toe'), policy, { episodes: 3, seed: 1 })], { promptStyle: 'compact' });
  const multi = trajectories.filter((t) => t.turns.length >= 3);
  assert.ok(multi.length > 0);
  for (const t of multi) {
    const { ids, starts } = trajectorySequence(t, tok);
    assert.equal(starts.length, t.turns.length);
    const last = t.turns[t.turns.length - 1]!;
    assert.equal(ids.length, starts[starts.length - 1]! + last.tokenIds!.length);
    for (let k = 0; k < t.turns.length; k++) assert.deepEqual(ids.slice(starts[k], starts[k]! + t.turns[k]!.tokenIds!.length), [...t.turns[k]!.tokenIds!]);
    // the same as rendering the whole chat from text (ids are a faithful re-tokenization here)
    const full = renderChatTokens(tok, [...last.messages, { role: 'assistant', content: last.response }], { template: 'marshal' }).ids;
    assert.deepEqual(ids, full.slice(0, ids.length));
  }
});

test('trainEvalCells: reference opponents, random for games against others, and the fixed training opponent once', async () => {
  const { trainEvalCells } = await import('./trainer.js');
  const names = (games: string[], opponent?: string) => trainEvalCells(games, opponent).map((c) => `${c.game}/${c.opponent}`);
  assert.deepEqual(names(['tic_tac_toe']), ['tic_tac_toe/random', 'tic_tac_toe/mcts:100', 'tic_tac_toe/mcts:1000']);
  assert.deepEqual(names(['tic_tac_toe'], 'greedy'), ['tic_tac_toe/random', 'tic_tac_toe/mcts:100', 'tic_tac_toe/mcts:1000', 'tic_tac_toe/greedy']);
  assert.deepEqual(names(['tic_tac_toe'], 'random'), names(['tic_tac_toe']));
  assert.deepEqual(names(['tic_tac_toe', 'mini_hanabi']), ['tic_tac_toe/random', 'tic_tac_toe/mcts:100', 'tic_tac_toe/mcts:1000', 'mini_hanabi/self']);
});
