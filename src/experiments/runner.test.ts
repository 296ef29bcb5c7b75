import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { readSection } from './results_md.js';
import { runExperiment } from './runner.js';
import { loadConfig } from '../train/config.js';
import { pretrain } from '../train/pretrain.js';

// Heavily reduced: a 2-step base, 1 RL step, 1 evaluation game per seat (a few seconds on 2 cores).
const TINY = ['preset=tictactoe-tiny', 'pretrain.steps=2', 'pretrain.gamesPerGame=10', 'pretrain.evalGames=0', 'pretrain.batchSize=4',
  'steps=1', 'episodesPerGame=2', 'schedule.evalEvery=0', 'gamesPerSeat=1', 'sampling.maxNewTokens=12'];

test('tictactoe end to end (tiny): trains, evaluates base and trained, writes its section; a rerun reuses the runs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'marshal-exp-'));
  try {
    const results = join(root, 'results.md');
    const logs: string[] = [];
    const o = { root, results, args: TINY, command: 'npm run experiment -- tictactoe (test)', log: (l: string) => logs.push(l) };
    const r = await runExperiment('tictactoe', o);
    const doc = readFileSync(results, 'utf8');
    const section = readSection(doc, 'tictactoe');
    assert.ok(section, 'section written between its markers');
    assert.equal(section, r.section.trim());
    assert.match(section, /^\| tic_tac_toe \| mcts:100 \| 0 \(first\) \| base \| 1 \|/m);
    assert.match(section, /^\| tic_tac_toe \| mcts:100 \| 1 \| trained \| 1 \|/m);
    assert.match(section, /^\| tic_tac_toe \| random \| 0 \(first\) \| trained \|/m);
    assert.match(section, /- command: `npm run experiment -- tictactoe \(test\)`/);
    assert.match(section, /- machine: .*\d+ cores/);
    assert.match(section, /`steps=1`/);
    const base = join(root, 'tictactoe', 'base', 'step-00000002');
    const trained = join(root, 'tictactoe', 'train', 'step-00000001');
    for (const p of [base, trained, join(root, 'tictactoe', 'report.html'), join(root, 'tictactoe', 'experiment.json'), join(root, 'tictactoe', 'evals', 'trained.json')]) assert.ok(existsSync(p), p);
    assert.ok(logs.some((l) => l.startsWith('[tictactoe] base: pretrain')), 'a line per phase');

    // Rerun: nothing retrained (checkpoints untouched), evaluations from the cache, same tables.
    const mtime = statSync(join(trained, 'checkpoint.json')).mtimeMs;
    logs.length = 0;
    const again = await runExperiment('tictactoe', o);
    assert.ok(logs.some((l) => /trained: reusing/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /evaluate trained: cached/.test(l)), logs.join('\n'));
    assert.equal(statSync(join(trained, 'checkpoint.json')).mtimeMs, mtime);
    const table = (s: string) => s.slice(s.indexOf('| game |'));
    assert.equal(table(again.section), table(r.section));

    // Other settings over a finished run: an error naming the key, unless --fresh.
    await assert.rejects(runExperiment('tictactoe', { ...o, args: [...TINY, 'steps=2'] }), (e: unknown) => e instanceof UsageError && /differ: steps/.test(e.message) && /--fresh/.test(e.message));
    const fresh = await runExperiment('tictactoe', { ...o, args: [...TINY, 'steps=2'], fresh: true });
    assert.ok(existsSync(join(root, 'tictactoe', 'train', 'step-00000002')));
    assert.ok(!existsSync(trained));
    assert.match(fresh.section, /`steps=2`/);
    assert.equal(readSection(readFileSync(results, 'utf8'), 'tictactoe'), fresh.section.trim());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ablation arms carry their own settings: the arm preset and overrides apply, the command line wins over them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'marshal-abl-'));
  try {
    // TINY without the specialist's preset option.
    const args = [...TINY.filter((a) => !a.startsWith('preset=')), 'arms=tictactoe', 'estimators=marshal', 'seeds=1'];
    const r = await runExperiment('ablation', { root, results: join(root, 'results.md'), args, command: 'npm run experiment -- ablation (test)', log: () => {} });
    const cfg = JSON.parse(readFileSync(join(root, 'ablation', 'tictactoe', 'marshal-seed0', 'config.json'), 'utf8'));
    assert.equal(cfg.steps, 1); // command line over the arm's steps=60
    assert.equal(cfg.schedule.evalGamesPerSeat, 10); // the arm's, over its preset's 20
    assert.equal(cfg.optim.lr, 1e-3); // the arm's preset, tictactoe-tiny-long
    assert.equal(cfg.pretrain.steps, 2);
    assert.match(r.section, /### tictactoe \(preset `tictactoe-tiny-long`; arm settings `steps=60` `schedule.evalGamesPerSeat=10`/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('transfer with base=: every model RL-trains from one base that knows the held-out games; that base is evaluated once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'marshal-xfer-'));
  try {
    const small = ['pretrain.gamesPerGame=6', 'pretrain.batchSize=2', 'pretrain.evalGames=0', 'sampling.maxNewTokens=12'];
    const shared = (await pretrain(loadConfig('generalist-tiny', [...small, 'pretrain.extraGames=connect_four,leduc_poker,simple_hanabi']), join(root, 'shared'), { steps: 1 })).checkpoint;
    const run = ['steps=1', 'episodesPerGame=2', 'schedule.evalEvery=0', 'gamesPerSeat=1', 'sampling.maxNewTokens=12', `base=${shared}`];
    const o = (args: string[]) => ({ root, results: null, args, command: 'test', log: () => {} });
    for (const [name, preset] of [['tictactoe', 'tictactoe-tiny'], ['kuhn', 'kuhn-tiny'], ['mini_hanabi', 'mini_hanabi-tiny']]) {
      const r = await runExperiment(name!, o([`preset=${preset}`, 'nashConvSamples=0', ...run]));
      assert.match(r.section, /the given base `/);
      assert.ok(!existsSync(join(root, name!, 'base')), `${name}: no base of its own`);
    }
    const t = await runExperiment('transfer', o(['nashConvSamples=0', ...run]));
    assert.ok(!existsSync(join(root, 'transfer', 'generalist', 'base')), 'the generalist starts from the given base too');
    assert.equal((t.section.match(/^\| shared base \|/gm) ?? []).length, 1, t.section);
    assert.doesNotMatch(t.section, /^\| (tictactoe|kuhn|mini_hanabi|generalist) base \|/m);
    for (const m of ['tictactoe', 'kuhn', 'mini_hanabi', 'generalist']) assert.match(t.section, new RegExp(`^\\| ${m} trained \\|`, 'm'));
    // The base of a comparison must be the one the specialists started from, and know the games trained on.
    const other = (await pretrain(loadConfig('kuhn-tiny', small), join(root, 'other'), { steps: 1 })).checkpoint;
    await assert.rejects(runExperiment('transfer', o(['nashConvSamples=0', ...run.slice(0, -1), `base=${other}`])),
      (e: unknown) => e instanceof UsageError && /'tictactoe', 'kuhn', 'mini_hanabi' runs under .* started from another base \('[^,]*shared[^,]*'\)/.test(e.message));
    await assert.rejects(runExperiment('tictactoe', { ...o(['preset=tictactoe-tiny', ...run.slice(0, -1), `base=${other}`]), root: join(root, 'x') }),
      (e: unknown) => e instanceof UsageError && /pretrained on 'kuhn_poker', not on 'tic_tac_toe'/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
