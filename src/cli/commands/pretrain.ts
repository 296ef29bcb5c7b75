/**
 * @file `marshal pretrain`: behaviour cloning of random legal play for a model trained from scratch
 * (tokenizer + weights saved as a checkpoint that `marshal train --init` starts from).
 *
 * @example
 * marshal pretrain --config tictactoe-tiny --steps 300 --out runs/pre
 */
import { loadConfig } from '../../train/config.js';
import { pretrain } from '../../train/pretrain.js';
import { UsageError } from '../../util/errors.js';
import { Progress } from '../../util/progress.js';
import { intOption, parse } from '../args.js';
import type { Command } from '../command.js';
import { fmt } from '../table.js';

export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'behaviour-clone random legal play so a from-scratch model answers in the protocol format',
  usage: 'marshal pretrain --config <preset> [key=value ...] --out <dir> [--steps N] [--games N] [--batch N] [--eval-games N] [--quiet]',
  help: [
    'Options:',
    '  --config NAME     training preset (configs/NAME.json) or a .json file; key=value positionals override it',
    '  --out DIR         run directory; the checkpoint goes to DIR/step-<steps> (with tokenizer.json)',
    '  --steps N         optimizer steps (default: the preset\'s pretrain.steps, 400)',
    '  --games N         random self-play games per configured game (default pretrain.gamesPerGame, 1000)',
    '  --batch N         chats per step (default pretrain.batchSize, 16)',
    '  --eval-games N    games per game sampled from the result to measure its invalid-answer rate (default pretrain.evalGames, 8; 0 = skip)',
    '  --quiet           no progress output',
    '',
    'pretrain.extraGames=a,b clones those games too (their format, random play) without training on them later:',
    'a base for measuring held-out transfer.',
    '',
    'Examples:',
    '  marshal pretrain --config tictactoe-tiny --out runs/pre',
    '  marshal pretrain --config generalist-tiny pretrain.extraGames=connect_four,leduc_poker,simple_hanabi --out runs/pre6',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, games: { type: 'string' }, batch: { type: 'string' }, 'eval-games': { type: 'string' }, quiet: { type: 'boolean' } },
      this.usage,
    );
    if (typeof values.config !== 'string') throw new UsageError(`--config is required\nusage: ${this.usage}`);
    if (typeof values.out !== 'string') throw new UsageError(`--out is required\nusage: ${this.usage}`);
    const cfg = loadConfig(values.config, positionals);
    const steps = intOption(values.steps, 'steps', cfg.pretrain.steps, 1);
    const quiet = values.quiet === true;
    const bar = new Progress('pretrain', steps, { quiet });
    const tty = process.stderr.isTTY === true && !process.env.CI;
    const r = await pretrain(cfg, values.out, {
      steps,
      gamesPerGame: intOption(values.games, 'games', cfg.pretrain.gamesPerGame, 1),
      batchSize: intOption(values.batch, 'batch', cfg.pretrain.batchSize, 1),
      evalGames: intOption(values['eval-games'], 'eval-games', cfg.pretrain.evalGames, 0),
      onStep: (s, loss) => {
        bar.update(s, `loss ${fmt(loss)}`);
        if (!quiet && !tty && (s === 1 || s % 25 === 0 || s === steps)) console.log(`step ${s}/${steps} loss ${fmt(loss)}`);
      },
    });
    bar.done();
    console.log(`checkpoint ${r.checkpoint}`);
    console.log(`chats ${r.chats}, vocab ${r.vocabSize}, loss ${fmt(r.firstLoss)} -> ${fmt(r.lastLoss)}, invalid-answer rate ${Number.isNaN(r.invalidRate) ? '-' : fmt(r.invalidRate)}, ${fmt(r.seconds, 1)} s`);
    return 0;
  },
};
