/**
 * @file The training configuration: a typed, validated shape, JSON presets under configs/, and `key=value` overrides.
 *
 * A preset name `X` loads `configs/X.json`; overrides use dotted keys for nesting (`loss.klCoef=0.1`,
 * `games=tictactoe,kuhn`). Unknown keys and bad values throw `UsageError` naming the key.
 *
 * @example
 * import { loadConfig } from './config.js';
 * const cfg = loadConfig('tictactoe-tiny', ['steps=5', 'optim.lr=3e-4']);
 * cfg.model; // 'tiny'
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, choices } from '../util/errors.js';
import { estimatorNames } from '../rl/estimators.js';
import { loadGame } from '../games/registry.js';
import { createAgent } from '../agents/registry.js';

/** Loss settings (method doc §3.3). */
export interface LossConfig {
  /** PPO clip ε. */
  clip: number;
  /** Upper clip ε_high (logged only in the paper). */
  clipHigh: number;
  /** Dual-clip constant c (> 1), or 0 = off. */
  dualClip: number;
  /** k3 KL-to-reference coefficient. */
  klCoef: number;
  /** Entropy bonus coefficient. */
  entropyCoef: number;
  /** Token aggregation of the loss. */
  aggregation: 'seq-mean-token-mean' | 'token-mean';
}

/** AdamW settings with linear warmup and cosine decay to 0. */
export interface OptimConfig {
  /** Peak learning rate. */ lr: number;
  /** Adam β1. */ beta1: number;
  /** Adam β2. */ beta2: number;
  /** Decoupled weight decay. */ weightDecay: number;
  /** Adam ε. */ eps: number;
  /** Global gradient-norm clip (0 = off). */ clipNorm: number;
  /** Linear warmup optimizer steps. */ warmup: number;
  /** Cosine decay to 0 over the run (false = constant after warmup). */ cosine: boolean;
}

/** Sampling of training rollouts. */
export interface SamplingConfig {
  /** Temperature. */ temperature: number;
  /** Nucleus mass. */ topP: number;
  /** Top-k, 0 = off. */ topK: number;
  /** Most new tokens per turn. */ maxNewTokens: number;
}

/** Evaluation and checkpoint cadence. */
export interface ScheduleConfig {
  /** Evaluate every N steps (0 = never; the last step is always evaluated when N > 0). */ evalEvery: number;
  /** Games per seat and opponent in each evaluation. */ evalGamesPerSeat: number;
  /** Checkpoint every M steps (the last step always). */ checkpointEvery: number;
  /** Sample transcripts written per step. */ transcriptsPerStep: number;
}

/** Behaviour cloning before RL (`marshal pretrain`, and `marshal train` without `--init`). */
export interface PretrainConfig {
  /** Optimizer steps. */ steps: number;
  /** Random self-play games per configured game. */ gamesPerGame: number;
  /** Chats per optimizer step. */ batchSize: number;
  /** Peak learning rate (cosine to 0, the RL optimizer's other settings). */ lr: number;
  /** Self-play games per game sampled afterwards to measure the invalid-answer rate (0 = skip). */ evalGames: number;
  /**
   * The base's tokenizer: `bpe` (default) merges freely (`X_O` may become one token in one row and two in the
   * next); `symbols` is a byte-level BPE whose uppercase letters and `_` never merge, so every board cell and
   * card symbol is one token at a fixed place. Measured on tic-tac-toe, `symbols` pretrains more slowly
   * (docs/training.md §1).
   */
  tokenizer: 'symbols' | 'bpe';
  /**
   * Games cloned beside `games` (default none): the base then answers them in format and plays them at random,
   * as an LLM would, while RL trains on `games` only; this is how held-out transfer is measured on a model
   * trained from scratch (docs/results.md, transfer).
   */
  extraGames: string[];
}

/** The whole training configuration. */
export interface TrainConfig {
  /** Game short names trained on (balanced). */ games: string[];
  /** Backend: 'embedded' (this process) or 'remote' (a large-model backend, not implemented yet). */ backend: 'embedded' | 'remote';
  /** Model size preset ('tiny' | 'small' | 'base') for embedded; a model path/name for remote. */ model: string;
  /** Prompt style of the text protocol. */ promptStyle: 'compact' | 'reference';
  /** Advantage estimator name (src/rl registry). */ estimator: string;
  /** RL steps. */ steps: number;
  /**
   * Who the learner plays in training games: `self` (self-play, the paper's method: one policy in every seat,
   * every seat trained) or an agent spec such as `mcts:100` or `random` (the paper's "w/ fixed opponent"
   * ablation, its `*_single.yaml` configs: the learner plays each seat in turn against that agent).
   */
  opponent: string;
  /**
   * Episodes per game per step: self-play games, or with a fixed `opponent` games per learner seat (either way
   * `episodesPerGame` trajectories per seat).
   */
  episodesPerGame: number;
  /** Optimizer steps per RL step: the batch is split into this many shuffled mini-batches (paper: 16). */ miniBatches: number;
  /** Sequences per forwardBackward call. */ microBatch: number;
  /** Loss settings. */ loss: LossConfig;
  /** Optimizer settings. */ optim: OptimConfig;
  /** Rollout sampling. */ sampling: SamplingConfig;
  /** Cadence. */ schedule: ScheduleConfig;
  /** The behaviour-cloning start. */ pretrain: PretrainConfig;
  /** Master seed. */ seed: number;
}

type Kind = 'int' | 'num' | 'bool' | 'str' | 'list' | readonly string[];
/** `min` of a `list` is its shortest length (default 1). */
interface Field { kind: Kind; min?: number; max?: number }

const SCHEMA: Record<string, Field> = {
  games: { kind: 'list' },
  backend: { kind: ['embedded', 'remote'] },
  model: { kind: 'str' },
  promptStyle: { kind: ['compact', 'reference'] },
  estimator: { kind: 'str' },
  steps: { kind: 'int', min: 1 },
  opponent: { kind: 'str' },
  episodesPerGame: { kind: 'int', min: 1 },
  miniBatches: { kind: 'int', min: 1 },
  microBatch: { kind: 'int', min: 1 },
  'loss.clip': { kind: 'num', min: 0, max: 0.999 },
  'loss.clipHigh': { kind: 'num', min: 0 },
  'loss.dualClip': { kind: 'num', min: 0 },
  'loss.klCoef': { kind: 'num', min: 0 },
  'loss.entropyCoef': { kind: 'num', min: 0 },
  'loss.aggregation': { kind: ['seq-mean-token-mean', 'token-mean'] },
  'optim.lr': { kind: 'num', min: 0 },
  'optim.beta1': { kind: 'num', min: 0, max: 0.999999 },
  'optim.beta2': { kind: 'num', min: 0, max: 0.999999 },
  'optim.weightDecay': { kind: 'num', min: 0 },
  'optim.eps': { kind: 'num', min: 0 },
  'optim.clipNorm': { kind: 'num', min: 0 },
  'optim.warmup': { kind: 'int', min: 0 },
  'optim.cosine': { kind: 'bool' },
  'sampling.temperature': { kind: 'num', min: 0 },
  'sampling.topP': { kind: 'num', min: 0.000001, max: 1 },
  'sampling.topK': { kind: 'int', min: 0 },
  'sampling.maxNewTokens': { kind: 'int', min: 1 },
  'schedule.evalEvery': { kind: 'int', min: 0 },
  'schedule.evalGamesPerSeat': { kind: 'int', min: 1 },
  'schedule.checkpointEvery': { kind: 'int', min: 1 },
  'schedule.transcriptsPerStep': { kind: 'int', min: 0 },
  seed: { kind: 'int', min: 0 },
  'pretrain.steps': { kind: 'int', min: 1 },
  'pretrain.gamesPerGame': { kind: 'int', min: 1 },
  'pretrain.batchSize': { kind: 'int', min: 1 },
  'pretrain.lr': { kind: 'num', min: 0 },
  'pretrain.evalGames': { kind: 'int', min: 0 },
  'pretrain.tokenizer': { kind: ['symbols', 'bpe'] },
  'pretrain.extraGames': { kind: 'list', min: 0 },
};

/** Defaults every preset starts from (tiny tic-tac-toe scale). */
export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  games: ['tic_tac_toe'], backend: 'embedded', model: 'tiny', promptStyle: 'compact', estimator: 'marshal',
  steps: 30, opponent: 'self', episodesPerGame: 32, miniBatches: 4, microBatch: 16,
  loss: { clip: 0.2, clipHigh: 0.2, dualClip: 1.4, klCoef: 0.2, entropyCoef: 0, aggregation: 'seq-mean-token-mean' },
  optim: { lr: 5e-4, beta1: 0.9, beta2: 0.95, weightDecay: 0.05, eps: 1e-8, clipNorm: 1, warmup: 8, cosine: true },
  sampling: { temperature: 1, topP: 1, topK: 0, maxNewTokens: 24 },
  schedule: { evalEvery: 10, evalGamesPerSeat: 10, checkpointEvery: 5, transcriptsPerStep: 2 },
  pretrain: { steps: 400, gamesPerGame: 1000, batchSize: 16, lr: 3e-3, evalGames: 8, tokenizer: 'bpe', extraGames: [] },
  seed: 0,
}) as TrainConfig;

/**
 * A saved config or settings record (a run's config.json, a base's recorded settings) with the settings
 * added since it was written filled in with the value such runs had: `pretrain.tokenizer` 'bpe',
 * `pretrain.extraGames` none. Compare
 * this, not the raw record, with a current config. A whole run config (one with `steps`) saved before
 * `opponent` existed was self-play: `opponent` 'self'.
 */
export function withLegacyDefaults<T>(saved: T): T {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return saved;
  let out = saved as Record<string, unknown>;
  if ('steps' in out && !('opponent' in out)) out = { ...out, opponent: 'self' };
  const pre = out.pretrain;
  if (pre !== null && typeof pre === 'object' && !Array.isArray(pre)) out = { ...out, pretrain: { tokenizer: 'bpe', extraGames: [], ...pre } };
  return out as T;
}

/** The configs/ directory of the repository. */
export function configsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../configs');
}

/** Preset names available under configs/. */
export function presetNames(): string[] {
  return readdirSync(configsDir()).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

function parseScalar(key: string, f: Field, raw: unknown): unknown {
  const bad = (why: string): never => { throw new UsageError(`config: ${key}: ${why}, got ${JSON.stringify(raw)}`); };
  const k = f.kind;
  if (Array.isArray(k)) {
    if (typeof raw !== 'string' || !k.includes(raw)) bad(`expected one of ${choices(k)}`);
    return raw;
  }
  if (k === 'list') {
    const xs = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s) : raw;
    const least = f.min ?? 1;
    if (!Array.isArray(xs) || xs.length < least || !xs.every((x) => typeof x === 'string' && x !== '')) bad(least > 0 ? 'expected a non-empty list of names' : 'expected a list of names');
    return xs;
  }
  if (k === 'str') {
    if (typeof raw !== 'string' || raw === '') bad('expected a non-empty string');
    return raw;
  }
  if (k === 'bool') {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    return bad('expected true or false');
  }
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) bad('expected a finite number');
  const v = n as number;
  if (k === 'int' && !Number.isInteger(v)) bad('expected an integer');
  if (f.min !== undefined && v < f.min) bad(`must be >= ${f.min}`);
  if (f.max !== undefined && v > f.max) bad(`must be <= ${f.max}`);
  return v;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
}

/** Applies a partial (nested) object over `base`, validating every key and value; `source` names it in errors. */
export function mergeConfig(base: TrainConfig, partial: Record<string, unknown>, source: string): TrainConfig {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  const flat = new Map<string, unknown>();
  flatten(partial, '', flat);
  for (const [key, raw] of flat) {
    if (key === 'description' || key === 'extends') continue;
    const f = SCHEMA[key];
    if (!f) throw new UsageError(`config (${source}): unknown key '${key}'; valid keys: ${choices(Object.keys(SCHEMA))}`);
    setPath(out, key, parseScalar(key, f, raw));
  }
  return out as unknown as TrainConfig;
}

/** Parses `key=value` overrides (dotted keys) onto `base`. */
export function applyOverrides(base: TrainConfig, overrides: readonly string[]): TrainConfig {
  let cfg = base;
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new UsageError(`config override '${o}' must look like key=value`);
    const partial: Record<string, unknown> = {};
    setNested(partial, o.slice(0, eq).trim(), o.slice(eq + 1));
    cfg = mergeConfig(cfg, partial, `override '${o}'`);
  }
  return cfg;
}

function setNested(obj: Record<string, unknown>, key: string, v: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]!] = v;
}

/** Cross-field checks (estimator name, clip ordering). */
export function validateConfig(cfg: TrainConfig): TrainConfig {
  if (!estimatorNames().includes(cfg.estimator)) throw new UsageError(`config: estimator: unknown '${cfg.estimator}'; valid: ${choices(estimatorNames())}`);
  for (const g of cfg.games) {
    try { loadGame(g); } catch (e) { throw new UsageError(`config: games: '${g}': ${(e as Error).message}`); }
  }
  for (const g of cfg.pretrain.extraGames) {
    try { loadGame(g); } catch (e) { throw new UsageError(`config: pretrain.extraGames: '${g}': ${(e as Error).message}`); }
    if (cfg.games.includes(g)) throw new UsageError(`config: pretrain.extraGames: '${g}' is already in games`);
  }
  if (cfg.opponent !== 'self') {
    if (cfg.opponent.split(':')[0] === 'human') throw new UsageError(`config: opponent: 'human' cannot play thousands of training games; use 'self' or a scripted agent`);
    for (const g of cfg.games) {
      try { createAgent(cfg.opponent, loadGame(g)); } catch (e) { throw new UsageError(`config: opponent: '${cfg.opponent}' for ${g}: ${(e as Error).message} ('self' = self-play)`); }
    }
  }
  if (cfg.loss.dualClip !== 0 && cfg.loss.dualClip <= 1) throw new UsageError(`config: loss.dualClip must be 0 (off) or > 1, got ${cfg.loss.dualClip}`);
  if (cfg.backend === 'embedded' && !['tiny', 'small', 'base'].includes(cfg.model)) {
    throw new UsageError(`config: model '${cfg.model}' is not an embedded model size (tiny, small, base); this preset targets a large-model backend, which is not supported yet`);
  }
  if (cfg.backend === 'remote') throw new UsageError(`config: backend 'remote' (large-model trainer, method doc §8 settings) is not supported yet; only 'embedded' runs`);
  return cfg;
}

/** Loads preset `name` (configs/<name>.json or a path to a JSON file), applies overrides, validates. */
export function loadConfig(name: string, overrides: readonly string[] = []): TrainConfig {
  const path = name.endsWith('.json') ? name : join(configsDir(), `${name}.json`);
  if (!existsSync(path)) throw new UsageError(`unknown config preset '${name}'; expected one of ${choices(presetNames())} or a .json file`);
  let json: unknown;
  try { json = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new UsageError(`config ${path}: invalid JSON (${(e as Error).message})`); }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`config ${path}: expected a JSON object`);
  const cfg = mergeConfig(structuredClone(DEFAULT_CONFIG) as TrainConfig, json as Record<string, unknown>, path);
  return validateConfig(applyOverrides(cfg, overrides));
}
