import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { pretrainCommand } from './pretrain.js';
import { trainCommand } from './train.js';

/** Runs a command with console output captured. */
async function run(cmd: Command, argv: string[]): Promise<{ status: number; out: string }> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    return { status: await cmd.run(argv), out: out.join('\n') };
  } finally {
    console.log = log;
  }
}

test('marshal pretrain then marshal train (tiny, quiet): checkpoints and the final eval table; bad input is a UsageError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-cli-train-'));
  try {
    const pre = await run(pretrainCommand, ['--config', 'tictactoe-tiny', '--out', join(dir, 'pre'), '--steps', '3', '--games', '8', '--batch', '2', '--eval-games', '0', '--quiet']);
    assert.equal(pre.status, 0);
    assert.match(pre.out, /checkpoint .*step-00000003/);
    const ckpt = join(dir, 'pre', 'step-00000003');
    const tr = await run(trainCommand, ['--config', 'tictactoe-tiny', 'steps=1', 'episodesPerGame=2', 'sampling.maxNewTokens=8', 'schedule.evalGamesPerSeat=1',
      '--init', ckpt, '--out', join(dir, 'rl'), '--quiet']);
    assert.equal(tr.status, 0);
    assert.match(tr.out, /tic_tac_toe\s+mcts:100/);
    assert.ok(existsSync(join(dir, 'rl', 'step-00000001', 'checkpoint.json')));
    assert.ok(existsSync(join(dir, 'rl', 'report.html')));
    // without --init the base is pretrained into OUT/base first (with the config's pretrain.* settings)
    const auto = await run(trainCommand, ['--config', 'tictactoe-tiny', 'pretrain.steps=2', 'pretrain.gamesPerGame=4', 'pretrain.batchSize=2', 'pretrain.evalGames=0',
      'steps=1', 'episodesPerGame=2', 'sampling.maxNewTokens=8', 'schedule.evalEvery=0', '--out', join(dir, 'auto'), '--quiet']);
    assert.equal(auto.status, 0);
    assert.ok(existsSync(join(dir, 'auto', 'base', 'step-00000002', 'checkpoint.json')));
    assert.ok(existsSync(join(dir, 'auto', 'step-00000001', 'checkpoint.json')));
    // a base found in OUT/base is reused only if it was pretrained with the run's settings
    cpSync(join(dir, 'auto', 'base'), join(dir, 'other', 'base'), { recursive: true });
    await assert.rejects(
      run(trainCommand, ['--config', 'tictactoe-tiny', 'pretrain.steps=2', 'pretrain.gamesPerGame=4', 'pretrain.batchSize=3', 'pretrain.evalGames=0',
        'steps=1', 'episodesPerGame=2', 'sampling.maxNewTokens=8', 'schedule.evalEvery=0', '--out', join(dir, 'other'), '--quiet']),
      /other\/base holds a base pretrained with other settings \(differ: pretrain\.batchSize\)/,
    );
    await assert.rejects(run(trainCommand, ['--config', 'tictactoe-tiny', 'bogus=1', '--out', join(dir, 'x')]), /unknown key 'bogus'/);
    await assert.rejects(run(pretrainCommand, ['--out', join(dir, 'x')]), /--config is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
