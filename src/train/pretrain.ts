/**
 * @file `pretrain`: behaviour cloning of random legal play, so a model trained from scratch answers in the
 * protocol's format before RL; plus the engine <-> checkpoint helpers the trainer shares.
 *
 * The config's games, and its `pretrain.extraGames` (formats the base should know without RL on them), are
 * played in self-play by a scripted policy that picks a uniformly random legal move and answers
 * `<think>\n</think>\n<answer>ACTION</answer>` (`formatAnswer`), with the config's prompt style. A
 * byte-level BPE tokenizer is trained on the rendered chats (MARSHAL template), then the model learns
 * next-token cross-entropy on the assistant tokens only (forwardBackward weight -1/N there, 0 elsewhere).
 * The result (weights + tokenizer) is saved as `runDir/step-<steps>`; the invalid-answer rate of the
 * trained model is measured by sampling a few self-play games.
 *
 * @example
 * const cfg = loadConfig('tictactoe-tiny');
 * const r = await pretrain(cfg, 'runs/pre', { steps: 200 });
 * r.checkpoint;      // 'runs/pre/step-00000200'
 * r.invalidRate;     // share of invalid answers when sampling from the result
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RandomAgent } from '../agents/random_agent.js';
import { loadGame } from '../games/registry.js';
import { preset } from '../model/config.js';
import { EmbeddedEngine } from '../model/engine.js';
import { fromQwen3Config, toQwen3Config } from '../model/hf.js';
import { checkpointDir, loadCheckpoint, readCheckpointSidecar, saveCheckpoint } from '../model/io/checkpoint.js';
import { renderChat, renderChatTokens, type ChatMessage } from '../model/io/chat_template.js';
import { trainBpeTokenizer, type AddedTokenSpec } from '../model/io/tokenizer_bpe.js';
import { HfTokenizer } from '../model/io/tokenizer_hf.js';
import { CHATML_SPECIAL_TOKENS, type Tokenizer } from '../model/io/tokenizer.js';
import type { JsonValue } from '../model/io/types.js';
import type { AdamWParams, AdamWState } from '../model/optim.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../policy/types.js';
import { suiteActionStrings, SUITE_GAMES } from '../protocol/action_vocab.js';
import { ANSWER_CLOSE, ANSWER_OPEN, formatAnswer } from '../protocol/answer.js';
import { runRollouts, selfPlay, type RolloutTrajectory } from '../rollout/index.js';
import { UsageError } from '../util/errors.js';
import { diffKeys } from '../util/json_diff.js';
import { Rng } from '../util/rng.js';
import { withLegacyDefaults, type TrainConfig } from './config.js';
import { EnginePolicy } from './engine_policy.js';
import { adamwParams } from './schedule.js';

/** Options of `pretrain` beyond the config. */
export interface PretrainOptions {
  /** Optimizer steps of behaviour cloning (default `cfg.pretrain.steps`). */
  readonly steps?: number;
  /** Self-play games of random play per configured game (default `cfg.pretrain.gamesPerGame`). */
  readonly gamesPerGame?: number;
  /** Chats per optimizer step (default `cfg.pretrain.batchSize`). */
  readonly batchSize?: number;
  /** Peak learning rate (default `cfg.pretrain.lr`). */
  readonly lr?: number;
  /** Tokenizer vocabulary size (default: the model preset's, at least 320, plus the added tokens). */
  readonly vocabSize?: number;
  /** Self-play games per configured game sampled to measure the invalid-answer rate (default `cfg.pretrain.evalGames`; 0 = skip). */
  readonly evalGames?: number;
  /** Called after each optimizer step with the step (1-based) and its loss. */
  readonly onStep?: (step: number, loss: number) => void;
}

/** What `pretrain` returns. */
export interface PretrainResult {
  /** The checkpoint directory written. */
  readonly checkpoint: string;
  /** Mean cross-entropy (nats per assistant token) of the first step. */
  readonly firstLoss: number;
  /** Mean cross-entropy of the last step. */
  readonly lastLoss: number;
  /** Share of invalid answers (bad format, illegal, over-long) when sampling from the result; NaN when not measured. */
  readonly invalidRate: number;
  /** Chats trained on. */
  readonly chats: number;
  /** The tokenizer's vocabulary size. */
  readonly vocabSize: number;
  /** Wall seconds. */
  readonly seconds: number;
}

/**
 * What a pretrained base depends on, recorded in its checkpoint (`extra.settings`) so that a later run can tell
 * whether a base it finds was made with its own settings. The learning rate of RL is not part of it.
 */
export function pretrainSettings(cfg: TrainConfig): { [key: string]: JsonValue } {
  const { lr: _lr, ...optim } = cfg.optim;
  return JSON.parse(JSON.stringify({ games: cfg.games, model: cfg.model, promptStyle: cfg.promptStyle, seed: cfg.seed, pretrain: cfg.pretrain, optim, maxNewTokens: cfg.sampling.maxNewTokens })) as { [key: string]: JsonValue };
}

/**
 * Dotted keys of `pretrainSettings(cfg)` that differ from the settings recorded in the base checkpoint `dir`
 * (`[]`: it was made with these settings), or `null` when the base recorded none (made before they were).
 */
export function baseSettingsDiff(dir: string, cfg: TrainConfig): string[] | null {
  const recorded = readCheckpointSidecar(dir).extra?.settings;
  return recorded === undefined ? null : diffKeys(withLegacyDefaults(recorded), pretrainSettings(cfg));
}

/** Characters a `symbols` tokenizer keeps as tokens of their own: board cells (`X`, `O`, `_`) and card symbols. */
export const SYMBOL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_';

/** A random legal mover that answers in the protocol format with empty reasoning. */
class RandomFormatPolicy implements Policy {
  readonly name = 'random-format';
  private agent: RandomAgent;
  constructor(seed: number) {
    this.agent = new RandomAgent(seed);
  }
  reset(seed: number): void {
    this.agent = new RandomAgent(seed);
  }
  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    const out: PolicyResponse[] = [];
    for (const r of requests) {
      if (!r.context) throw new UsageError('random-format policy: request without context');
      const { state, seat } = r.context;
      const a = await this.agent.act(state, seat);
      out.push({ text: formatAnswer(state.actionToString(a, seat)), finishReason: 'stop' });
    }
    return out;
  }
}

/**
 * Added tokens of a pretrain tokenizer: ChatML's, the answer tags, and every action string of the suite's
 * games and of `games` (non-special, so they decode as text), so that a move is one token.
 */
export function pretrainAddedTokens(games: readonly string[]): AddedTokenSpec[] {
  const fixed = [...CHATML_SPECIAL_TOKENS, { content: ANSWER_OPEN, special: false }, { content: ANSWER_CLOSE, special: false }];
  const have = new Set(fixed.map((t) => t.content));
  const actions = suiteActionStrings([...SUITE_GAMES, ...games.filter((g) => !SUITE_GAMES.includes(g))]).filter((a) => !have.has(a));
  return [...fixed, ...actions.map((content) => ({ content, special: false }))];
}

/** The full chat of one trajectory: its last prompt plus its last answer (chats are append-only). */
export function trajectoryChat(t: RolloutTrajectory): ChatMessage[] {
  const last = t.turns[t.turns.length - 1]!;
  return [...last.messages.map((m) => ({ role: m.role, content: m.content })), { role: 'assistant', content: last.response }];
}

/** Saves an engine's weights (+ optimizer state, tokenizer, extras) as a checkpoint directory. */
export function saveEngineCheckpoint(
  dir: string,
  engine: EmbeddedEngine,
  o: { step: number; tokenizer?: HfTokenizer; rngState?: JsonValue; extra?: { [key: string]: JsonValue }; withOptimizer?: boolean },
): void {
  const opt = o.withOptimizer ? engine.optimizerState() : null;
  const optimizer = opt ? optimizerToTensors(opt, engine) : undefined;
  saveCheckpoint(dir, {
    config: toQwen3Config(engine.config),
    params: engine.parameters(),
    optimizer,
    step: o.step,
    weightVersion: engine.weightVersion,
    rngState: o.rngState ?? null,
    extra: o.extra,
    tokenizer: o.tokenizer,
  });
}

function optimizerToTensors(s: AdamWState, engine: EmbeddedEngine): { tensors: Map<string, { shape: number[]; data: Float32Array }>; scalars: Record<string, number> } {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, e] of engine.parameters()) {
    tensors.set(`m.${k}`, { shape: e.shape.slice(), data: s.m.get(k)! });
    tensors.set(`v.${k}`, { shape: e.shape.slice(), data: s.v.get(k)! });
  }
  return { tensors, scalars: { step: s.step } };
}

/** Loads a checkpoint directory into a new trainable engine (optimizer state too when present and asked). */
export async function loadEngineCheckpoint(dir: string, o: { withOptimizer?: boolean } = {}): Promise<{
  engine: EmbeddedEngine; tokenizer: HfTokenizer | null; step: number; rngState: JsonValue; extra: { [key: string]: JsonValue };
}> {
  const c = loadCheckpoint(dir, { optimizer: o.withOptimizer ?? false });
  const engine = new EmbeddedEngine({ config: fromQwen3Config(c.config), params: c.params });
  let optimizer: AdamWState | null = null;
  if (o.withOptimizer && c.optimizer) {
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const k of engine.parameters().keys()) {
      const mk = c.optimizer.tensors.get(`m.${k}`);
      const vk = c.optimizer.tensors.get(`v.${k}`);
      if (!mk || !vk) throw new UsageError(`checkpoint ${dir}: optimizer state lacks moments of '${k}'`);
      m.set(k, mk.data);
      v.set(k, vk.data);
    }
    optimizer = { step: c.optimizer.scalars.step ?? 0, m, v };
  }
  const weightVersion = c.weightVersion;
  await engine.load(() => ({ config: engine.config, params: engine.parameters(), optimizer, weightVersion }));
  return { engine, tokenizer: c.tokenizer, step: c.step, rngState: c.rngState, extra: c.extra ?? {} };
}

/**
 * `tok` with `decode([])` returning '' (HfTokenizer.decode throws on an empty id list, which an answer that
 * is only `<|im_end|>` gives EnginePolicy). Give this to `EnginePolicy`.
 */
export function policyTokenizer(tok: Tokenizer): Tokenizer {
  return {
    vocabSize: tok.vocabSize,
    specialTokens: tok.specialTokens,
    encode: (text) => tok.encode(text),
    decode: (ids, o) => (ids.length === 0 ? '' : tok.decode(ids, o)),
    idToToken: (id) => tok.idToToken(id),
    tokenToId: (t) => tok.tokenToId(t),
  };
}

/** The games a base is cloned on: the training games, then `pretrain.extraGames`. */
export function pretrainGames(cfg: TrainConfig): string[] {
  return [...cfg.games, ...cfg.pretrain.extraGames];
}

/** Share of invalid answers of `policy` over `games` self-play games of each game the config pretrains on. */
export async function invalidAnswerRate(cfg: TrainConfig, policy: Policy, games: number, seed: number): Promise<number> {
  const jobs = pretrainGames(cfg).map((g, i) => selfPlay(loadGame(g), policy, { episodes: games, seed: seed + 100_000 * i, tag: g }));
  const { trajectories } = await runRollouts(jobs, { promptStyle: cfg.promptStyle, sampling: { maxTokens: cfg.sampling.maxNewTokens }, reseedPolicies: false });
  let bad = 0;
  let all = 0;
  for (const t of trajectories) for (const turn of t.turns) {
    all++;
    if (turn.outcome !== 'valid') bad++;
  }
  return all > 0 ? bad / all : 0;
}

/** A rendered chat and its assistant-token mask (`renderChatTokens`). */
export interface ClonedChat {
  readonly ids: number[];
  readonly mask: Uint8Array;
}

/** Padded tokens (rows × longest row) a behaviour-cloning forward/backward call may hold before the batch is split. */
export const CLONING_TOKEN_BUDGET = 8192;

/**
 * Indices of `lengths` grouped for forward/backward calls: all in their order when the padded batch
 * (count × longest) fits `budget`, else sorted by length and cut so that each group's count × longest fits
 * (a row longer than `budget` alone). Games of very different lengths (Connect Four beside Kuhn) then no
 * longer pad every row to the longest chat.
 */
export function lengthGroups(lengths: readonly number[], budget = CLONING_TOKEN_BUDGET): number[][] {
  const all = lengths.map((_, i) => i);
  if (all.length === 0) return [];
  if (all.length * Math.max(...lengths) <= budget) return [all];
  const order = all.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const groups: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    // sorted ascending, so the row being added is the group's longest
    if (cur.length > 0 && (cur.length + 1) * lengths[i]! > budget) {
      groups.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  groups.push(cur);
  return groups;
}

/**
 * One behaviour-cloning optimizer step: `batch` chats drawn from `data` with `rng`, mean cross-entropy on their
 * assistant tokens (`forwardBackward` weight -1/N there, 0 elsewhere, in the calls of `lengthGroups`), then one
 * AdamW step with `adamw`. `budget` is lengthGroups' (Infinity: one call padded to the longest chat).
 */
export async function cloningStep(
  engine: EmbeddedEngine, data: readonly ClonedChat[], batch: number, rng: Rng, adamw: AdamWParams, budget = CLONING_TOKEN_BUDGET,
): Promise<{ loss: number; gradNorm: number }> {
  const seqs: number[][] = [];
  const masks: Uint8Array[] = [];
  let n = 0;
  for (let b = 0; b < batch; b++) {
    const d = data[rng.int(data.length)]!;
    seqs.push(d.ids);
    masks.push(d.mask);
    for (let t = 1; t < d.mask.length; t++) n += d.mask[t]!;
  }
  const w = -1 / Math.max(1, n);
  const weights = seqs.map((s, i) => {
    const row = new Array<number>(s.length - 1);
    for (let t = 0; t < row.length; t++) row[t] = masks[i]![t + 1] ? w : 0;
    return row;
  });
  let objective = 0;
  for (const g of lengthGroups(seqs.map((s) => s.length), budget)) {
    const out = await engine.forwardBackward(g.map((i) => seqs[i]!), g.map((i) => weights[i]!));
    objective += out.objective;
  }
  const o = await engine.optimStep(adamw);
  return { loss: objective, gradNorm: o.gradNorm };
}

/** Behaviour cloning of random legal play; see the file comment. */
export async function pretrain(cfg: TrainConfig, runDir: string, opts: PretrainOptions = {}): Promise<PretrainResult> {
  const start = performance.now();
  const steps = opts.steps ?? cfg.pretrain.steps;
  const perGame = opts.gamesPerGame ?? cfg.pretrain.gamesPerGame;
  const batch = opts.batchSize ?? cfg.pretrain.batchSize;
  const optim = { ...cfg.optim, lr: opts.lr ?? cfg.pretrain.lr };
  if (!(Number.isInteger(steps) && steps >= 1)) throw new UsageError(`pretrain steps must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(perGame) && perGame >= 1)) throw new UsageError(`pretrain games per game must be a positive integer, got ${perGame}`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new UsageError(`pretrain batch size must be a positive integer, got ${batch}`);
  mkdirSync(runDir, { recursive: true });
  const metricsPath = join(runDir, 'metrics.jsonl');

  // 1. Random legal play, recorded as chats.
  const scripted = new RandomFormatPolicy(cfg.seed);
  const games = pretrainGames(cfg);
  const jobs = games.map((g, i) => selfPlay(loadGame(g), scripted, { episodes: perGame, seed: cfg.seed + 100_000 * i, tag: g }));
  const { trajectories } = await runRollouts(jobs, { promptStyle: cfg.promptStyle });
  const chats = trajectories.filter((t) => t.turns.length > 0).map(trajectoryChat);
  if (chats.length === 0) throw new UsageError('pretrain: the scripted games produced no chats');

  // 2. Tokenizer on the rendered chats.
  const base = preset(cfg.model);
  const addedTokens = pretrainAddedTokens(games);
  const vocab = opts.vocabSize ?? Math.max(base.vocabSize, 320) + addedTokens.length;
  const isolate = cfg.pretrain.tokenizer === 'symbols' ? SYMBOL_CHARS : '';
  const tokenizer = HfTokenizer.fromJson(trainBpeTokenizer(chats.map((c) => renderChat(c, { template: 'marshal' })), { vocabSize: vocab, addedTokens, isolate }));
  const engine = new EmbeddedEngine({ config: preset(cfg.model, { vocabSize: tokenizer.vocabSize }), seed: cfg.seed, microBatchSize: Math.min(batch, 16) });

  // 3. Sequences and their assistant masks.
  const data = chats.map((c) => {
    const r = renderChatTokens(tokenizer, c, { template: 'marshal' });
    return { ids: r.ids, mask: r.mask };
  });
  const maxLen = engine.config.maxPositions;
  for (const d of data) if (d.ids.length > maxLen) throw new UsageError(`pretrain: a chat has ${d.ids.length} tokens, more than the model's ${maxLen} positions`);

  // 4. Cross-entropy on assistant tokens.
  const rng = new Rng(cfg.seed ^ 0x5eed);
  let firstLoss = NaN;
  let lastLoss = NaN;
  for (let step = 0; step < steps; step++) {
    const { loss, gradNorm } = await cloningStep(engine, data, batch, rng, adamwParams(optim, step, steps));
    if (step === 0) firstLoss = loss;
    lastLoss = loss;
    appendFileSync(metricsPath, JSON.stringify({ type: 'pretrain', step: step + 1, time: Date.now() / 1000, loss, grad_norm: gradNorm }) + '\n');
    opts.onStep?.(step + 1, loss);
  }

  // 5. Save, then measure the invalid-answer rate by sampling.
  const dir = checkpointDir(runDir, steps);
  // The settings recorded are the ones this base was made with, options included, so that a run whose
  // config says e.g. `pretrain.steps=3000` recognises a base made by `marshal pretrain --steps 3000`.
  const evalGames = opts.evalGames ?? cfg.pretrain.evalGames;
  const made: TrainConfig = { ...cfg, pretrain: { ...cfg.pretrain, steps, gamesPerGame: perGame, batchSize: batch, lr: optim.lr, evalGames } };
  const settings = { ...pretrainSettings(made), ...(opts.vocabSize === undefined ? {} : { vocabSize: opts.vocabSize }) };
  saveEngineCheckpoint(dir, engine, { step: steps, tokenizer, extra: { kind: 'pretrain', games, prompt_style: cfg.promptStyle, first_loss: firstLoss, last_loss: lastLoss, settings } });
  let invalidRate = NaN;
  if (evalGames > 0) {
    const policy = new EnginePolicy({ engine, tokenizer: policyTokenizer(tokenizer), maxNewTokens: cfg.sampling.maxNewTokens, seed: cfg.seed, temperature: cfg.sampling.temperature });
    invalidRate = await invalidAnswerRate(cfg, policy, evalGames, cfg.seed + 7);
    appendFileSync(metricsPath, JSON.stringify({ type: 'pretrain_eval', step: steps, time: Date.now() / 1000, invalid_rate: invalidRate }) + '\n');
  }
  return { checkpoint: dir, firstLoss, lastLoss, invalidRate, chats: chats.length, vocabSize: tokenizer.vocabSize, seconds: (performance.now() - start) / 1000 };
}
