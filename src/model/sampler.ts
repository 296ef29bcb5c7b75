/**
 * @file Batched autoregressive sampling with a KV cache over prompts of different lengths:
 * temperature (0 = greedy), top-k, top-p, stop token ids, max new tokens, seeded per prompt.
 *
 * Prompts are right-padded and prefilled in one causal pass; row b's first new token comes from the
 * logits at its last real position, and decoding then writes each new key/value at the row's own
 * position (overwriting padding), attending only to positions below it. Finished rows drop out of
 * the decode batch.
 *
 * @example
 * import { preset } from './config.js';
 * import { Transformer, initParams } from './transformer.js';
 * import { sample } from './sampler.js';
 * const cfg = preset('tiny');
 * const model = new Transformer(cfg, initParams(cfg, 1), false);
 * const out = sample(model, [[1, 2, 3], [4]], { maxNewTokens: 5, temperature: 0 });
 * out.tokens[0].length; // 5
 */
import { Rng } from '../util/rng.js';
import { UsageError } from '../util/errors.js';
import { Tape } from './autodiff.js';
import type { Backend } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import type { Transformer } from './transformer.js';

/** How to sample. */
export interface SamplingParams {
  /** Most tokens to generate per prompt (≥ 1). */
  maxNewTokens: number;
  /** Softmax temperature; 0 means greedy argmax (ties go to the lowest id). Default 1. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of most likely tokens whose mass reaches topP (0 < topP ≤ 1). Default 1 (off). */
  topP?: number;
  /** Keep only the k most likely tokens; 0 = off. Default 0. */
  topK?: number;
  /** Generation of a row stops after it emits one of these ids (the stop token is included in the output). */
  stopTokenIds?: readonly number[];
  /** Seed of the per-prompt random streams; same seed, same prompts → same tokens. Default 0. */
  seed?: number;
  /**
   * One seed per prompt, instead of `seed`: prompt i draws from the stream that a call with `seed: rowSeeds[i]`
   * gives its first prompt, so its tokens do not depend on what else is in the batch.
   */
  rowSeeds?: readonly number[];
}

/** Sampling settings with every default filled in (per-prompt seeds stay with the call). */
export type ResolvedSampling = Required<Omit<SamplingParams, 'rowSeeds'>>;

/** Why a row stopped. */
export type StopReason = 'stop' | 'length';

/** Sampled continuations, one entry per prompt, in prompt order. */
export interface SampleResult {
  /** New token ids (not including the prompt). */
  tokens: number[][];
  /** log p(token | prefix) of each new token under the model itself (temperature 1, no truncation):
   *  exactly what teacher-forced `forward` gives for the same tokens, so usable for importance ratios. */
  logprobs: number[][];
  /** 'stop' if a stop token ended the row, 'length' if maxNewTokens did. */
  stopReasons: StopReason[];
}

/** Validates and fills defaults. */
export function resolveSampling(p: SamplingParams, vocab: number): ResolvedSampling {
  const { rowSeeds: _rowSeeds, ...given } = p;
  const r = { temperature: 1, topP: 1, topK: 0, stopTokenIds: [] as readonly number[], seed: 0, ...given };
  if (!Number.isInteger(r.maxNewTokens) || r.maxNewTokens < 1) throw new UsageError(`sampling: maxNewTokens must be a positive integer, got ${r.maxNewTokens}`);
  if (!(r.temperature >= 0) || !Number.isFinite(r.temperature)) throw new UsageError(`sampling: temperature must be ≥ 0, got ${r.temperature}`);
  if (!(r.topP > 0 && r.topP <= 1)) throw new UsageError(`sampling: topP must be in (0, 1], got ${r.topP}`);
  if (!Number.isInteger(r.topK) || r.topK < 0) throw new UsageError(`sampling: topK must be a non-negative integer, got ${r.topK}`);
  for (const s of r.stopTokenIds) if (!Number.isInteger(s) || s < 0 || s >= vocab) throw new UsageError(`sampling: stop token id ${s} outside vocab [0, ${vocab})`);
  if (!Number.isFinite(r.seed)) throw new UsageError(`sampling: seed must be a finite number, got ${r.seed}`);
  return r;
}

/**
 * Chooses a token from one row of logits; returns [token, log p_model(token)] where the log-prob is
 * at temperature 1. `scratch` has at least `vocab` entries.
 */
export function chooseToken(logits: Float32Array, off: number, vocab: number, p: ResolvedSampling, rng: Rng, scratch: Float64Array): [number, number] {
  let mx = -Infinity;
  let arg = 0;
  for (let j = 0; j < vocab; j++) {
    const x = logits[off + j];
    if (x > mx) {
      mx = x;
      arg = j;
    }
  }
  let z = 0;
  for (let j = 0; j < vocab; j++) z += Math.exp(logits[off + j] - mx);
  const lse = mx + Math.log(z);
  let tok = arg;
  if (p.temperature > 0) {
    const invT = 1 / p.temperature;
    let total = 0;
    for (let j = 0; j < vocab; j++) {
      const e = Math.exp((logits[off + j] - mx) * invT);
      scratch[j] = e;
      total += e;
    }
    if (p.topK > 0 || p.topP < 1) {
      const order = Array.from({ length: vocab }, (_, j) => j).sort((a, b) => scratch[b] - scratch[a] || a - b);
      const keep = Math.min(vocab, p.topK > 0 ? p.topK : vocab);
      let kept = 0;
      let cum = 0;
      let keptMass = 0;
      for (; kept < keep; kept++) {
        keptMass += scratch[order[kept]];
        cum = keptMass / total;
        if (cum >= p.topP) {
          kept++;
          break;
        }
      }
      for (let i = kept; i < vocab; i++) scratch[order[i]] = 0;
      total = keptMass;
    }
    let u = rng.float() * total;
    tok = -1;
    let last = arg;
    for (let j = 0; j < vocab; j++) {
      const s = scratch[j];
      if (s <= 0) continue;
      last = j;
      u -= s;
      if (u < 0) {
        tok = j;
        break;
      }
    }
    if (tok < 0) tok = last; // rounding
  }
  return [tok, logits[off + tok] - lse];
}

/** Samples continuations of `prompts` (token ids, each non-empty) from `model`. */
export function sample(model: Transformer, prompts: readonly (readonly number[])[], params: SamplingParams, backend: Backend = getBackend()): SampleResult {
  return model.withPackedWeights(backend, () => sampleInner(model, prompts, params, backend));
}

function sampleInner(model: Transformer, prompts: readonly (readonly number[])[], params: SamplingParams, backend: Backend): SampleResult {
  const cfg = model.cfg;
  const V = cfg.vocabSize;
  const p = resolveSampling(params, V);
  const B = prompts.length;
  if (B === 0) return { tokens: [], logprobs: [], stopReasons: [] };
  let Tp = 0;
  for (const [i, pr] of prompts.entries()) {
    if (pr.length === 0) throw new UsageError(`sampling: prompt ${i} is empty`);
    for (const t of pr) if (!Number.isInteger(t) || t < 0 || t >= V) throw new UsageError(`sampling: prompt ${i} has token id ${t} outside vocab [0, ${V})`);
    Tp = Math.max(Tp, pr.length);
  }
  const maxLen = Tp + p.maxNewTokens;
  if (maxLen > cfg.maxPositions) throw new UsageError(`sampling: prompt length ${Tp} + maxNewTokens ${p.maxNewTokens} exceeds maxPositions ${cfg.maxPositions}`);
  const stops = new Set(p.stopTokenIds);
  const rowSeeds = params.rowSeeds;
  if (rowSeeds !== undefined) {
    if (rowSeeds.length !== B) throw new UsageError(`sampling: rowSeeds has ${rowSeeds.length} seeds for ${B} prompts`);
    for (const s of rowSeeds) if (!Number.isFinite(s)) throw new UsageError(`sampling: rowSeeds must be finite numbers, got ${s}`);
  }
  const base = new Rng(p.seed);
  const rngs = rowSeeds ? rowSeeds.map((s) => new Rng(s).fork()) : prompts.map(() => base.fork());
  const cache = model.newCache(B, maxLen);
  const kvd = cfg.numKvHeads * cfg.headDim;
  const scratch = new Float64Array(V);

  // Prefill.
  const ids = new Int32Array(B * Tp);
  const pos = new Int32Array(B * Tp);
  const last = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const pr = prompts[b];
    for (let t = 0; t < Tp; t++) {
      ids[b * Tp + t] = t < pr.length ? pr[t] : 0;
      pos[b * Tp + t] = t;
    }
    last[b] = b * Tp + pr.length - 1;
  }
  const tokens: number[][] = prompts.map(() => []);
  const logprobs: number[][] = prompts.map(() => []);
  const stopReasons: StopReason[] = prompts.map(() => 'length');
  const lens = prompts.map((pr) => pr.length);
  let tape = new Tape(backend, false);
  const h = model.hidden(tape, ids, pos, B, Tp, (layer, k, v) => {
    for (let b = 0; b < B; b++) {
      cache.k[layer].set(k.data.subarray(b * Tp * kvd, (b + 1) * Tp * kvd), b * maxLen * kvd);
      cache.v[layer].set(v.data.subarray(b * Tp * kvd, (b + 1) * Tp * kvd), b * maxLen * kvd);
    }
  });
  let logits = model.logits(tape, tape.gatherRows(h, last));
  let active = Array.from({ length: B }, (_, b) => b);
  for (let step = 0; ; step++) {
    const next: number[] = [];
    for (let r = 0; r < active.length; r++) {
      const b = active[r];
      const [tok, lp] = chooseToken(logits.data, r * V, V, p, rngs[b], scratch);
      tokens[b].push(tok);
      logprobs[b].push(lp);
      if (stops.has(tok)) stopReasons[b] = 'stop';
      else if (tokens[b].length < p.maxNewTokens) next.push(b);
    }
    tape.dispose();
    active = next;
    if (active.length === 0) break;
    const n = active.length;
    const sIds = new Int32Array(n);
    const sPos = new Int32Array(n);
    const slots = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const b = active[r];
      sIds[r] = tokens[b][tokens[b].length - 1];
      sPos[r] = lens[b] + tokens[b].length - 1;
      slots[r] = b;
    }
    tape = new Tape(backend, false);
    logits = model.decodeStep(tape, sIds, sPos, slots, cache);
  }
  return { tokens, logprobs, stopReasons };
}
