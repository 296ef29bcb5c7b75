/**
 * @file Can the embedded model learn one-move tactics when they are shown to it? A diagnostic for
 * docs/results.md: fine-tunes a tic-tac-toe base by behaviour cloning of a tactical scripted player
 * (a win at once when there is one, else a move that leaves no win at once to the opponent when some do,
 * else uniform), answered in the pretraining format, in both seats of games against itself (`--against
 * self`, the default) or against uniformly random moves (`--against random`: only the teacher's answers are
 * cloned), and saves a checkpoint to evaluate with `marshal eval --policy checkpoint:<out>/step-N` (its
 * tactics columns say whether it took wins and parried threats).
 *
 * @example
 * npx tsx src/scripts/tactics-probe.ts --base runs/experiments-tiny6k/tictactoe/base/step-00006000 --out runs/probe/bc --steps 1000
 */
import { parseArgs } from 'node:util';
import { loadGame } from '../games/registry.js';
import { tacticalMoves } from '../games/one_move.js';
import { renderChatTokens } from '../model/io/chat_template.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../policy/types.js';
import { formatAnswer } from '../protocol/answer.js';
import { runRollouts, selfPlay, versus } from '../rollout/index.js';
import { createAgent } from '../agents/registry.js';
import { loadConfig } from '../train/config.js';
import { cloningStep, loadEngineCheckpoint, saveEngineCheckpoint, trajectoryChat } from '../train/pretrain.js';
import { adamwParams } from '../train/schedule.js';
import { checkpointDir } from '../model/io/checkpoint.js';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string', default: '1000' },
    games: { type: 'string', default: '2000' }, against: { type: 'string', default: 'self' }, lr: { type: 'string', default: '1e-3' }, seed: { type: 'string', default: '11' },
  },
});
if (!values.base || !values.out) throw new UsageError('usage: tactics-probe --base <tic-tac-toe base checkpoint> --out <dir> [--steps N] [--games N] [--against self|random] [--lr X] [--seed S]');
const steps = Number(values.steps);
const games = Number(values.games);
const lr = Number(values.lr);
const against = values.against!;
if (against !== 'self' && against !== 'random') throw new UsageError(`--against must be self or random, got '${against}'`);
if (!(Number.isInteger(steps) && steps >= 1) || !(Number.isInteger(games) && games >= 1) || !(lr > 0)) throw new UsageError('--steps and --games must be positive integers, --lr a positive number');

const rng = new Rng(Number(values.seed));
const teacher: Policy = {
  name: 'tactical-format',
  async generate(reqs: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    return reqs.map((r) => {
      const { state, seat } = r.context!;
      return { text: formatAnswer(state.actionToString(rng.pick(tacticalMoves(state, seat)), seat)), finishReason: 'stop' as const };
    });
  },
};

const cfg = loadConfig('tictactoe-tiny-long');
const game = loadGame('tic_tac_toe');
// Against itself the teacher rarely leaves a win to take (6% of its decisions); against random it often does.
const jobs = against === 'self'
  ? [selfPlay(game, teacher, { episodes: games, seed: 5 })]
  : versus(game, teacher, { agent: () => createAgent('random', game), name: 'random' }, { episodes: Math.ceil(games / 2), seed: 5 });
const { trajectories } = await runRollouts(jobs, { promptStyle: cfg.promptStyle });
const { engine, tokenizer } = await loadEngineCheckpoint(values.base);
if (!tokenizer) throw new UsageError(`${values.base} has no tokenizer.json`);
const data = trajectories.filter((t) => t.turns.length > 0).map((t) => renderChatTokens(tokenizer, trajectoryChat(t), { template: 'marshal' }));
const optim = { ...cfg.optim, lr, warmup: 20 };
const t0 = performance.now();
for (let step = 0; step < steps; step++) {
  const { loss } = await cloningStep(engine, data, cfg.pretrain.batchSize, rng, adamwParams(optim, step, steps));
  if ((step + 1) % 100 === 0 || step + 1 === steps) console.log(`step ${step + 1}/${steps} loss ${loss.toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const dir = checkpointDir(values.out, steps);
saveEngineCheckpoint(dir, engine, { step: steps, tokenizer, extra: { kind: 'pretrain', init: values.base, prompt_style: cfg.promptStyle, max_new_tokens: cfg.sampling.maxNewTokens } });
console.log(`wrote ${dir}; evaluate with: marshal eval --policy checkpoint:${dir} --games tic_tac_toe/random,tic_tac_toe/greedy --games-per-seat 100`);
