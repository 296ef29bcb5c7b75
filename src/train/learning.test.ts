/**
 * Learning, shown in CI: a barely pretrained tiny Kuhn model (about a third of its answers malformed) is
 * trained with MARSHAL self-play RL for 15 steps, and its invalid-answer rate falls; the same run at
 * learning rate 0 (same seeds, same rollouts' randomness) is the control that stays where it started.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { pretrain } from './pretrain.js';
import { train, type TrainRecord } from './trainer.js';

const RL = ['steps=15', 'episodesPerGame=32', 'miniBatches=4', 'optim.warmup=4', 'schedule.evalEvery=0', 'schedule.checkpointEvery=15', 'schedule.transcriptsPerStep=0'];

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function invalidRates(init: string, dir: string, lr: string): Promise<number[]> {
  const rec: TrainRecord[] = [];
  await train(loadConfig('kuhn-tiny', [...RL, `optim.lr=${lr}`]), dir, { init, onRecord: (r) => { if (r.type === 'train') rec.push(r); } });
  return rec.map((r) => r.invalid_rate);
}

test('RL lowers the invalid-answer rate of a barely pretrained Kuhn model (control: lr 0 does not)', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-learn-'));
  try {
    const pre = await pretrain(loadConfig('kuhn-tiny', ['pretrain.lr=2e-3']), join(dir, 'pre'), { steps: 100, gamesPerGame: 200, evalGames: 0 });
    const learned = await invalidRates(pre.checkpoint, join(dir, 'rl'), '5e-4');
    const control = await invalidRates(pre.checkpoint, join(dir, 'control'), '0');
    const start = mean(learned.slice(0, 3));
    const endL = mean(learned.slice(-5));
    const endC = mean(control.slice(-5));
    const msg = `invalid rate: RL ${start.toFixed(3)} -> ${endL.toFixed(3)}, control (lr 0) ends at ${endC.toFixed(3)}`;
    t.diagnostic(msg);
    assert.ok(start > 0.15, `the base should still answer badly often: ${msg}`);
    assert.ok(endL < 0.7 * start, `RL should cut the invalid rate: ${msg}`);
    assert.ok(endL < 0.7 * endC, `RL should beat the lr-0 control: ${msg}`);
    assert.ok(endC > 0.6 * start, `the control should not improve: ${msg}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
