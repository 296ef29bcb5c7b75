/**
 * @file One RL step's policy update over the step-level engine interface: the batch of trajectories is
 * split into `miniBatches` shuffled groups and each group gets its own optimizer step (the reference
 * configuration makes 16 optimizer steps of 8 trajectories per RL step, method doc 4.2; `ppo_epochs` 1).
 *
 * Per group: current log-probs (`forward`, so from the second group on the PPO ratio against the sampling
 * log-probs differs from 1 and the clip acts), `policyLoss` over the group's tokens (reference log-probs of
 * the frozen model computed once for the batch), the per-token gradient placed on the response positions of
 * each sequence (0 on prompt tokens), `forwardBackward` in micro-batches, `optimStep`.
 *
 * @example
 * const m = await policyUpdate({ engine, reference, batch, cfg, step });
 * m.loss; m.gradNorm; m.weightVersion;
 */
import type { TrainingEngine } from '../model/engine.js';
import { aggregationWeights, policyLoss } from '../rl/index.js';
import { Rng } from '../util/rng.js';
import type { TrainConfig } from './config.js';
import { adamwParams } from './schedule.js';

/** The trained tokens of one RL step, flat over trajectories (see `flatTokenAdvantages`). */
export interface UpdateBatch {
  /** Training sequence ids per trajectory. */
  readonly ids: readonly number[][];
  /** Per trajectory, per turn: the position of the turn's first sampled id in `ids[i]`. */
  readonly starts: readonly number[][];
  /** Per trajectory, per turn: sampled token count. */
  readonly lengths: readonly number[][];
  /** Sampling log-probs, flat over all trajectories' response tokens. */
  readonly oldLogp: Float64Array;
  /** Advantages, flat like `oldLogp`. */
  readonly advantages: Float64Array;
  /** Trajectory i owns flat tokens offsets[i]..offsets[i+1]. */
  readonly offsets: ArrayLike<number>;
}

/** Metrics of one update, averaged over its optimizer steps (`lr`/`weightVersion` are the last step's). */
export interface UpdateMetrics {
  loss: number;
  pgLoss: number;
  klLoss: number;
  clipFrac: number;
  approxKl: number;
  /** Aggregated policy entropy of the trained tokens (NaN when `loss.entropyCoef` is 0: not computed). */
  entropy: number;
  gradNorm: number;
  lr: number;
  weightVersion: number;
  optimizerSteps: number;
}

/** Gathers the response-token log-probs of trajectory `i` from a `forward` row into `dst` at `at`. */
function gather(row: readonly number[], starts: readonly number[], lengths: readonly number[], dst: Float64Array, at: number): number {
  let p = at;
  for (let k = 0; k < starts.length; k++) {
    for (let j = 0; j < lengths[k]!; j++) dst[p++] = row[starts[k]! + j - 1]!;
  }
  return p;
}

/** A deterministic partition of 0..n-1 into at most `groups` shuffled groups of near-equal size. */
export function miniBatchGroups(n: number, groups: number, seed: number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const g = Math.max(1, Math.min(groups, n));
  const out: number[][] = Array.from({ length: g }, () => []);
  order.forEach((t, i) => out[i % g]!.push(t));
  return out.map((x) => x.sort((a, b) => a - b));
}

/** Runs the update of RL step `step` (0-based); see the file comment. */
export async function policyUpdate(o: {
  engine: TrainingEngine;
  reference: TrainingEngine | null;
  batch: UpdateBatch;
  cfg: TrainConfig;
  step: number;
}): Promise<UpdateMetrics> {
  const { engine, batch, cfg, step } = o;
  const n = batch.ids.length;
  const ref = cfg.loss.klCoef !== 0 && o.reference ? await o.reference.forward(batch.ids as number[][]) : null;
  const groups = miniBatchGroups(n, cfg.miniBatches, (cfg.seed * 7_919 + step * 104_729) >>> 0);
  const totalOpt = cfg.steps * cfg.miniBatches;
  const entCoef = cfg.loss.entropyCoef;
  const acc: UpdateMetrics = { loss: 0, pgLoss: 0, klLoss: 0, clipFrac: 0, approxKl: 0, entropy: entCoef !== 0 ? 0 : NaN, gradNorm: 0, lr: 0, weightVersion: engine.weightVersion, optimizerSteps: 0 };
  for (const [gi, group] of groups.entries()) {
    // Flat token arrays of this group.
    const offs = [0];
    for (const i of group) offs.push(offs[offs.length - 1]! + batch.offsets[i + 1]! - batch.offsets[i]!);
    const m = offs[offs.length - 1]!;
    const oldLogp = new Float64Array(m);
    const adv = new Float64Array(m);
    const logp = new Float64Array(m);
    const refLogp = new Float64Array(m);
    const ids = group.map((i) => batch.ids[i]!);
    const cur = await engine.forward(ids);
    group.forEach((i, g) => {
      const a = batch.offsets[i]!;
      const len = batch.offsets[i + 1]! - a;
      oldLogp.set(batch.oldLogp.subarray(a, a + len), offs[g]!);
      adv.set(batch.advantages.subarray(a, a + len), offs[g]!);
      const end = gather(cur[g]!, batch.starts[i]!, batch.lengths[i]!, logp, offs[g]!);
      if (end !== offs[g + 1]) throw new Error(`trajectory ${i}: ${end - offs[g]!} sampled tokens but ${len} advantage tokens`);
      if (ref) gather(ref[i]!, batch.starts[i]!, batch.lengths[i]!, refLogp, offs[g]!);
    });
    const out = policyLoss(
      { logp, oldLogp, refLogp: ref ? refLogp : undefined, advantages: adv, offsets: offs },
      { clip: cfg.loss.clip, clipHigh: cfg.loss.clipHigh, dualClip: cfg.loss.dualClip === 0 ? null : cfg.loss.dualClip, klCoef: cfg.loss.klCoef, aggregation: cfg.loss.aggregation },
    );
    // The entropy bonus -entropyCoef * agg(entropy): the engine computes the entropies and back-propagates
    // them with weight -entropyCoef * w_t (w_t: the token's aggregation weight).
    const gEnt = entCoef !== 0 ? aggregationWeights(offs, { aggregation: cfg.loss.aggregation }).map((w) => -entCoef * w) : null;
    let bonus = 0; // Σ gEnt · entropy = -entropyCoef · agg(entropy)
    for (let c = 0; c < group.length; c += cfg.microBatch) {
      const chunk: number[][] = [];
      const weights: number[][] = [];
      const entWeights: number[][] = [];
      for (let g = c; g < Math.min(group.length, c + cfg.microBatch); g++) {
        const i = group[g]!;
        const w = new Array<number>(batch.ids[i]!.length - 1).fill(0);
        const e = gEnt ? new Array<number>(w.length).fill(0) : null;
        let p = offs[g]!;
        const starts = batch.starts[i]!;
        for (let k = 0; k < starts.length; k++) {
          for (let j = 0; j < batch.lengths[i]![k]!; j++, p++) {
            w[starts[k]! + j - 1] = out.grad[p]!;
            if (e) e[starts[k]! + j - 1] = gEnt![p]!;
          }
        }
        chunk.push(batch.ids[i]!);
        weights.push(w);
        if (e) entWeights.push(e);
      }
      const fb = await engine.forwardBackward(chunk, weights, gEnt ? entWeights : undefined);
      if (gEnt) {
        if (!fb.entropies) throw new Error('the engine returned no entropies for entropy weights (loss.entropyCoef needs an engine that supports them)');
        fb.entropies.forEach((row, r) => entWeights[r]!.forEach((x, t) => (bonus += x * row[t]!)));
      }
    }
    const hp = adamwParams(cfg.optim, step * cfg.miniBatches + gi, totalOpt);
    const s = await engine.optimStep(hp);
    acc.loss += out.loss + bonus;
    if (entCoef !== 0) acc.entropy += bonus / -entCoef;
    acc.pgLoss += out.metrics.pgLoss;
    acc.klLoss += out.metrics.klLoss;
    acc.clipFrac += out.metrics.clipActiveFrac;
    acc.approxKl += out.metrics.approxKlK1;
    acc.gradNorm += s.gradNorm;
    acc.lr = hp.lr;
    acc.weightVersion = s.weightVersion;
    acc.optimizerSteps++;
  }
  const k = Math.max(1, acc.optimizerSteps);
  for (const key of ['loss', 'pgLoss', 'klLoss', 'clipFrac', 'approxKl', 'entropy', 'gradNorm'] as const) acc[key] /= k;
  return acc;
}
