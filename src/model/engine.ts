/**
 * @file The step-level training interface (`TrainingEngine`) and its embedded implementation.
 *
 * The trainer reaches a model only through these operations, each of which a remote GPU trainer can
 * implement over the wire (all arguments and results are plain JSON-able data, all calls async):
 * `sample` → tokens + log-probs + the weight version that produced them; `forward` → teacher-forced
 * per-token log-probs; `forwardBackward` → the same, plus gradients of Σ w·logprob accumulated into
 * the engine; `optimStep` → one AdamW step, weightVersion + 1; `save` / `load` through a
 * caller-supplied checkpoint writer/reader (the safetensors + JSON-sidecar code in src/model/io plugs
 * in there).
 *
 * @example
 * import { EmbeddedEngine } from './engine.js';
 * import { preset } from './config.js';
 * const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 1 });
 * const s = await eng.sample([[1, 2, 3]], { maxNewTokens: 4, seed: 7 });
 * const seq = [1, 2, 3, ...s.tokens[0]];
 * await eng.forwardBackward([seq], [seq.slice(1).map(() => -1 / 6)]); // d(loss)/d(logprob) per token
 * await eng.optimStep({ lr: 1e-3 });                                  // eng.weightVersion === 1
 */
import { UsageError } from '../util/errors.js';
import { Tape, defaultPool, type PoolStats } from './autodiff.js';
import type { Backend } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { validateConfig, type ModelConfig } from './config.js';
import { adamwInit, adamwUpdate, type AdamWParams, type AdamWState } from './optim.js';
import { sample, type SampleResult, type SamplingParams } from './sampler.js';
import { Transformer, checkParams, cloneParams, initParams, packSequences, type ParamMap } from './transformer.js';

/** What `sample` returns: the continuations plus the weights' version. */
export interface SampleOutput extends SampleResult {
  /** `weightVersion` of the weights that produced these samples. */
  weightVersion: number;
}

/** What `forwardBackward` returns. */
export interface ForwardBackwardOutput {
  /** Teacher-forced log-probs, as `forward` would return them (before this call's gradients are applied). */
  logprobs: number[][];
  /** Σ over tokens of weight · logprob (+ entropy weight · entropy): the objective whose gradient was accumulated. */
  objective: number;
  /** Entropy of each predicted token's distribution (shape of `logprobs`); only when entropy weights were given. */
  entropies?: number[][];
  /** Number of predicted tokens processed. */
  tokens: number;
}

/** What `optimStep` returns. */
export interface OptimStepOutput {
  /** The new weight version (previous + 1). */
  weightVersion: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
}

/** Everything needed to resume training or to run inference; plain data for a checkpoint writer. */
export interface EngineCheckpoint {
  /** Model hyper-parameters. */
  config: ModelConfig;
  /** Weights by Hugging Face tensor name. */
  params: ParamMap;
  /** AdamW state, or null for an inference-only checkpoint. */
  optimizer: AdamWState | null;
  /** Weight version (number of optimizer steps taken). */
  weightVersion: number;
}

/** The operations a trainer uses; an embedded or a remote engine implements them. */
export interface TrainingEngine {
  /** Model hyper-parameters. */
  readonly config: ModelConfig;
  /** Increases by one with every optimizer step (or is set by `load`); reported with every sample. */
  readonly weightVersion: number;
  /** Samples continuations of token-id prompts. */
  sample(prompts: number[][], params: SamplingParams): Promise<SampleOutput>;
  /** Teacher-forced log p(s[t] | s[<t]) for t = 1..len−1 of each sequence. */
  forward(sequences: number[][]): Promise<number[][]>;
  /**
   * Accumulates gradients of Σ_seq Σ_t perTokenWeights[seq][t] · logprob[seq][t] (perTokenWeights has
   * the shape `forward` returns: the loss's derivative with respect to each log-prob). Call several
   * times (micro-batches) before one `optimStep`. With `entropyWeights` (same shape) it also accumulates the
   * gradient of Σ entropyWeights[seq][t] · entropy[seq][t], the entropy of the distribution that predicts
   * token t (an entropy bonus is a negative weight), and returns the entropies.
   */
  forwardBackward(sequences: number[][], perTokenWeights: number[][], entropyWeights?: number[][]): Promise<ForwardBackwardOutput>;
  /** Applies accumulated gradients with AdamW, clears them, weightVersion += 1. */
  optimStep(params: AdamWParams): Promise<OptimStepOutput>;
  /** Hands a checkpoint to `writer` (e.g. a safetensors + JSON sidecar writer). */
  save(writer: (ckpt: EngineCheckpoint) => Promise<void> | void): Promise<void>;
  /** Replaces weights, optimizer state and version with what `reader` returns. */
  load(reader: () => Promise<EngineCheckpoint> | EngineCheckpoint): Promise<void>;
}

/** Options of the embedded engine. */
export interface EmbeddedEngineOptions {
  /** Model hyper-parameters. */
  config: ModelConfig;
  /** Initial weights (checked against config); random init from `seed` when absent. */
  params?: ParamMap;
  /** Seed of the random init. Default 0. */
  seed?: number;
  /** Kernels; the best available when absent (native addon, else TypeScript). */
  backend?: Backend;
  /** Sequences per forward/backward pass inside forwardBackward/forward (bounds memory). Default 16. */
  microBatchSize?: number;
  /** false for a frozen (reference) model: forwardBackward and optimStep then throw. Default true. */
  trainable?: boolean;
}

/** The in-process engine: the Transformer on a Backend, plus gradients and AdamW state. */
export class EmbeddedEngine implements TrainingEngine {
  readonly config: ModelConfig;
  /** The kernels in use. */
  readonly backend: Backend;
  private model: Transformer;
  private opt: AdamWState | null = null;
  private version = 0;
  private readonly micro: number;
  private readonly trainable: boolean;

  constructor(o: EmbeddedEngineOptions) {
    this.config = validateConfig({ ...o.config });
    this.backend = o.backend ?? getBackend();
    this.trainable = o.trainable ?? true;
    this.micro = o.microBatchSize ?? 16;
    if (!Number.isInteger(this.micro) || this.micro < 1) throw new UsageError(`microBatchSize must be a positive integer, got ${this.micro}`);
    this.model = new Transformer(this.config, o.params ?? initParams(this.config, o.seed ?? 0), this.trainable);
  }

  get weightVersion(): number {
    return this.version;
  }

  /** The live weights (mutating them changes the model). */
  parameters(): ParamMap {
    return this.model.params;
  }

  /** Copies `p` into the weights (same names and shapes required). */
  setParameters(p: ParamMap): void {
    checkParams(this.config, p);
    for (const [k, e] of p) this.model.params.get(k)!.data.set(e.data);
  }

  /** The AdamW state (null before the first optimizer step unless set). */
  optimizerState(): AdamWState | null {
    return this.opt;
  }

  /** Replaces the AdamW state (null resets it). */
  setOptimizerState(s: AdamWState | null): void {
    if (s) {
      for (const [k, e] of this.model.params) {
        if (s.m.get(k)?.length !== e.data.length || s.v.get(k)?.length !== e.data.length) throw new UsageError(`optimizer state: moments for '${k}' missing or of the wrong size`);
      }
    }
    this.opt = s;
  }

  /** Accumulated gradients by parameter name (zero-filled where nothing accumulated yet). */
  gradients(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [k, t] of this.model.tensors) out.set(k, t.grad ?? new Float32Array(t.size));
    return out;
  }

  /** Clears accumulated gradients. */
  zeroGrad(): void {
    for (const t of this.model.tensors.values()) t.grad?.fill(0);
  }

  /** A frozen deep copy of the current weights (the reference model), same backend. */
  frozenCopy(): EmbeddedEngine {
    const e = new EmbeddedEngine({ config: this.config, params: cloneParams(this.model.params), backend: this.backend, microBatchSize: this.micro, trainable: false });
    e.version = this.version;
    return e;
  }

  /** Buffer-pool counters (for leak checks). */
  poolStats(): PoolStats {
    return defaultPool.stats();
  }

  async sample(prompts: number[][], params: SamplingParams): Promise<SampleOutput> {
    return this.sampleSync(prompts, params);
  }

  /** Synchronous `sample`. */
  sampleSync(prompts: readonly (readonly number[])[], params: SamplingParams): SampleOutput {
    return { ...sample(this.model, prompts, params, this.backend), weightVersion: this.version };
  }

  async forward(sequences: number[][]): Promise<number[][]> {
    return this.forwardSync(sequences);
  }

  /** Synchronous `forward`. */
  forwardSync(sequences: readonly (readonly number[])[]): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < sequences.length; i += this.micro) {
      const chunk = sequences.slice(i, i + this.micro);
      const b = packSequences(chunk, this.config.vocabSize);
      const tape = new Tape(this.backend, false);
      const lp = this.model.tokenLogprobs(tape, b);
      for (let s = 0; s < b.batch; s++) out.push(Array.from(lp.data.subarray(s * b.seq, s * b.seq + b.lengths[s] - 1)));
      tape.dispose();
    }
    return out;
  }

  async forwardBackward(sequences: number[][], perTokenWeights: number[][], entropyWeights?: number[][]): Promise<ForwardBackwardOutput> {
    return this.forwardBackwardSync(sequences, perTokenWeights, entropyWeights);
  }

  /** Synchronous `forwardBackward`. */
  forwardBackwardSync(
    sequences: readonly (readonly number[])[], perTokenWeights: readonly (readonly number[])[], entropyWeights?: readonly (readonly number[])[],
  ): ForwardBackwardOutput {
    if (!this.trainable) throw new UsageError('forwardBackward on a frozen engine');
    for (const [name, ws] of [['weight', perTokenWeights], ['entropy weight', entropyWeights]] as const) {
      if (!ws) continue;
      if (ws.length !== sequences.length) throw new UsageError(`forwardBackward: ${ws.length} ${name} rows for ${sequences.length} sequences`);
      for (const [i, s] of sequences.entries()) {
        if (ws[i].length !== s.length - 1) throw new UsageError(`forwardBackward: sequence ${i} has ${s.length - 1} predicted tokens but ${ws[i].length} ${name}s`);
      }
    }
    const logprobs: number[][] = [];
    const entropies: number[][] = [];
    let objective = 0;
    let tokens = 0;
    for (let i = 0; i < sequences.length; i += this.micro) {
      const b = packSequences(sequences.slice(i, i + this.micro), this.config.vocabSize);
      const tape = new Tape(this.backend, true);
      const both = entropyWeights ? this.model.tokenLogprobsEntropy(tape, b) : null;
      const lp = both ? both.logprobs : this.model.tokenLogprobs(tape, b);
      const seed = tape.zeros(b.batch * b.seq);
      const entSeed = both ? tape.gradOf(both.entropy) : null; // seeded here, back-propagated with lp
      for (let s = 0; s < b.batch; s++) {
        const w = perTokenWeights[i + s];
        const row = lp.data.subarray(s * b.seq, s * b.seq + b.lengths[s] - 1);
        logprobs.push(Array.from(row));
        for (let t = 0; t < w.length; t++) {
          seed[s * b.seq + t] = w[t];
          objective += w[t] * row[t];
        }
        if (both && entSeed) {
          const e = entropyWeights![i + s];
          const hrow = both.entropy.data.subarray(s * b.seq, s * b.seq + b.lengths[s] - 1);
          entropies.push(Array.from(hrow));
          for (let t = 0; t < e.length; t++) {
            entSeed[s * b.seq + t] = e[t];
            objective += e[t] * hrow[t];
          }
        }
        tokens += w.length;
      }
      tape.backward(lp, seed);
      tape.dispose();
    }
    return entropyWeights ? { logprobs, objective, tokens, entropies } : { logprobs, objective, tokens };
  }

  async optimStep(params: AdamWParams): Promise<OptimStepOutput> {
    return this.optimStepSync(params);
  }

  /** Synchronous `optimStep`. */
  optimStepSync(params: AdamWParams): OptimStepOutput {
    if (!this.trainable) throw new UsageError('optimStep on a frozen engine');
    if (!this.opt) this.opt = adamwInit(this.model.params);
    const r = adamwUpdate(this.backend, this.model.params, this.gradients(), this.opt, params);
    this.opt = r.state;
    this.zeroGrad();
    this.version += 1;
    return { weightVersion: this.version, gradNorm: r.gradNorm };
  }

  /** The current state as a checkpoint object (shares buffers with the engine: write it out before training on). */
  checkpoint(): EngineCheckpoint {
    return { config: { ...this.config }, params: this.model.params, optimizer: this.opt, weightVersion: this.version };
  }

  async save(writer: (ckpt: EngineCheckpoint) => Promise<void> | void): Promise<void> {
    await writer(this.checkpoint());
  }

  async load(reader: () => Promise<EngineCheckpoint> | EngineCheckpoint): Promise<void> {
    const c = await reader();
    const theirs = validateConfig({ ...c.config });
    for (const k of Object.keys(this.config) as (keyof ModelConfig)[]) {
      if (theirs[k] !== this.config[k]) throw new UsageError(`checkpoint config field ${k} = ${String(theirs[k])} does not match the engine's ${String(this.config[k])}`);
    }
    if (!Number.isInteger(c.weightVersion) || c.weightVersion < 0) throw new UsageError(`checkpoint: bad weightVersion ${c.weightVersion}`);
    this.setParameters(c.params);
    this.setOptimizerState(c.optimizer);
    this.zeroGrad();
    this.version = c.weightVersion;
  }
}
