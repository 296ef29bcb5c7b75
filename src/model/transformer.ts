/**
 * @file The Qwen3-layout decoder-only transformer over the autodiff tape: pre-norm RMSNorm blocks,
 * rotary positions, grouped-query attention with per-head QK RMSNorm, SwiGLU MLP, tied or untied LM
 * head. Parameters are a flat `ParamMap` keyed by the Hugging Face Qwen3 tensor names (see
 * `paramShapes`), so a Hugging Face checkpoint loads straight into it.
 *
 * Also here: parameter init, teacher-forced per-token log-probs over right-padded batches
 * (`packSequences` + `Transformer.tokenLogprobs`), and the KV-cached decode step used by the sampler.
 *
 * @example
 * import { preset } from './config.js';
 * import { Transformer, initParams, packSequences } from './transformer.js';
 * import { Tape } from './autodiff.js';
 * import { getBackend } from './backend/select.js';
 * const cfg = preset('tiny');
 * const model = new Transformer(cfg, initParams(cfg, 1));
 * const tape = new Tape(getBackend(), false);
 * const lp = model.tokenLogprobs(tape, packSequences([[1, 2, 3]], cfg.vocabSize)); // log p(2|1), log p(3|1,2)
 * tape.dispose();
 */
import { Rng } from '../util/rng.js';
import { UsageError } from '../util/errors.js';
import { Tape, Tensor, ropeTables, type RopeTables } from './autodiff.js';
import { paramShapes, type ModelConfig } from './config.js';
import type { Backend } from './backend/backend.js';

/** One parameter: its shape and row-major float32 values. */
export interface ParamEntry {
  /** Dimensions, outermost first (Hugging Face / PyTorch order, e.g. Linear weights are [out, in]). */
  shape: number[];
  /** Row-major values. */
  data: Float32Array;
}

/** All parameters of a model, keyed by Hugging Face Qwen3 tensor name (e.g. 'model.norm.weight'). */
export type ParamMap = Map<string, ParamEntry>;

/** Normal(0, 0.02) weights (Hugging Face `initializer_range`), ones for norms; seeded. */
export function initParams(cfg: ModelConfig, seed: number): ParamMap {
  const rng = new Rng(seed);
  const out: ParamMap = new Map();
  for (const [name, shape] of paramShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.endsWith('norm.weight') || name.endsWith('layernorm.weight')) data.fill(1);
    else {
      for (let i = 0; i < n; i += 2) {
        // Box-Muller: two normals per pair of uniforms.
        const u = 1 - rng.float();
        const v = rng.float();
        const r = 0.02 * Math.sqrt(-2 * Math.log(u));
        data[i] = r * Math.cos(2 * Math.PI * v);
        if (i + 1 < n) data[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
    }
    out.set(name, { shape: [...shape], data });
  }
  return out;
}

/** A deep copy (the frozen reference model's weights are one). */
export function cloneParams(p: ParamMap): ParamMap {
  const out: ParamMap = new Map();
  for (const [k, v] of p) out.set(k, { shape: [...v.shape], data: v.data.slice() });
  return out;
}

/** Checks that `p` has exactly the tensors and shapes `cfg` needs; throws a UsageError naming the first problem. */
export function checkParams(cfg: ModelConfig, p: ParamMap): void {
  const want = paramShapes(cfg);
  for (const [name, shape] of want) {
    const e = p.get(name);
    if (!e) throw new UsageError(`parameters: missing tensor '${name}'`);
    if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      throw new UsageError(`parameters: '${name}' has shape [${e.shape}], config needs [${shape}]`);
    }
    if (e.data.length !== shape.reduce((a, b) => a * b, 1)) throw new UsageError(`parameters: '${name}' data length ${e.data.length} does not match shape [${shape}]`);
  }
  if (p.size !== want.length) {
    const known = new Set(want.map(([n]) => n));
    const extra = [...p.keys()].find((k) => !known.has(k));
    throw new UsageError(`parameters: unexpected tensor '${extra}' for this config`);
  }
}

/** A right-padded batch of token sequences prepared for teacher forcing. */
export interface PackedBatch {
  /** Number of sequences. */
  batch: number;
  /** Padded positions per sequence (max length − 1). */
  seq: number;
  /** Input ids [batch·seq]: s[t] for t < len−1, 0 after. */
  ids: Int32Array;
  /** Target ids [batch·seq]: s[t+1] for t < len−1, 0 after. */
  targets: Int32Array;
  /** Positions [batch·seq]: t. */
  pos: Int32Array;
  /** Original sequence lengths. */
  lengths: number[];
}

/** Packs sequences (each at least 2 tokens, ids < vocab) into a right-padded teacher-forcing batch. */
export function packSequences(sequences: readonly (readonly number[])[], vocab: number): PackedBatch {
  if (sequences.length === 0) throw new UsageError('packSequences: no sequences');
  let maxLen = 0;
  for (const [i, s] of sequences.entries()) {
    if (s.length < 2) throw new UsageError(`sequence ${i} has ${s.length} tokens; need at least 2 for teacher forcing`);
    for (const t of s) if (!Number.isInteger(t) || t < 0 || t >= vocab) throw new UsageError(`sequence ${i}: token id ${t} outside vocab [0, ${vocab})`);
    maxLen = Math.max(maxLen, s.length);
  }
  const batch = sequences.length;
  const seq = maxLen - 1;
  const ids = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  const pos = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const s = sequences[b];
    for (let t = 0; t < seq; t++) {
      pos[b * seq + t] = t;
      if (t < s.length - 1) {
        ids[b * seq + t] = s[t];
        targets[b * seq + t] = s[t + 1];
      }
    }
  }
  return { batch, seq, ids, targets, pos, lengths: sequences.map((s) => s.length) };
}

/** Key/value cache for decoding: per layer, [slots, maxLen, kvHeads·headDim] post-RoPE keys and values. */
export interface KVCache {
  /** Keys per layer. */
  k: Float32Array[];
  /** Values per layer. */
  v: Float32Array[];
  /** Sequences the cache holds. */
  slots: number;
  /** Positions per slot. */
  maxLen: number;
}

/** The model: parameter tensors plus forward functions. Holds no per-call state. */
export class Transformer {
  /** Parameter tensors by HF name; their `data` is the ParamMap's arrays (shared, not copied). */
  readonly tensors = new Map<string, Tensor>();
  private rope: RopeTables;

  constructor(
    /** Hyper-parameters. */
    readonly cfg: ModelConfig,
    /** The weights (checked against cfg). */
    readonly params: ParamMap,
    /** Whether parameter tensors take gradients. */
    readonly trainable = true,
  ) {
    checkParams(cfg, params);
    for (const [name, e] of params) this.tensors.set(name, new Tensor(e.shape, e.data, trainable));
    this.rope = ropeTables(cfg.headDim, cfg.ropeTheta, Math.min(cfg.maxPositions, 256));
  }

  private t(name: string): Tensor {
    return this.tensors.get(name)!;
  }

  private tables(maxPos: number): RopeTables {
    if (maxPos > this.cfg.maxPositions) throw new UsageError(`sequence position ${maxPos - 1} exceeds maxPositions ${this.cfg.maxPositions}`);
    if (maxPos > this.rope.maxPos) {
      this.rope = ropeTables(this.cfg.headDim, this.cfg.ropeTheta, Math.min(this.cfg.maxPositions, Math.max(maxPos, 2 * this.rope.maxPos)));
    }
    return this.rope;
  }

  private mlp(tape: Tape, x: Tensor, i: number): Tensor {
    const p = `model.layers.${i}.`;
    const h = tape.rmsnorm(x, this.t(p + 'post_attention_layernorm.weight'), this.cfg.rmsNormEps);
    const g = tape.linear(h, this.t(p + 'mlp.gate_proj.weight'));
    const u = tape.linear(h, this.t(p + 'mlp.up_proj.weight'));
    tape.free(h);
    const a = tape.swiglu(g, u);
    tape.free(g, u);
    const d = tape.linear(a, this.t(p + 'mlp.down_proj.weight'));
    tape.free(a);
    const y = tape.add(x, d);
    tape.free(x, d);
    return y;
  }

  private qkv(tape: Tape, x: Tensor, i: number, pos: Int32Array, tables: RopeTables): [Tensor, Tensor, Tensor] {
    const c = this.cfg;
    const p = `model.layers.${i}.`;
    const h = tape.rmsnorm(x, this.t(p + 'input_layernorm.weight'), c.rmsNormEps);
    const q0 = tape.linear(h, this.t(p + 'self_attn.q_proj.weight'));
    const k0 = tape.linear(h, this.t(p + 'self_attn.k_proj.weight'));
    const v = tape.linear(h, this.t(p + 'self_attn.v_proj.weight'));
    tape.free(h);
    const q1 = tape.rmsnorm(q0, this.t(p + 'self_attn.q_norm.weight'), c.rmsNormEps);
    const k1 = tape.rmsnorm(k0, this.t(p + 'self_attn.k_norm.weight'), c.rmsNormEps);
    tape.free(q0, k0);
    const q = tape.rope(q1, pos, c.numHeads, c.headDim, tables);
    const k = tape.rope(k1, pos, c.numKvHeads, c.headDim, tables);
    tape.free(q1, k1);
    return [q, k, v];
  }

  private maxOf(pos: Int32Array): number {
    let m = 0;
    for (let i = 0; i < pos.length; i++) if (pos[i] > m) m = pos[i];
    return m;
  }

  /**
   * Final-normed hidden states [batch·seq, d] for ids laid out [batch, seq] with positions pos.
   * `capture(layer, k, v)` sees each layer's post-RoPE keys and values (prefill of a KV cache).
   */
  hidden(tape: Tape, ids: Int32Array, pos: Int32Array, batch: number, seq: number, capture?: (layer: number, k: Tensor, v: Tensor) => void): Tensor {
    const c = this.cfg;
    const tables = this.tables(this.maxOf(pos) + 1);
    let x = tape.embedding(this.t('model.embed_tokens.weight'), ids);
    for (let i = 0; i < c.numLayers; i++) {
      const [q, k, v] = this.qkv(tape, x, i, pos, tables);
      capture?.(i, k, v);
      const a = tape.attention(q, k, v, batch, seq, c.numHeads, c.numKvHeads, c.headDim);
      tape.free(q, k, v);
      const o = tape.linear(a, this.t(`model.layers.${i}.self_attn.o_proj.weight`));
      tape.free(a);
      const x1 = tape.add(x, o);
      tape.free(x, o);
      x = this.mlp(tape, x1, i);
    }
    const out = tape.rmsnorm(x, this.t('model.norm.weight'), c.rmsNormEps);
    tape.free(x);
    return out;
  }

  /** LM head: logits [rows, vocab] from normed hidden states. */
  logits(tape: Tape, h: Tensor): Tensor {
    return tape.linear(h, this.t(this.cfg.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'));
  }

  /** Teacher-forced log p(target | prefix) for every padded position: [batch·seq] (pad rows are garbage). */
  tokenLogprobs(tape: Tape, b: PackedBatch): Tensor {
    const h = this.hidden(tape, b.ids, b.pos, b.batch, b.seq);
    return tape.logprobs(this.logits(tape, h), b.targets);
  }

  /** `tokenLogprobs` plus the entropy of each position's predicted distribution, from the same logits. */
  tokenLogprobsEntropy(tape: Tape, b: PackedBatch): { logprobs: Tensor; entropy: Tensor } {
    const h = this.hidden(tape, b.ids, b.pos, b.batch, b.seq);
    return tape.logprobsEntropy(this.logits(tape, h), b.targets);
  }

  /**
   * Runs fn with backend-packed copies of the Linear weights attached (inference fast path, used by
   * the sampler; a no-op wrapper on backends without packing). The weights must not change inside fn.
   */
  withPackedWeights<T>(be: Backend, fn: () => T): T {
    if (!be.packWeight || !be.packedWeightSize || !be.matmulPacked) return fn();
    const packedNames: Tensor[] = [];
    for (const [name, t] of this.tensors) {
      if (t.shape.length !== 2) continue;
      if (name === 'model.embed_tokens.weight' && !this.cfg.tieWordEmbeddings) continue;
      const [n, k] = t.shape;
      t.packed = new Float32Array(be.packedWeightSize(n, k));
      be.packWeight(t.data, t.packed, n, k);
      packedNames.push(t);
    }
    try {
      return fn();
    } finally {
      for (const t of packedNames) t.packed = null;
    }
  }

  /** A zeroed KV cache for `slots` sequences of up to `maxLen` positions. */
  newCache(slots: number, maxLen: number): KVCache {
    const c = this.cfg;
    const n = slots * maxLen * c.numKvHeads * c.headDim;
    const k: Float32Array[] = [];
    const v: Float32Array[] = [];
    for (let i = 0; i < c.numLayers; i++) {
      k.push(new Float32Array(n));
      v.push(new Float32Array(n));
    }
    return { k, v, slots, maxLen };
  }

  /**
   * One decoding step for n rows: row r feeds token ids[r] at position pos[r] of cache slot slots[r]
   * (positions 0..pos[r]−1 already cached). Writes the new keys/values into the cache and returns
   * logits [n, vocab]. Inference only (the tape should not record).
   */
  decodeStep(tape: Tape, ids: Int32Array, pos: Int32Array, slots: Int32Array, cache: KVCache): Tensor {
    const c = this.cfg;
    const n = ids.length;
    const kvd = c.numKvHeads * c.headDim;
    const tables = this.tables(this.maxOf(pos) + 1);
    const lens = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      if (pos[r] >= cache.maxLen) throw new RangeError(`decodeStep: position ${pos[r]} beyond cache length ${cache.maxLen}`);
      lens[r] = pos[r] + 1;
    }
    let x = tape.embedding(this.t('model.embed_tokens.weight'), ids);
    for (let i = 0; i < c.numLayers; i++) {
      const [q, k, v] = this.qkv(tape, x, i, pos, tables);
      const kc = cache.k[i], vc = cache.v[i];
      for (let r = 0; r < n; r++) {
        const o = (slots[r] * cache.maxLen + pos[r]) * kvd;
        kc.set(k.data.subarray(r * kvd, r * kvd + kvd), o);
        vc.set(v.data.subarray(r * kvd, r * kvd + kvd), o);
      }
      const a = tape.tensor([n, c.numHeads * c.headDim], false);
      tape.be.attentionDecode(q.data, kc, vc, a.data, slots, lens, n, cache.maxLen, c.numHeads, c.numKvHeads, c.headDim, 1 / Math.sqrt(c.headDim));
      tape.free(q, k, v);
      const o = tape.linear(a, this.t(`model.layers.${i}.self_attn.o_proj.weight`));
      tape.free(a);
      const x1 = tape.add(x, o);
      tape.free(x, o);
      x = this.mlp(tape, x1, i);
    }
    const h = tape.rmsnorm(x, this.t('model.norm.weight'), c.rmsNormEps);
    tape.free(x);
    const logits = this.logits(tape, h);
    tape.free(h);
    return logits;
  }
}
