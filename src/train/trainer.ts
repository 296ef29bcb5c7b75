/**
 * @file `train`: the MARSHAL RL loop over the step-level engine interface.
 *
 * Each step: self-play rollouts of every configured game with an `EnginePolicy` (balanced: the same number
 * of episodes per game; with `opponent` set to an agent spec, the learner plays each seat against that agent
 * instead, the paper's fixed-opponent ablation) -> `toRlBatch` -> the configured estimator's advantages ->
 * one training sequence per trajectory, built from its own turns' prompt ids and sampled ids (sampled ids
 * are kept, prompts are append-only) -> `policyUpdate` (update.ts): `miniBatches` optimizer steps, each over
 * a shuffled share of the trajectories, with old log-probs = the sampling log-probs and the KL term against
 * the frozen initial model.
 * Every `schedule.evalEvery` steps (and the last) `runEval` plays the reference opponents (and `random`, and
 * the fixed training opponent), and
 * a fresh run first evaluates its starting model as step 0 (the baseline);
 * every `schedule.checkpointEvery` steps (and the last) a checkpoint with optimizer state is written.
 * `resume` continues from the newest checkpoint of the run directory: rollout seeds derive from the step
 * and the sampling seed is saved, so a resumed run reaches the same weights as an uninterrupted one.
 *
 * Run directory: `config.json`, `metrics.jsonl` (`train` and `eval` records), `transcripts.jsonl`,
 * `train.log`, `step-NNNNNNNN/` checkpoints.
 *
 * @example
 * const cfg = loadConfig('tictactoe-tiny', ['steps=20']);
 * const r = await train(cfg, 'runs/rl', { init: 'runs/pre/step-00000300' });
 * r.lastEval;   // runEval rows of the final evaluation
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGame } from '../games/registry.js';
import { runEval } from '../eval/arena.js';
import type { EvalRow } from '../eval/metrics.js';
import { parseEvalGames, type EvalCell } from '../eval/suite.js';
import { transcriptLine } from '../eval/transcripts.js';
import type { EmbeddedEngine } from '../model/engine.js';
import { checkpointDir, latestCheckpoint } from '../model/io/checkpoint.js';
import { renderChatTokens, type ChatMessage } from '../model/io/chat_template.js';
import type { HfTokenizer } from '../model/io/tokenizer_hf.js';
import type { JsonValue } from '../model/io/types.js';
import { flatTokenAdvantages, getEstimator } from '../rl/index.js';
import { runRollouts, selfPlay, toRlBatch, versus, type RolloutJob, type RolloutTrajectory } from '../rollout/index.js';
import { createAgent } from '../agents/registry.js';
import type { Game } from '../games/game.js';
import { UsageError } from '../util/errors.js';
import type { TrainConfig } from './config.js';
import { EnginePolicy } from './engine_policy.js';
import { appendJsonl, collapsedGames, gameSeatStats, overallInvalidRate, type GameStats } from './metrics.js';
import { loadEngineCheckpoint, policyTokenizer, saveEngineCheckpoint } from './pretrain.js';
import { policyUpdate } from './update.js';

/** Options of `train`. */
export interface TrainOptions {
  /** Checkpoint to start from (a pretrain checkpoint with its tokenizer); required unless resuming. */
  readonly init?: string;
  /** Continue from the newest checkpoint in the run directory. */
  readonly resume?: boolean;
  /** Stop after this many steps of this call (for crash tests); default run to `cfg.steps`. */
  readonly stopAfter?: number;
  /** Called with every record written to metrics.jsonl. */
  readonly onRecord?: (record: TrainRecord | EvalRecord) => void;
}

/** One `train` line of metrics.jsonl. */
export interface TrainRecord {
  type: 'train';
  /** Step number (1-based). */
  step: number;
  /** Unix seconds. */
  time: number;
  /** Weight version after this step's update. */
  weight_version: number;
  loss: number;
  pg_loss: number;
  kl_loss: number;
  /** Share of tokens where the clipped surrogate was active. */
  clip_frac: number;
  /** k1 estimate of KL(old || new). */
  approx_kl: number;
  /** Aggregated policy entropy of the trained tokens; only when `loss.entropyCoef` is not 0. */
  entropy?: number;
  grad_norm: number;
  /** Learning rate of the step's last optimizer step. */
  lr: number;
  /** Optimizer steps of this RL step (`miniBatches`, fewer when trajectories are fewer). */
  optimizer_steps: number;
  /** Response tokens trained. */
  tokens: number;
  /** Trajectories trained. */
  trajectories: number;
  /** Mean |advantage| over tokens. */
  adv_abs_mean: number;
  /** Share of invalid answers over all games and seats. */
  invalid_rate: number;
  /** Seconds of this step: rollout, and the whole. */
  rollout_s: number;
  step_s: number;
  games: GameStats;
}

/** One `eval` line of metrics.jsonl. */
export interface EvalRecord {
  type: 'eval';
  step: number;
  time: number;
  results: EvalRow[];
  /** NashConv per poker game, when measured. */
  nash_conv: Record<string, number>;
}

/** What `train` returns. */
export interface TrainResult {
  /** Steps completed in the run (not only this call). */
  readonly steps: number;
  /** The newest checkpoint. */
  readonly checkpoint: string;
  /** The last train record of this call, if any. */
  readonly lastTrain: TrainRecord | null;
  /** The last evaluation rows of this call (empty when none ran). */
  readonly lastEval: EvalRow[];
  /** The starting model's evaluation (step 0), run when a fresh run evaluates at all; empty on resume. */
  readonly baseEval: EvalRow[];
  /** Wall seconds of this call. */
  readonly seconds: number;
}

/**
 * The evaluation cells of a run: each game's reference opponents, plus `random` for games against others,
 * plus the fixed training opponent (`opponent`, when not 'self') where it is neither.
 */
export function trainEvalCells(games: readonly string[], opponent = 'self'): EvalCell[] {
  const cells = parseEvalGames(games.join(','));
  const out: EvalCell[] = [];
  const add = (c: EvalCell): void => {
    if (!out.some((o) => o.game === c.game && o.opponent === c.opponent)) out.push(c);
  };
  for (const c of cells) {
    if (c.opponent !== 'self') add({ game: c.game, opponent: 'random' });
    add(c);
  }
  if (opponent !== 'self') for (const game of games) add({ game, opponent });
  return out;
}

/**
 * The training sequence of one trajectory and where each turn's sampled ids sit in it: the last turn's
 * prompt (rendered with the earlier turns' sampled ids) followed by its own sampled ids.
 */
export function trajectorySequence(t: RolloutTrajectory, tokenizer: HfTokenizer): { ids: number[]; starts: number[] } {
  const turns = t.turns;
  const starts: number[] = [];
  let ids: number[] = [];
  for (let k = 0; k < turns.length; k++) {
    const turn = turns[k]!;
    if (!turn.tokenIds) throw new UsageError(`trajectory ${t.label}#${t.episode}: turn ${k} has no sampled token ids`);
    let j = 0;
    const msgs: ChatMessage[] = turn.messages.map((m) => {
      if (m.role !== 'assistant') return { role: m.role, content: m.content };
      const ids_ = turns[j++]?.tokenIds;
      return ids_ ? { role: m.role, content: m.content, tokens: ids_ } : { role: m.role, content: m.content };
    });
    const prompt = renderChatTokens(tokenizer, msgs, { template: 'marshal', addGenerationPrompt: true }).ids;
    starts.push(prompt.length);
    if (k === turns.length - 1) ids = [...prompt, ...turn.tokenIds];
  }
  // Each earlier turn's sampled ids must sit at its start in the final sequence (append-only chats).
  for (let k = 0; k < turns.length; k++) {
    const s = turns[k]!.tokenIds!;
    for (let i = 0; i < s.length; i++) {
      if (ids[starts[k]! + i] !== s[i]) throw new Error(`trajectory ${t.label}#${t.episode}: turn ${k}'s sampled ids are not where the next prompt puts them`);
    }
  }
  return { ids, starts };
}

/** Removes JSONL records with `step` > `step` (written after the checkpoint a resume starts from). */
function dropRecordsAfter(path: string, step: number): void {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const keep = lines.filter((l) => {
    try {
      const r = JSON.parse(l) as { step?: unknown };
      return !(typeof r.step === 'number' && r.step > step);
    } catch {
      return false; // a line cut short by the crash
    }
  });
  if (keep.length !== lines.length) writeFileSync(path, keep.map((l) => l + '\n').join(''));
}

/**
 * One game's training games of a step: self-play (`opponent` 'self'), or the learner in each seat in turn
 * against the scripted `opponent`, `episodes` games per seat with the same seeds.
 */
export function trainingJobs(cfg: TrainConfig, game: Game, policy: EnginePolicy, opts: { episodes: number; seed: number; tag: string }): RolloutJob[] {
  if (cfg.opponent === 'self') return [selfPlay(game, policy, opts)];
  return versus(game, policy, { agent: () => createAgent(cfg.opponent, game), name: cfg.opponent }, opts);
}

function rolloutSeed(cfg: TrainConfig, step: number, game: number): number {
  return (cfg.seed * 1_000_003 + step * 10_007 + game * 1_000) >>> 0;
}

/** Runs (or resumes) RL training; see the file comment. */
export async function train(cfg: TrainConfig, runDir: string, opts: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  mkdirSync(runDir, { recursive: true });
  const metricsPath = join(runDir, 'metrics.jsonl');
  const logPath = join(runDir, 'train.log');
  const log = (line: string): void => appendJsonl(logPath, { time: Date.now() / 1000, msg: line });

  let engine: EmbeddedEngine;
  let tokenizer: HfTokenizer;
  let startStep = 0;
  let policySeed = cfg.seed;
  let init = opts.init;
  const latest = latestCheckpoint(runDir);
  if (opts.resume && latest) {
    const c = await loadEngineCheckpoint(latest, { withOptimizer: true });
    if (!c.tokenizer) throw new UsageError(`checkpoint ${latest} has no tokenizer.json`);
    engine = c.engine;
    tokenizer = c.tokenizer;
    startStep = c.step;
    const rs = c.rngState as { policy_seed?: number } | null;
    policySeed = rs?.policy_seed ?? policySeed;
    init = typeof c.extra.init === 'string' ? c.extra.init : init;
    dropRecordsAfter(metricsPath, startStep);
    dropRecordsAfter(join(runDir, 'transcripts.jsonl'), startStep);
    log(`resumed from ${latest} at step ${startStep}`);
  } else {
    if (latest) throw new UsageError(`run directory ${runDir} already has checkpoints (${latest}); pass --resume to continue it or choose another --out`);
    if (!init) throw new UsageError('train needs an initial checkpoint (--init <pretrain checkpoint>); create one with `marshal pretrain`');
    const c = await loadEngineCheckpoint(init);
    if (!c.tokenizer) throw new UsageError(`initial checkpoint ${init} has no tokenizer.json`);
    engine = c.engine;
    tokenizer = c.tokenizer;
    writeFileSync(join(runDir, 'config.json'), JSON.stringify({ ...cfg, init }, null, 2) + '\n');
  }
  if (!init) throw new UsageError(`cannot find the reference model: no --init and checkpoint ${latest} records none`);
  const reference = (await loadEngineCheckpoint(init)).engine.frozenCopy();
  const estimator = getEstimator(cfg.estimator);
  const games = cfg.games.map((g) => loadGame(g));
  const evalCells = trainEvalCells(cfg.games, cfg.opponent);
  const policy = new EnginePolicy({
    engine, tokenizer: policyTokenizer(tokenizer), maxNewTokens: cfg.sampling.maxNewTokens, temperature: cfg.sampling.temperature,
    topP: cfg.sampling.topP, topK: cfg.sampling.topK, seed: policySeed, name: 'learner',
  });
  const end = Math.min(cfg.steps, opts.stopAfter !== undefined ? startStep + opts.stopAfter : cfg.steps);
  let lastTrain: TrainRecord | null = null;
  let lastEval: EvalRow[] = [];
  let baseEval: EvalRow[] = [];
  let checkpoint = latest ?? '';

  /** Plays the evaluation cells with the current weights and appends the `eval` record of `stepNo`. */
  const evaluate = async (stepNo: number): Promise<EvalRow[]> => {
    const evalPolicy = new EnginePolicy({ engine, tokenizer: policyTokenizer(tokenizer), maxNewTokens: cfg.sampling.maxNewTokens, temperature: cfg.sampling.temperature, topP: cfg.sampling.topP, topK: cfg.sampling.topK, seed: (cfg.seed + 7919 * stepNo) >>> 0, name: 'learner' });
    const report = await runEval(evalPolicy, {
      cells: evalCells, gamesPerSeat: cfg.schedule.evalGamesPerSeat, seed: cfg.seed + 1_000_000,
      promptStyle: cfg.promptStyle, sampling: { maxTokens: cfg.sampling.maxNewTokens },
    });
    const nash: Record<string, number> = {};
    for (const [g, s] of Object.entries(report.nash_conv)) nash[g] = s.nash_conv;
    const erec: EvalRecord = { type: 'eval', step: stepNo, time: Date.now() / 1000, results: report.results, nash_conv: nash };
    appendJsonl(metricsPath, erec);
    opts.onRecord?.(erec);
    return report.results;
  };
  // The starting model's evaluation (step 0): the baseline every later evaluation is read against.
  const ev = cfg.schedule.evalEvery;
  if (startStep === 0 && ev > 0 && end > 0) {
    lastEval = await evaluate(0);
    baseEval = lastEval;
  }

  for (let step = startStep; step < end; step++) {
    const stepStart = performance.now();
    // 1. Rollouts: self-play, or against the fixed opponent.
    policy.clearCache();
    const jobs = games.flatMap((g, i) => trainingJobs(cfg, g, policy, { episodes: cfg.episodesPerGame, seed: rolloutSeed(cfg, step, i), tag: cfg.games[i]! }));
    const rollout = await runRollouts(jobs, { promptStyle: cfg.promptStyle, sampling: { maxTokens: cfg.sampling.maxNewTokens }, reseedPolicies: false });
    const rolloutS = (performance.now() - stepStart) / 1000;
    const { trajectories: rl, source } = toRlBatch(rollout.trajectories);
    const trajs = source.map((i) => rollout.trajectories[i]!);

    // 2. Advantages and training sequences (sampled ids kept), then the update.
    const adv = estimator(rl);
    const { advantages, offsets } = flatTokenAdvantages(rl, adv);
    const seqs = trajs.map((t) => trajectorySequence(t, tokenizer));
    const n = advantages.length;
    const oldLogp = new Float64Array(n);
    trajs.forEach((t, i) => {
      let p = offsets[i]!;
      for (const turn of t.turns) for (const x of turn.logprobs!) oldLogp[p++] = x;
      if (p !== offsets[i + 1]) throw new Error(`trajectory ${i}: ${p - offsets[i]!} sampled tokens but ${offsets[i + 1]! - offsets[i]!} advantage tokens`);
    });
    const u = await policyUpdate({
      engine, reference, cfg, step,
      batch: { ids: seqs.map((x) => x.ids), starts: seqs.map((x) => x.starts), lengths: trajs.map((t) => t.turns.map((x) => x.tokenIds!.length)), oldLogp, advantages, offsets },
    });
    let absAdv = 0;
    for (let t = 0; t < n; t++) absAdv += Math.abs(advantages[t]!);
    const stats = gameSeatStats(rollout.trajectories);
    const rec: TrainRecord = {
      type: 'train', step: step + 1, time: Date.now() / 1000, weight_version: u.weightVersion,
      loss: u.loss, pg_loss: u.pgLoss, kl_loss: u.klLoss, clip_frac: u.clipFrac,
      approx_kl: u.approxKl, ...(Number.isNaN(u.entropy) ? {} : { entropy: u.entropy }), grad_norm: u.gradNorm, lr: u.lr, optimizer_steps: u.optimizerSteps, tokens: n, trajectories: trajs.length,
      adv_abs_mean: n > 0 ? absAdv / n : 0, invalid_rate: overallInvalidRate(stats),
      rollout_s: rolloutS, step_s: (performance.now() - stepStart) / 1000, games: stats,
    };
    appendJsonl(metricsPath, rec);
    opts.onRecord?.(rec);
    lastTrain = rec;
    for (const e of rollout.episodes.slice(0, cfg.schedule.transcriptsPerStep)) {
      appendJsonl(join(runDir, 'transcripts.jsonl'), { step: step + 1, ...(JSON.parse(transcriptLine(e)) as object) });
    }
    log(`step ${step + 1}/${cfg.steps} loss ${u.loss.toFixed(4)} invalid ${rec.invalid_rate.toFixed(3)} ${rec.step_s.toFixed(1)}s`);
    for (const g of collapsedGames(stats)) {
      const seats = Object.entries(stats[g]!.seats).map(([seat, x]) => `seat ${seat} ${x.return_mean}`).join(', ');
      log(`step ${step + 1}: ${g} ${cfg.opponent === 'self' ? 'self-play' : `training against ${cfg.opponent}`} has collapsed: every game returned the same (${seats}), so the advantages carry no signal about winning; fewer steps, a larger loss.klCoef or loss.entropyCoef, or a lower lr keep it exploring`);
    }

    // 4. Evaluation and checkpoint.
    const last = step + 1 === cfg.steps;
    if (ev > 0 && ((step + 1) % ev === 0 || last)) lastEval = await evaluate(step + 1);
    if ((step + 1) % cfg.schedule.checkpointEvery === 0 || last || step + 1 === end) {
      checkpoint = checkpointDir(runDir, step + 1);
      const extra: { [key: string]: JsonValue } = { kind: 'train', init: init, estimator: cfg.estimator, prompt_style: cfg.promptStyle, max_new_tokens: cfg.sampling.maxNewTokens };
      saveEngineCheckpoint(checkpoint, engine, { step: step + 1, tokenizer, withOptimizer: true, rngState: { policy_seed: policy.seed }, extra });
      log(`checkpoint ${checkpoint}`);
    }
  }
  if (!existsSync(join(runDir, 'config.json'))) writeFileSync(join(runDir, 'config.json'), JSON.stringify({ ...cfg, init }, null, 2) + '\n');
  return { steps: Math.max(startStep, end), checkpoint, lastTrain, lastEval, baseEval, seconds: (performance.now() - t0) / 1000 };
}
