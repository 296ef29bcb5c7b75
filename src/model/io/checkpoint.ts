/**
 * @file Training checkpoints: weights and optimizer state as safetensors plus a JSON sidecar, written
 * atomically, validated on load, found again for resume.
 *
 * A checkpoint directory holds `model.safetensors` (F32, bit-exact), `optimizer.safetensors` (when there
 * is optimizer state), `config.json` (HF layout, so the directory also opens as an HF checkpoint),
 * optionally `tokenizer.json`, and `checkpoint.json`, the sidecar: format and version, step, weight
 * version, RNG state, optimizer scalars, free-form extras, and each tensor file's size, SHA-256 and tensor
 * list. Every file goes to a temporary name in the same directory, is fsynced, then renamed; the sidecar
 * is renamed last. A crash mid-save therefore leaves either no sidecar (a new step directory, which
 * `latestCheckpoint` skips, so the previous checkpoint stays the latest) or a sidecar whose sizes and
 * hashes do not match the files (a save over an existing directory), which `loadCheckpoint` reports.
 * Runs keep one subdirectory per step: `step-00000100`.
 *
 * @example
 * saveCheckpoint(checkpointDir('runs/ttt', 100), { config, params, optimizer: { tensors: moments, scalars: { t: 100 } },
 *   step: 100, weightVersion: 100, rngState: rng.state() });
 * const latest = latestCheckpoint('runs/ttt'); // 'runs/ttt/step-00000100'
 * const ckpt = loadCheckpoint(latest!);         // same tensors, bit for bit
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../../util/errors.js';
import { commitStaged, discardStaged, fsyncDir, stageFile, type StagedFile } from './atomic.js';
import { checkQwen3Tensors, parseQwen3Config, qwen3ConfigToJson, type Qwen3Config } from './hf_config.js';
import { readSafetensors, serializeSafetensors } from './safetensors.js';
import { HfTokenizer } from './tokenizer_hf.js';
import type { JsonValue, TensorMap } from './types.js';

/** The sidecar's `format` value. */
export const CHECKPOINT_FORMAT = 'marshal-checkpoint';
/** The sidecar layout version this build writes and reads. */
export const CHECKPOINT_VERSION = 1;
/** The sidecar's file name. */
export const CHECKPOINT_SIDECAR = 'checkpoint.json';
const MODEL_FILE = 'model.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';

/** Optimizer state: per-parameter tensors (e.g. AdamW moments) and scalars (e.g. step count, beta powers). */
export interface OptimizerState {
  /** Named tensors; any names (not checked against the model config). */
  tensors: TensorMap;
  /** Named finite numbers, stored exactly in the sidecar. */
  scalars: Record<string, number>;
}

/** Everything a checkpoint holds. */
export interface CheckpointData {
  /** The model's config (the engine's layout is Qwen3's). */
  config: Qwen3Config;
  /** Exactly the config's tensors. */
  params: TensorMap;
  /** Optimizer state, absent for inference-only checkpoints. */
  optimizer?: OptimizerState;
  /** Training steps completed. */
  step: number;
  /** The weight version (increases with every optimizer step; samples report it). */
  weightVersion: number;
  /** RNG state(s) to resume from, e.g. `rng.state()` or `{ sampler: ..., data: ... }`. */
  rngState: JsonValue;
  /** Anything else the trainer wants back on resume (schedule position, metrics, run config). */
  extra?: { [key: string]: JsonValue };
  /** A tokenizer to store beside the weights as `tokenizer.json` (optional). */
  tokenizer?: HfTokenizer;
}

/** What `loadCheckpoint` returns: the saved data, with the tokenizer when one was saved. */
export interface LoadedCheckpoint extends Omit<CheckpointData, 'tokenizer'> {
  /** The saved tokenizer, or null. */
  tokenizer: HfTokenizer | null;
}

/** One tensor file as the sidecar records it. */
interface FileRecord {
  bytes: number;
  sha256: string;
  tensors: Record<string, number[]>;
}

/** The parsed `checkpoint.json` of a checkpoint directory. */
export interface Sidecar {
  format: string;
  version: number;
  step: number;
  weight_version: number;
  rng_state: JsonValue;
  config: Record<string, JsonValue>;
  optimizer_scalars: Record<string, number> | null;
  extra: { [key: string]: JsonValue };
  files: Record<string, FileRecord>;
}

/** The directory of step `step` under a run directory: `runDir/step-00000100`. */
export function checkpointDir(runDir: string, step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) throw new UsageError(`checkpoint step must be a non-negative integer, got ${step}`);
  return join(runDir, `step-${String(step).padStart(8, '0')}`);
}

function stageTensors(path: string, tensors: TensorMap): { staged: StagedFile; record: FileRecord } {
  const chunks = serializeSafetensors(tensors);
  const hash = createHash('sha256');
  let bytes = 0;
  for (const c of chunks) {
    hash.update(c);
    bytes += c.length;
  }
  const record: FileRecord = { bytes, sha256: hash.digest('hex'), tensors: {} };
  for (const name of [...tensors.keys()].sort()) record.tensors[name] = tensors.get(name)!.shape.slice();
  return { staged: stageFile(path, chunks), record };
}

const STALE_TMP = /^\..+\.tmp-\d+-[0-9a-f]{8}$/;

/** Saves a checkpoint into `dir` atomically (see the file comment). Validates the data first. */
export function saveCheckpoint(dir: string, data: CheckpointData): void {
  if (!Number.isSafeInteger(data.step) || data.step < 0) throw new UsageError(`checkpoint step must be a non-negative integer, got ${data.step}`);
  if (!Number.isSafeInteger(data.weightVersion) || data.weightVersion < 0) {
    throw new UsageError(`checkpoint weightVersion must be a non-negative integer, got ${data.weightVersion}`);
  }
  checkQwen3Tensors(data.config, data.params, `parameters saved to ${dir}`);
  if (data.optimizer) {
    for (const [k, v] of Object.entries(data.optimizer.scalars)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`optimizer scalar '${k}' must be a finite number, got ${v}`);
    }
  }
  const sidecar: Sidecar = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: data.step,
    weight_version: data.weightVersion,
    rng_state: data.rngState ?? null,
    config: qwen3ConfigToJson(data.config),
    optimizer_scalars: data.optimizer ? { ...data.optimizer.scalars } : null,
    extra: data.extra ?? {},
    files: {},
  };
  for (const [what, v] of [['rngState', sidecar.rng_state], ['extra', sidecar.extra]] as const) {
    let same = false;
    try {
      same = isDeepStrictEqual(JSON.parse(JSON.stringify(v)), v);
    } catch {
      // cycles, BigInt
    }
    if (!same) throw new UsageError(`checkpoint ${what} must be plain JSON (no NaN, undefined, BigInt or class instances)`);
  }
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (STALE_TMP.test(f)) rmSync(join(dir, f), { force: true }); // left by a crash
  }
  const staged: StagedFile[] = [];
  try {
    const model = stageTensors(join(dir, MODEL_FILE), data.params);
    staged.push(model.staged);
    sidecar.files[MODEL_FILE] = model.record;
    if (data.optimizer) {
      const opt = stageTensors(join(dir, OPTIMIZER_FILE), data.optimizer.tensors);
      staged.push(opt.staged);
      sidecar.files[OPTIMIZER_FILE] = opt.record;
    }
    staged.push(stageFile(join(dir, 'config.json'), JSON.stringify(sidecar.config, null, 2) + '\n'));
    if (data.tokenizer) staged.push(stageFile(join(dir, 'tokenizer.json'), JSON.stringify(data.tokenizer.json) + '\n'));
    staged.push(stageFile(join(dir, CHECKPOINT_SIDECAR), JSON.stringify(sidecar, null, 1) + '\n'));
  } catch (e) {
    discardStaged(staged);
    throw e;
  }
  commitStaged(staged);
  fsyncDir(dirname(dir)); // make a new step directory's own entry durable
  if (!data.optimizer) rmSync(join(dir, OPTIMIZER_FILE), { force: true });
  if (!data.tokenizer) rmSync(join(dir, 'tokenizer.json'), { force: true });
}

function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function loadTensorFile(dir: string, name: string, record: FileRecord, verify: boolean): TensorMap {
  const path = join(dir, name);
  if (!existsSync(path)) throw new UsageError(`checkpoint ${dir}: ${name} is missing (${CHECKPOINT_SIDECAR} lists it)`);
  const size = statSync(path).size;
  const mismatch = `(the files come from different saves, or a save was interrupted)`;
  if (size !== record.bytes) throw new UsageError(`checkpoint ${dir}: ${name} is ${size} bytes but ${CHECKPOINT_SIDECAR} records ${record.bytes} ${mismatch}`);
  if (verify && sha256File(path) !== record.sha256) {
    throw new UsageError(`checkpoint ${dir}: ${name} does not match the SHA-256 in ${CHECKPOINT_SIDECAR} ${mismatch}`);
  }
  const tensors = readSafetensors(path).tensors;
  const want = Object.keys(record.tensors).sort();
  const have = [...tensors.keys()].sort();
  const shapesDiffer = want.some((n) => tensors.get(n)?.shape.join() !== record.tensors[n].join());
  if (want.join('\n') !== have.join('\n') || shapesDiffer) {
    throw new UsageError(`checkpoint ${dir}: the tensors in ${name} do not match those ${CHECKPOINT_SIDECAR} lists`);
  }
  return tensors;
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /** Check each tensor file's SHA-256 against the sidecar (default true; one extra read of the files). */
  verify?: boolean;
  /** Load the optimizer state (default true; false for inference). */
  optimizer?: boolean;
}

/**
 * Reads and validates a checkpoint's sidecar without loading any tensor (e.g. to look at `extra`); every
 * problem is a `UsageError` naming the file.
 */
export function readCheckpointSidecar(dir: string): Sidecar {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`checkpoint directory ${dir} does not exist`);
  const sidecarPath = join(dir, CHECKPOINT_SIDECAR);
  if (!existsSync(sidecarPath)) throw new UsageError(`checkpoint ${dir}: no ${CHECKPOINT_SIDECAR} (not a checkpoint, or its save did not finish)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(sidecarPath, 'utf8'));
  } catch (e) {
    throw new UsageError(`checkpoint ${sidecarPath}: not valid JSON (${(e as Error).message})`);
  }
  const s = raw as Partial<Sidecar> | null;
  if (s === null || typeof s !== 'object' || s.format !== CHECKPOINT_FORMAT) {
    throw new UsageError(`checkpoint ${sidecarPath}: not a ${CHECKPOINT_FORMAT} sidecar`);
  }
  if (s.version !== CHECKPOINT_VERSION) {
    throw new UsageError(`checkpoint ${sidecarPath}: format version ${JSON.stringify(s.version)} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  }
  const badInt = (v: unknown) => !Number.isSafeInteger(v) || (v as number) < 0;
  if (badInt(s.step) || badInt(s.weight_version)) throw new UsageError(`checkpoint ${sidecarPath}: step and weight_version must be non-negative integers`);
  if (!s.files || typeof s.files !== 'object' || !s.files[MODEL_FILE]) throw new UsageError(`checkpoint ${sidecarPath}: no record of ${MODEL_FILE}`);
  return s as Sidecar;
}

/** Loads and validates a checkpoint directory; every problem is a `UsageError` naming the file. */
export function loadCheckpoint(dir: string, opts: LoadCheckpointOptions = {}): LoadedCheckpoint {
  const verify = opts.verify ?? true;
  const s = readCheckpointSidecar(dir);
  const sidecarPath = join(dir, CHECKPOINT_SIDECAR);
  const config = parseQwen3Config(s.config, `${sidecarPath} (config)`);
  const params = loadTensorFile(dir, MODEL_FILE, s.files[MODEL_FILE], verify);
  checkQwen3Tensors(config, params, `checkpoint ${dir}: weights in ${MODEL_FILE}`);
  const out: LoadedCheckpoint = {
    config,
    params,
    step: s.step,
    weightVersion: s.weight_version,
    rngState: s.rng_state ?? null,
    extra: s.extra ?? {},
    tokenizer: existsSync(join(dir, 'tokenizer.json')) ? HfTokenizer.fromFile(join(dir, 'tokenizer.json')) : null,
  };
  const optRecord = s.files[OPTIMIZER_FILE];
  if ((opts.optimizer ?? true) && optRecord) {
    const scalars = s.optimizer_scalars;
    if (!scalars || typeof scalars !== 'object' || Object.values(scalars).some((v) => typeof v !== 'number')) {
      throw new UsageError(`checkpoint ${sidecarPath}: optimizer_scalars must be an object of numbers`);
    }
    out.optimizer = { tensors: loadTensorFile(dir, OPTIMIZER_FILE, optRecord, verify), scalars: { ...scalars } };
  }
  return out;
}

/**
 * The newest complete checkpoint under a run directory: the `step-N` subdirectory with the largest N
 * that has a sidecar (saves that did not finish have none). Null when there is none.
 */
export function latestCheckpoint(runDir: string): string | null {
  if (!existsSync(runDir)) return null;
  const steps: [number, string][] = [];
  for (const entry of readdirSync(runDir, { withFileTypes: true })) {
    const m = /^step-(\d+)$/.exec(entry.name);
    if (entry.isDirectory() && m && existsSync(join(runDir, entry.name, CHECKPOINT_SIDECAR))) steps.push([Number(m[1]), entry.name]);
  }
  steps.sort((a, b) => b[0] - a[0]);
  return steps.length ? join(runDir, steps[0][1]) : null;
}
