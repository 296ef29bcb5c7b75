/**
 * @file `marshal train`: MARSHAL self-play RL from a pretrain checkpoint, with progress, periodic evaluation,
 * checkpoints, `--resume`, and the final evaluation table.
 *
 * @example
 * marshal train --config tictactoe-tiny --init runs/pre/step-00000300 --out runs/rl
 * marshal train --config tictactoe-tiny --out runs/rl --resume
 */
import { join } from 'node:path';
import type { EvalRow } from '../../eval/metrics.js';
import { writeFileAtomic } from '../../model/io/atomic.js';
import { latestCheckpoint } from '../../model/io/checkpoint.js';
import { buildReport } from '../../report/report.js';
import { loadConfig, type TrainConfig } from '../../train/config.js';
import { baseSettingsDiff, pretrain } from '../../train/pretrain.js';
import { train } from '../../train/trainer.js';
import { UsageError } from '../../util/errors.js';
import { Progress } from '../../util/progress.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table } from '../table.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'self-play RL (MARSHAL) from a pretrain checkpoint: metrics.jsonl, evaluations, checkpoints, --resume',
  usage: 'marshal train --config <preset> [key=value ...] --out <dir> [--init <checkpoint>] [--resume] [--quiet]',
  help: [
    'Options:',
    '  --config NAME   training preset (configs/NAME.json) or a .json file; key=value positionals override it',
    '                  (e.g. steps=50 estimator=grpo loss.klCoef=0.1 schedule.evalEvery=10); opponent=greedy (any',
    '                  scripted agent spec) trains against that agent in each seat instead of self-play',
    '  --init DIR      initial checkpoint with tokenizer (from `marshal pretrain`); also the KL reference.',
    '                  Without it the base is pretrained first into OUT/base with the preset\'s pretrain.* settings',
    '                  (reused when OUT/base already holds it)',
    '  --out DIR       run directory: config.json, metrics.jsonl, transcripts.jsonl, train.log, step-N/ checkpoints,',
    '                  report.html (rewritten at the end)',
    '  --resume        continue from the newest checkpoint in --out (same seed: same weights as an uninterrupted run)',
    '  --quiet         no progress output (CI)',
    '',
    'Example:',
    '  marshal pretrain --config tictactoe-tiny --out runs/pre',
    '  marshal train --config tictactoe-tiny --init runs/pre/step-00000400 --out runs/rl',
    '  marshal train --config kuhn-tiny --out runs/kuhn          # pretrains runs/kuhn/base first',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string' }, init: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, quiet: { type: 'boolean' } },
      this.usage,
    );
    if (typeof values.config !== 'string') throw new UsageError(`--config is required\nusage: ${this.usage}`);
    if (typeof values.out !== 'string') throw new UsageError(`--out is required\nusage: ${this.usage}`);
    const cfg = loadConfig(values.config, positionals);
    const quiet = values.quiet === true;
    const tty = process.stderr.isTTY === true && !process.env.CI;
    const bar = new Progress('train', cfg.steps, { quiet });
    let latest = '';
    let init = typeof values.init === 'string' ? values.init : undefined;
    if (!init && !(values.resume === true && latestCheckpoint(values.out))) init = await pretrainBase(cfg, join(values.out, 'base'), quiet, tty);
    const r = await train(cfg, values.out, {
      init,
      resume: values.resume === true,
      onRecord: (rec) => {
        if (rec.type === 'eval') {
          latest = rec.results.filter((x) => x.opponent !== 'self').map((x) => `${x.opponent}/s${x.seat} ${fmt(x.win / Math.max(1, x.games), 2)}`).join(' ');
          if (!quiet && !tty) console.log(`eval step ${rec.step}: win rate ${latest || '-'}`);
          return;
        }
        const note = `loss ${fmt(rec.loss)} invalid ${fmt(rec.invalid_rate, 2)}${latest ? ' | ' + latest : ''}`;
        bar.update(rec.step, note);
        if (!quiet && !tty) console.log(`step ${rec.step}/${cfg.steps} ${note} (${fmt(rec.step_s, 1)} s)`);
      },
    });
    bar.done();
    if (r.baseEval.length > 0 && !quiet) {
      console.log('base model (step 0):');
      printEval(r.baseEval);
    }
    if (r.lastEval.length > 0) {
      if (!quiet) console.log(`trained model (step ${r.steps}):`);
      printEval(r.lastEval);
    }
    const reportPath = join(values.out, 'report.html');
    try {
      const report = buildReport([values.out]);
      writeFileAtomic(reportPath, report.html);
      console.log(`report ${reportPath}`);
    } catch (e) {
      console.warn(`report not written: ${(e as Error).message}`);
    }
    console.log(`checkpoint ${r.checkpoint}`);
    console.log(`${r.steps} steps, ${fmt(r.seconds, 1)} s`);
    return 0;
  },
};

/** Pretrains the base into `dir` (or reuses a finished one there) and returns its checkpoint. */
async function pretrainBase(cfg: TrainConfig, dir: string, quiet: boolean, tty: boolean): Promise<string> {
  const have = latestCheckpoint(dir);
  if (have) {
    // A base is reused only when it was pretrained with this run's settings (bases from before the settings
    // were recorded are reused with a note).
    const diff = baseSettingsDiff(have, cfg);
    if (diff === null) {
      if (!quiet) console.log(`base: reusing ${have} (its pretrain settings were not recorded, so they are not checked)`);
      return have;
    }
    if (diff.length > 0) {
      throw new UsageError(`${dir} holds a base pretrained with other settings (differ: ${diff.join(', ')}); remove it, choose another --out, or pass --init <checkpoint> to start from it anyway`);
    }
    if (!quiet) console.log(`base: reusing ${have}`);
    return have;
  }
  const bar = new Progress('pretrain', cfg.pretrain.steps, { quiet });
  const steps = cfg.pretrain.steps;
  const r = await pretrain(cfg, dir, {
    onStep: (s, loss) => {
      bar.update(s, `loss ${fmt(loss)}`);
      if (!quiet && !tty && (s === 1 || s % 50 === 0 || s === steps)) console.log(`pretrain step ${s}/${steps} loss ${fmt(loss)}`);
    },
  });
  bar.done();
  if (!quiet) console.log(`base ${r.checkpoint}: loss ${fmt(r.firstLoss)} -> ${fmt(r.lastLoss)}, invalid answers ${fmt(100 * r.invalidRate, 1)}%, ${fmt(r.seconds, 1)} s`);
  return r.checkpoint;
}

function printEval(rows: readonly EvalRow[]): void {
  console.log(
    table(
      ['game', 'opponent', 'seat', 'games', 'win', 'draw', 'loss', 'mean return', 'invalid', 'score'],
      rows.map((r) => [r.game, r.opponent, r.seat, r.games, r.win, r.draw, r.loss, fmt(r.mean_return), `${fmt(100 * r.invalid_rate, 1)}%`, r.score === null ? '-' : fmt(r.score, 1)]),
    ),
  );
}
