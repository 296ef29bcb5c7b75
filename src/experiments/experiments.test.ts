import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { EXPERIMENTS, experimentNames, getExperiment, splitOverrides } from './experiments.js';
import { runExperiment } from './runner.js';

test('the registry knows the five experiments and rejects unknown names listing the valid ones', () => {
  assert.deepEqual(experimentNames(), ['tictactoe', 'kuhn', 'mini_hanabi', 'transfer', 'ablation']);
  assert.equal(getExperiment('kuhn').kind, 'specialist');
  assert.throws(() => getExperiment('tictactoe-small'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /unknown experiment 'tictactoe-small'/);
    for (const n of experimentNames()) assert.ok(e.message.includes(`'${n}'`), `${e.message} lists ${n}`);
    return true;
  });
  assert.equal(new Set(EXPERIMENTS.map((e) => e.name)).size, EXPERIMENTS.length);
});

test('splitOverrides separates experiment options from config overrides and validates options', () => {
  const e = getExperiment('tictactoe');
  const r = splitOverrides(e, ['preset=tictactoe-tiny', 'steps=3', 'gamesPerSeat=7', 'optim.lr=1e-3']);
  assert.equal(r.options.preset, 'tictactoe-tiny');
  assert.equal(r.options.gamesPerSeat, 7);
  assert.equal(r.options.evalSeed, 1_000_000); // default filled in
  assert.deepEqual(r.configOverrides, ['steps=3', 'optim.lr=1e-3']);
  assert.deepEqual(Object.keys(r.given).sort(), ['gamesPerSeat', 'preset']);
  assert.throws(() => splitOverrides(e, ['gamesPerSeat=0']), /at least 1/);
  assert.throws(() => splitOverrides(e, ['gamesPerSeat=many']), /integer/);
  assert.throws(() => splitOverrides(e, ['steps']), /key=value/);
  // The ablation's own list option; transfer overrides a common default.
  assert.deepEqual(splitOverrides(getExperiment('ablation'), ['estimators=grpo,marshal']).options.estimators, ['grpo', 'marshal']);
  assert.equal(splitOverrides(getExperiment('transfer'), []).options.gamesPerSeat, 20);
});

test('runExperiment rejects bad input before any training', async () => {
  const root = mkdtempSync(join(tmpdir(), 'marshal-exp-'));
  try {
    const o = { root, results: null, command: 'test', quiet: true };
    await assert.rejects(runExperiment('nope', o), /valid experiments: 'tictactoe'/);
    await assert.rejects(runExperiment('kuhn', { ...o, seeds: 2 }), /--seeds applies to/);
    await assert.rejects(runExperiment('kuhn', { ...o, args: ['stepz=3'] }), (e: unknown) => e instanceof UsageError && /unknown key 'stepz'/.test(e.message) && /options of experiment 'kuhn'/.test(e.message));
    await assert.rejects(runExperiment('tictactoe', { ...o, args: ['preset=nope'] }), /unknown config preset 'nope'/);
    await assert.rejects(runExperiment('ablation', { ...o, args: ['estimators=marshal,bogus'] }), /unknown estimator 'bogus'/);
    await assert.rejects(runExperiment('ablation', { ...o, args: ['arms=chess'] }), /unknown arm 'chess'/);
    // transfer does not train the specialists: it names the commands to run first.
    await assert.rejects(runExperiment('transfer', o), (e: unknown) => e instanceof UsageError && e.message.includes('npm run experiment -- tictactoe --out') && e.message.includes('npm run experiment -- mini_hanabi'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
