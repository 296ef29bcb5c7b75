import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { aggregationWeights, policyLoss, type LossInput, type LossOptions } from './loss.js';

const NO_KL: LossOptions = { klCoef: 0 };

/** One token with the given ratio and advantage, PG term only. */
function one(ratio: number, A: number, opts: LossOptions = NO_KL) {
  return policyLoss({ logp: [Math.log(ratio)], oldLogp: [0], advantages: [A], offsets: [0, 1] }, opts);
}

function near(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: got ${a}, expected ${b}`);
}

test('PPO clip and dual clip on hand-computed tokens (eps 0.2, c 1.4)', () => {
  // [ratio, A, pg loss, d loss / d logp]
  const cases: [number, number, number, number][] = [
    [1.1, 1, -1.1, -1.1], // inside the clip range: -ratio*A, gradient -A*ratio
    [1.5, 1, -1.2, 0], // A > 0, ratio above 1 + eps: clipped, no gradient
    [0.5, 1, -0.5, -0.5], // A > 0, ratio below 1 - eps: unclipped side wins the min
    [0.5, -1, 0.8, 0], // A < 0, ratio below 1 - eps: clipped at (1 - eps)|A|, no gradient
    [1.3, -1, 1.3, 1.3], // A < 0, ratio above 1 + eps but below c: unclipped, gradient |A|*ratio
    [2, -1, 1.4, 0], // A < 0, ratio above c: dual clip caps the loss at c|A|
    [1.1, -2, 2.2, 2.2],
    [3, 0, 0, 0], // A = 0
  ];
  for (const [r, A, pg, g] of cases) {
    const out = one(r, A);
    near(out.loss, pg, 1e-12, `loss r=${r} A=${A}`);
    near(out.metrics.pgLoss, pg, 1e-12, `pgLoss r=${r} A=${A}`);
    near(out.grad[0], g, 1e-12, `grad r=${r} A=${A}`);
  }
  // Without the dual clip the A < 0, ratio 2 token keeps its full loss and gradient.
  const free = one(2, -1, { klCoef: 0, dualClip: null });
  near(free.loss, 2, 1e-12, 'no dual clip');
  near(free.grad[0], 2, 1e-12, 'no dual clip grad');
  // Other constants.
  near(one(1.3, 1, { klCoef: 0, clip: 0.4 }).loss, -1.3, 1e-12, 'eps 0.4');
  near(one(2, -1, { klCoef: 0, dualClip: 3 }).loss, 2, 1e-12, 'c 3');
});

test('metrics: clip fractions, dual clip, ratio stats, approx KL', () => {
  const ratios = [0.5, 1, 1.25, 2];
  const A = [1, 1, 1, -1];
  const out = policyLoss({ logp: ratios.map(Math.log), oldLogp: [0, 0, 0, 0], advantages: A, offsets: [0, 4] }, { klCoef: 0, clipHigh: 0.28 });
  const m = out.metrics;
  near(m.clipFracLow, 0.25, 0, 'low');
  near(m.clipFracHigh, 0.25, 0, 'high uses clipHigh 0.28: 2 counts, 1.25 does not');
  near(m.clipActiveFrac, 0.25, 0, 'active: ratio 1.25 with A > 0');
  near(m.dualClipFrac, 0.25, 0, 'dual');
  near(m.ratioMean, 4.75 / 4, 1e-12, 'ratio mean');
  near(m.ratioMin, 0.5, 1e-12, 'min');
  near(m.ratioMax, 2, 1e-12, 'max');
  const lr = ratios.map(Math.log);
  near(m.approxKlK1, -lr.reduce((a, b) => a + b) / 4, 1e-12, 'k1');
  near(m.approxKlK3, ratios.reduce((a, r, i) => a + r - 1 - lr[i], 0) / 4, 1e-12, 'k3');
  assert.equal(m.validTokens, 4);
  assert.equal(m.validSequences, 1);
  const byClip = policyLoss({ logp: ratios.map(Math.log), oldLogp: [0, 0, 0, 0], advantages: A, offsets: [0, 4] }, NO_KL);
  near(byClip.metrics.clipFracHigh, 0.5, 0, 'clipHigh defaults to clip');
  assert.equal(byClip.loss, out.loss, 'clipHigh changes only the metric');
});

test('k3 KL to the reference: value, gradient and the clamp at 10', () => {
  // logp = 0, ref = ln 2: k3 = 2 - ln 2 - 1, d/d logp = 1 - exp(ref - logp) = -1.
  const a = policyLoss({ logp: [0], oldLogp: [0], refLogp: [Math.LN2], advantages: [0], offsets: [0, 1] }, { klCoef: 0.2 });
  near(a.metrics.klLoss, 1 - Math.LN2, 1e-12, 'k3');
  near(a.loss, 0.2 * (1 - Math.LN2), 1e-12, 'loss');
  near(a.grad[0], 0.2 * -1, 1e-12, 'grad');
  near(a.metrics.refKlK1, -Math.LN2, 1e-12, 'ref k1');
  // ref - logp = 5: exp(5) - 6 = 142.4 -> clamped to 10 with zero gradient.
  const b = policyLoss({ logp: [-5], oldLogp: [-5], refLogp: [0], advantages: [0], offsets: [0, 1] });
  near(b.metrics.klLoss, 10, 0, 'clamped');
  near(b.loss, 0.2 * 10, 1e-12, 'clamped loss');
  assert.equal(b.grad[0], 0);
});

test('aggregation: seq-mean-token-mean weighs sequences equally, token-mean weighs tokens; empty sequences drop out', () => {
  // pg per token = -A at ratio 1. Sequence 0: one token A = 3; sequence 1: three tokens A = 1; sequence 2: all masked.
  const input: LossInput = {
    logp: [0, 0, 0, 0, 0, 0], oldLogp: [0, 0, 0, 0, 0, 0], advantages: [3, 1, 1, 1, 7, 7],
    mask: [1, 1, 1, 1, 0, 0], offsets: [0, 1, 4, 6],
  };
  const seq = policyLoss(input, NO_KL);
  near(seq.loss, -(3 + 1) / 2, 1e-12, 'seq-mean-token-mean');
  assert.equal(seq.metrics.validSequences, 2);
  near(seq.grad[0], -3 / 2, 1e-12, 'grad seq 0');
  near(seq.grad[1], -1 / 6, 1e-12, 'grad seq 1');
  assert.equal(seq.grad[4], 0);
  const tok = policyLoss(input, { klCoef: 0, aggregation: 'token-mean' });
  near(tok.loss, -(3 + 3) / 4, 1e-12, 'token-mean');
  near(tok.grad[0], -3 / 4, 1e-12, 'grad token-mean');
  // Nothing valid: zero loss, zero gradient, no NaN.
  const none = policyLoss({ ...input, mask: [0, 0, 0, 0, 0, 0] }, NO_KL);
  assert.equal(none.loss, 0);
  assert.ok(none.grad.every((g) => g === 0));
  for (const v of Object.values(none.metrics)) assert.ok(Number.isFinite(v), `metric ${v}`);
  // The weights on their own (for terms a backend computes, such as the entropy bonus).
  assert.deepEqual([...aggregationWeights(input.offsets, { mask: input.mask })], [1 / 2, 1 / 6, 1 / 6, 1 / 6, 0, 0]);
  assert.deepEqual([...aggregationWeights(input.offsets, { mask: input.mask, aggregation: 'token-mean' })], [1 / 4, 1 / 4, 1 / 4, 1 / 4, 0, 0]);
});

test('entropy term: subtracted with its coefficient, gradient reported per entropy', () => {
  const input: LossInput = { logp: [0, 0], oldLogp: [0, 0], advantages: [0, 0], entropy: [1, 3], offsets: [0, 2] };
  const out = policyLoss(input, { klCoef: 0, entropyCoef: 0.01 });
  near(out.metrics.entropy, 2, 1e-12, 'entropy');
  near(out.loss, -0.02, 1e-12, 'loss');
  near(out.gradEntropy![0], -0.005, 1e-12, 'grad entropy');
  assert.equal(policyLoss({ ...input, entropy: undefined }, NO_KL).gradEntropy, undefined);
  assert.throws(() => policyLoss({ ...input, entropy: undefined }, { klCoef: 0, entropyCoef: 0.01 }), UsageError);
  // gradEntropy is -entropyCoef times the aggregation weights, whatever the entropies are.
  const b = randomBatch(5);
  const weights = aggregationWeights(b.offsets, { mask: b.mask });
  const g = policyLoss(b, { entropyCoef: 0.3 }).gradEntropy!;
  for (let t = 0; t < g.length; t++) near(g[t], -0.3 * weights[t], 1e-15, `token ${t}`);
});

/** A random batch whose ratios stay away from the kinks at 1 +- eps and c, and whose k3 stays below 10. */
function randomBatch(seed: number): LossInput {
  const rng = new Rng(seed);
  const lens = [5, 1, 12, 7, 3];
  const n = lens.reduce((a, b) => a + b);
  const offsets = [0];
  for (const l of lens) offsets.push(offsets[offsets.length - 1] + l);
  const logp: number[] = [], oldLogp: number[] = [], refLogp: number[] = [], advantages: number[] = [], mask: number[] = [], entropy: number[] = [];
  const ratios = [0.5, 0.9, 1.1, 1.3, 1.6, 0.7, 1.0];
  for (let t = 0; t < n; t++) {
    const old = -0.2 - 3 * rng.float();
    const r = rng.pick(ratios) * (1 + 0.04 * (rng.float() - 0.5));
    oldLogp.push(old);
    logp.push(old + Math.log(r));
    refLogp.push(old + 1.5 * (rng.float() - 0.5));
    advantages.push(rng.float() * 4 - 2);
    mask.push(rng.float() < 0.85 ? 1 : 0);
    entropy.push(rng.float());
  }
  return { logp, oldLogp, refLogp, advantages, mask, offsets, entropy };
}

test('gradient matches central finite differences (both aggregations, KL and entropy on)', () => {
  for (const aggregation of ['seq-mean-token-mean', 'token-mean'] as const) {
    for (const seed of [1, 2, 3]) {
      const input = randomBatch(seed);
      const opts: LossOptions = { aggregation, entropyCoef: 0.01 };
      const { grad } = policyLoss(input, opts);
      const h = 1e-6;
      const logp = Array.from(input.logp);
      let checked = 0;
      for (let t = 0; t < logp.length; t++) {
        const plus = [...logp]; plus[t] += h;
        const minus = [...logp]; minus[t] -= h;
        const fd = (policyLoss({ ...input, logp: plus }, opts).loss - policyLoss({ ...input, logp: minus }, opts).loss) / (2 * h);
        near(grad[t], fd, 1e-6, `${aggregation} seed ${seed} token ${t}`);
        if (grad[t] !== 0) checked++;
      }
      assert.ok(checked > 10, `only ${checked} non-zero gradients checked`);
    }
  }
});

test('bad shapes and options name the problem', () => {
  const ok: LossInput = { logp: [0, 0], oldLogp: [0, 0], refLogp: [0, 0], advantages: [1, 1], offsets: [0, 2] };
  assert.throws(() => policyLoss({ ...ok, oldLogp: [0] }), /oldLogp has 1 entries, expected 2/);
  assert.throws(() => policyLoss({ ...ok, offsets: [0, 1] }), /offsets must start at 0 and end at 2/);
  assert.throws(() => policyLoss({ ...ok, offsets: [0, 2, 1, 2] }), /non-decreasing/);
  assert.throws(() => policyLoss({ ...ok, refLogp: undefined }), /refLogp is required/);
  assert.throws(() => policyLoss(ok, { aggregation: 'seq-mean-token-sum' as never }), /unknown aggregation/);
  assert.throws(() => policyLoss(ok, { dualClip: 0.9 }), UsageError);
  assert.throws(() => policyLoss(ok, { clip: -0.1 }), UsageError);
  assert.equal(policyLoss({ ...ok, refLogp: undefined }, { klCoef: 0 }).loss, -1);
});
