/**
 * @file The policy loss of method doc 4.1 over flat per-token arrays, with its exact gradient with respect to
 * each token's new log-probability, so any backend (local or remote) can back-propagate it.
 *
 * Per valid token t, ratio = exp(logp - oldLogp), A = advantage:
 *   pg   = -min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A);  where A < 0: pg = min(pg, -c * A)  (dual clip)
 *   kl   = k3 = exp(ref - logp) - (ref - logp) - 1, clamped to [-10, 10]
 *   loss = agg(pg) + klCoef * agg(kl) - entropyCoef * agg(entropy)
 * `agg` is `seq-mean-token-mean` (mean over sequences with >= 1 valid token of each sequence's token mean;
 * the reference's default, which it names seq-mean-token-sum) or `token-mean` (mean over all valid tokens).
 * Both are a weighted sum sum_t w_t x_t, so d loss / d logp_t = w_t (d pg_t + klCoef d kl_t).
 *
 * @example
 * const out = policyLoss({ logp, oldLogp, refLogp, advantages, offsets: Int32Array.of(0, 3, 5) });
 * out.loss; out.grad; out.metrics.clipFracHigh;
 */
import { UsageError, choices } from '../util/errors.js';

/** How per-token losses become one number. */
export type LossAggregation = 'seq-mean-token-mean' | 'token-mean';
const AGGREGATIONS: readonly LossAggregation[] = ['seq-mean-token-mean', 'token-mean'];

/** The per-token arrays of a batch of sequences, all of the same length n (the batch's total tokens). */
export interface LossInput {
  /** log pi(token) under the policy being trained (the variable the gradient is taken with respect to). */
  readonly logp: ArrayLike<number>;
  /** log pi_old(token): the sampling policy's log-probs, recomputed by the trainer after rollout. */
  readonly oldLogp: ArrayLike<number>;
  /** log pi_ref(token) under the frozen reference model; required when `klCoef` != 0. */
  readonly refLogp?: ArrayLike<number>;
  /** Per-token advantages (e.g. from `flatTokenAdvantages`). */
  readonly advantages: ArrayLike<number>;
  /** 1 where the token is trained (a response token), 0 where it is ignored. Default: every token. */
  readonly mask?: ArrayLike<number>;
  /**
   * Sequence boundaries, length (number of sequences + 1), non-decreasing, offsets[0] = 0 and last = n:
   * sequence i (one player's whole game) is tokens offsets[i] .. offsets[i + 1] - 1.
   */
  readonly offsets: ArrayLike<number>;
  /** Per-token policy entropies; required when `entropyCoef` != 0 (gradient reported as `gradEntropy`). */
  readonly entropy?: ArrayLike<number>;
}

/** Loss hyper-parameters; defaults are the reference's self-play values (method doc 4.1, 8). */
export interface LossOptions {
  /** PPO clip epsilon (symmetric). >= 0, default 0.2. */
  readonly clip?: number;
  /** Upper clip threshold used only for the `clipFracHigh` metric, as in the reference. Default `clip`. */
  readonly clipHigh?: number;
  /** Dual-clip constant c > 1 (cap on the loss of A < 0 tokens at c * |A|); `null` disables. Default 1.4. */
  readonly dualClip?: number | null;
  /** Coefficient of the k3 KL loss to the reference model. >= 0, default 0.2. */
  readonly klCoef?: number;
  /** Clamp bound for the per-token k3 value (to [-klClamp, klClamp]). > 0, default 10. */
  readonly klClamp?: number;
  /** Coefficient of the entropy bonus (subtracted). Default 0 (off). */
  readonly entropyCoef?: number;
  /** Aggregation mode. Default `seq-mean-token-mean`. */
  readonly aggregation?: LossAggregation;
}

/** Diagnostics, all over valid tokens. Token means unless stated. */
export interface LossMetrics {
  /** Aggregated policy-gradient term agg(pg). */
  readonly pgLoss: number;
  /** Aggregated k3 KL term agg(kl), before `klCoef`. */
  readonly klLoss: number;
  /** Aggregated entropy agg(entropy) (0 when no entropies are given). */
  readonly entropy: number;
  /** Fraction with ratio < 1 - clip. */
  readonly clipFracLow: number;
  /** Fraction with ratio > 1 + clipHigh. */
  readonly clipFracHigh: number;
  /** Fraction where the clipped surrogate was chosen, so the token's pg gradient is 0. */
  readonly clipActiveFrac: number;
  /** Fraction where the dual clip capped the loss (A < 0 and ratio > c). */
  readonly dualClipFrac: number;
  /** k1 estimate of KL(old || new): mean(oldLogp - logp). */
  readonly approxKlK1: number;
  /** k3 estimate of KL(old || new): mean(ratio - 1 - log ratio). */
  readonly approxKlK3: number;
  /** k1 estimate towards the reference: mean(logp - refLogp) (0 without `refLogp`). */
  readonly refKlK1: number;
  /** Mean clamped k3 towards the reference (0 without `refLogp`). */
  readonly refKlK3: number;
  readonly ratioMean: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  /** Tokens with mask != 0. */
  readonly validTokens: number;
  /** Sequences with at least one valid token. */
  readonly validSequences: number;
}

/** What `policyLoss` returns. */
export interface LossOutput {
  /** The scalar loss (0 when no token is valid). */
  readonly loss: number;
  /** d loss / d logp[t] for every token (0 where masked), aligned with the input. */
  readonly grad: Float64Array;
  /**
   * d loss / d entropy[t] (= -entropyCoef * weight, 0 where masked), for backends that back-propagate through
   * their entropy; present only when `entropy` was given.
   */
  readonly gradEntropy?: Float64Array;
  readonly metrics: LossMetrics;
}

// Accumulator slots of `lossKernel`.
const PG = 0, KL = 1, ENT = 2, LOW = 3, HIGH = 4, ACTIVE = 5, DUAL = 6, K1 = 7, K3 = 8, REFK1 = 9, REFK3 = 10, RSUM = 11,
  RMIN = 12, RMAX = 13, ACC_SIZE = 14;

/** Everything the per-token kernel reads and writes. */
interface Kernel {
  readonly logp: ArrayLike<number>;
  readonly oldLogp: ArrayLike<number>;
  readonly refLogp: ArrayLike<number> | undefined;
  readonly adv: ArrayLike<number>;
  readonly mask: ArrayLike<number> | undefined;
  readonly entropy: ArrayLike<number> | undefined;
  readonly grad: Float64Array;
  readonly gradEntropy: Float64Array | undefined;
  readonly acc: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly highLog: number;
  readonly cap: number;
  readonly klCoef: number;
  readonly klClamp: number;
  readonly entCoef: number;
}

/**
 * Loss terms, gradients and metric sums of the valid tokens in [a, b), each weighted `wt`. A small
 * function of its own, called once per sequence, so the engine optimises it early and keeps it optimised.
 */
function lossKernel(k: Kernel, a: number, b: number, wt: number): void {
  const { logp, oldLogp, refLogp, adv, mask, entropy, grad, gradEntropy, acc, lo, hi, highLog, cap, klCoef, klClamp } = k;
  const gEnt = -k.entCoef * wt;
  let pgS = 0, klS = 0, entS = 0, nLow = 0, nHigh = 0, nActive = 0, nDual = 0;
  let k1 = 0, k3 = 0, refK1 = 0, refK3 = 0, rSum = 0, rMin = acc[RMIN], rMax = acc[RMAX];
  for (let t = a; t < b; t++) {
    if (mask !== undefined && mask[t] === 0) continue;
    const A = adv[t];
    const lr = logp[t] - oldLogp[t];
    const r = Math.exp(lr);
    // Policy-gradient term and its derivative in logp (d ratio / d logp = ratio).
    let pg = 0;
    let dpg = 0;
    if (A !== 0) {
      const rc = r < lo ? lo : r > hi ? hi : r;
      const s1 = r * A;
      const s2 = rc * A;
      if (s1 <= s2) { pg = -s1; dpg = -A * r; } else { pg = -s2; nActive++; }
      if (A < 0 && pg > -cap * A) { pg = -cap * A; dpg = 0; nDual++; }
    }
    if (r < lo) nLow++;
    if (r > highLog) nHigh++;
    // k3 KL towards the reference; the clamp cuts the gradient outside [-klClamp, klClamp].
    let kl = 0;
    let dkl = 0;
    if (refLogp !== undefined) {
      const d = refLogp[t] - logp[t];
      const ed = Math.exp(d);
      kl = ed - d - 1;
      if (kl > klClamp) kl = klClamp;
      else if (kl < -klClamp) kl = -klClamp;
      else dkl = 1 - ed;
      refK1 -= d;
      refK3 += kl;
    }
    pgS += pg;
    klS += kl;
    if (entropy !== undefined) entS += entropy[t];
    grad[t] = wt * (dpg + klCoef * dkl);
    if (gradEntropy !== undefined) gradEntropy[t] = gEnt;
    k1 -= lr;
    k3 += r - 1 - lr;
    rSum += r;
    if (r < rMin) rMin = r;
    if (r > rMax) rMax = r;
  }
  acc[PG] += wt * pgS; acc[KL] += wt * klS; acc[ENT] += wt * entS;
  acc[LOW] += nLow; acc[HIGH] += nHigh; acc[ACTIVE] += nActive; acc[DUAL] += nDual;
  acc[K1] += k1; acc[K3] += k3; acc[REFK1] += refK1; acc[REFK3] += refK3; acc[RSUM] += rSum;
  acc[RMIN] = rMin; acc[RMAX] = rMax;
}

/** Per-sequence aggregation weights (0 for a sequence without valid tokens) and the valid counts; checks `offsets`. */
function sequenceWeights(offsets: ArrayLike<number>, mask: ArrayLike<number> | undefined, agg: LossAggregation, n: number): {
  weights: Float64Array; validTokens: number; validSequences: number;
} {
  const nSeq = offsets.length - 1;
  if (nSeq < 0 || offsets[0] !== 0 || offsets[nSeq] !== n) {
    throw new UsageError(`policyLoss: offsets must start at 0 and end at ${n} (the token count)`);
  }
  const counts = new Int32Array(nSeq);
  let validTokens = 0;
  let validSequences = 0;
  for (let s = 0; s < nSeq; s++) {
    const a = offsets[s];
    const b = offsets[s + 1];
    if (!(Number.isInteger(a) && b >= a)) throw new UsageError(`policyLoss: offsets must be non-decreasing integers (at ${s})`);
    let k = 0;
    if (mask) { for (let t = a; t < b; t++) if (mask[t] !== 0) k++; } else k = b - a;
    counts[s] = k;
    if (k > 0) validSequences++;
    validTokens += k;
  }
  const weights = new Float64Array(nSeq);
  for (let s = 0; s < nSeq; s++) {
    if (counts[s] > 0) weights[s] = agg === 'token-mean' ? 1 / validTokens : 1 / (validSequences * counts[s]);
  }
  return { weights, validTokens, validSequences };
}

/**
 * The weight w_t of every token in the loss's aggregation (`agg(x) = sum_t w_t x_t`; 0 where masked), for
 * terms a backend computes itself: an entropy bonus `-coef * agg(entropy)` has gradient `-coef * w_t` with
 * respect to token t's entropy.
 */
export function aggregationWeights(offsets: ArrayLike<number>, options: { mask?: ArrayLike<number>; aggregation?: LossAggregation } = {}): Float64Array {
  const agg = options.aggregation ?? 'seq-mean-token-mean';
  if (!AGGREGATIONS.includes(agg)) throw new UsageError(`policyLoss: unknown aggregation '${agg}'; valid: ${choices(AGGREGATIONS)}`);
  const n = offsets.length > 0 ? offsets[offsets.length - 1] : 0;
  const { weights } = sequenceWeights(offsets, options.mask, agg, n);
  const out = new Float64Array(n);
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let t = offsets[s]; t < offsets[s + 1]; t++) if (!options.mask || options.mask[t] !== 0) out[t] = weights[s];
  }
  return out;
}

function checkLength(name: string, a: ArrayLike<number> | undefined, n: number): void {
  if (a !== undefined && a.length !== n) throw new UsageError(`policyLoss: ${name} has ${a.length} entries, expected ${n} (length of logp)`);
}

/** PPO-clip + dual-clip + k3 KL (+ entropy) loss, its gradient and metrics. Bad shapes throw `UsageError`. */
export function policyLoss(input: LossInput, options: LossOptions = {}): LossOutput {
  const { logp, oldLogp, refLogp, advantages: adv, mask, offsets, entropy } = input;
  const eps = options.clip ?? 0.2;
  const epsHigh = options.clipHigh ?? eps;
  const c = options.dualClip === undefined ? 1.4 : options.dualClip;
  const klCoef = options.klCoef ?? 0.2;
  const klClamp = options.klClamp ?? 10;
  const entCoef = options.entropyCoef ?? 0;
  const agg = options.aggregation ?? 'seq-mean-token-mean';
  if (!(eps >= 0 && eps < 1)) throw new UsageError(`policyLoss: clip must be in [0, 1), got ${eps}`);
  if (!(epsHigh >= 0)) throw new UsageError(`policyLoss: clipHigh must be >= 0, got ${epsHigh}`);
  if (c !== null && !(c > 1)) throw new UsageError(`policyLoss: dualClip must be > 1 or null, got ${c}`);
  if (!(klCoef >= 0 && Number.isFinite(klCoef))) throw new UsageError(`policyLoss: klCoef must be a finite number >= 0, got ${klCoef}`);
  if (!(klClamp > 0)) throw new UsageError(`policyLoss: klClamp must be > 0, got ${klClamp}`);
  if (!Number.isFinite(entCoef)) throw new UsageError(`policyLoss: entropyCoef must be finite, got ${entCoef}`);
  if (!AGGREGATIONS.includes(agg)) throw new UsageError(`policyLoss: unknown aggregation '${agg}'; valid: ${choices(AGGREGATIONS)}`);
  const n = logp.length;
  checkLength('oldLogp', oldLogp, n);
  checkLength('refLogp', refLogp, n);
  checkLength('advantages', adv, n);
  checkLength('mask', mask, n);
  checkLength('entropy', entropy, n);
  if (klCoef !== 0 && !refLogp) throw new UsageError('policyLoss: refLogp is required when klCoef != 0');
  if (entCoef !== 0 && !entropy) throw new UsageError('policyLoss: entropy is required when entropyCoef != 0');
  const nSeq = offsets.length - 1;

  const { weights: seqWeights, validTokens, validSequences } = sequenceWeights(offsets, mask, agg, n);
  const grad = new Float64Array(n);
  const gradEntropy = entropy ? new Float64Array(n) : undefined;
  const acc = new Float64Array(ACC_SIZE);
  acc[RMIN] = Infinity;
  acc[RMAX] = -Infinity;
  const k: Kernel = { logp, oldLogp, refLogp, adv, mask, entropy, grad, gradEntropy, acc,
    lo: 1 - eps, hi: 1 + eps, highLog: 1 + epsHigh, cap: c === null ? Infinity : c, klCoef, klClamp, entCoef };
  for (let s = 0; s < nSeq; s++) if (seqWeights[s] !== 0) lossKernel(k, offsets[s], offsets[s + 1], seqWeights[s]);
  const [pgLoss, klLoss, entLoss, nLow, nHigh, nActive, nDual, k1, k3old, refK1, refK3, rSum, rMin, rMax] = acc;
  const m = validTokens > 0 ? 1 / validTokens : 0;
  return {
    loss: pgLoss + klCoef * klLoss - entCoef * entLoss,
    grad,
    gradEntropy,
    metrics: {
      pgLoss, klLoss, entropy: entLoss,
      clipFracLow: nLow * m, clipFracHigh: nHigh * m, clipActiveFrac: nActive * m, dualClipFrac: nDual * m,
      approxKlK1: k1 * m, approxKlK3: k3old * m, refKlK1: refK1 * m, refKlK3: refK3 * m,
      ratioMean: rSum * m, ratioMin: validTokens > 0 ? rMin : 1, ratioMax: validTokens > 0 ? rMax : 1,
      validTokens, validSequences,
    },
  };
}
