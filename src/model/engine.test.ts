/**
 * @file Engine tests: the tiny model overfits a fixed batch, gradient accumulation over micro-batches,
 * weight versions, save → load bit-exact round trip, the frozen reference copy, bounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/rng.js';
import { UsageError } from '../util/errors.js';
import type { Backend } from './backend/backend.js';
import { jsBackend } from './backend/js.js';
import { loadNativeBackend } from './backend/native.js';
import { preset } from './config.js';
import { EmbeddedEngine, type EngineCheckpoint } from './engine.js';
import { cloneParams } from './transformer.js';

const native = loadNativeBackend();
const backends: Backend[] = native ? [jsBackend, native] : [jsBackend];
const rng = new Rng(2);
const batch = Array.from({ length: 3 }, () => Array.from({ length: 12 }, () => rng.int(256)));
const nTok = batch.reduce((s, q) => s + q.length - 1, 0);
const meanNll = batch.map((q) => q.slice(1).map(() => -1 / nTok)); // d(mean NLL)/d(logprob)

for (const be of backends) {
  test(`${be.name}: tiny model overfits a fixed batch (mean NLL < 0.3 in 30 seeded steps)`, () => {
    const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 1, backend: be });
    let first = 0, last = 0;
    for (let i = 0; i < 30; i++) {
      last = eng.forwardBackwardSync(batch, meanNll).objective;
      if (i === 0) first = last;
      eng.optimStepSync({ lr: 1e-2, weightDecay: 0 });
    }
    assert.ok(first > 5, `initial loss ${first} should be near ln 256`);
    assert.ok(last < 0.3, `final loss ${last}`);
    assert.equal(eng.weightVersion, 30);
  });
}

test('gradients accumulate: two half batches equal one full batch; micro-batch size does not matter', () => {
  const a = new EmbeddedEngine({ config: preset('tiny'), seed: 3, backend: jsBackend, microBatchSize: 1 });
  const b = new EmbeddedEngine({ config: preset('tiny'), seed: 3, backend: jsBackend, microBatchSize: 16 });
  a.forwardBackwardSync(batch.slice(0, 1), meanNll.slice(0, 1));
  a.forwardBackwardSync(batch.slice(1), meanNll.slice(1));
  const rb = b.forwardBackwardSync(batch, meanNll);
  const ga = a.gradients(), gb = b.gradients();
  for (const [k, g] of ga) {
    const h = gb.get(k)!;
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - h[i]) <= 1e-6 + 1e-4 * Math.abs(h[i]), `${k}[${i}]`);
  }
  assert.equal(rb.tokens, nTok);
  assert.deepEqual(rb.logprobs.map((r) => r.length), batch.map((q) => q.length - 1));
  assert.throws(() => b.forwardBackwardSync(batch, meanNll.slice(1)), UsageError);
  assert.throws(() => b.forwardBackwardSync(batch, [[1], [2], [3]]), /weights/);
});

test('weightVersion increases per optimizer step and is reported with samples; forward is stable', async () => {
  const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 4 });
  const s0 = await eng.sample([[1, 2]], { maxNewTokens: 2 });
  assert.equal(s0.weightVersion, 0);
  const before = await eng.forward(batch);
  assert.deepEqual(await eng.forward(batch), before);
  await eng.forwardBackward(batch, meanNll);
  const r = await eng.optimStep({ lr: 1e-3 });
  assert.equal(r.weightVersion, 1);
  assert.ok(r.gradNorm > 0);
  assert.equal((await eng.sample([[1, 2]], { maxNewTokens: 2 })).weightVersion, 1);
  assert.notDeepEqual(await eng.forward(batch), before);
});

test('save → load round-trips weights, optimizer state and version bit-exactly', async () => {
  const a = new EmbeddedEngine({ config: preset('tiny'), seed: 5 });
  for (let i = 0; i < 2; i++) {
    a.forwardBackwardSync(batch, meanNll);
    a.optimStepSync({ lr: 1e-3 });
  }
  let stored: EngineCheckpoint | null = null;
  // An in-memory writer that copies, as a file writer would.
  await a.save((c) => {
    stored = {
      config: { ...c.config },
      params: cloneParams(c.params),
      optimizer: c.optimizer && { step: c.optimizer.step, m: new Map([...c.optimizer.m].map(([k, v]) => [k, v.slice()])), v: new Map([...c.optimizer.v].map(([k, v]) => [k, v.slice()])) },
      weightVersion: c.weightVersion,
    };
  });
  const b = new EmbeddedEngine({ config: preset('tiny'), seed: 99 });
  await b.load(() => stored!);
  assert.equal(b.weightVersion, 2);
  for (const [k, e] of a.parameters()) assert.deepEqual(b.parameters().get(k)!.data, e.data);
  // Both continue identically.
  a.forwardBackwardSync(batch, meanNll);
  b.forwardBackwardSync(batch, meanNll);
  a.optimStepSync({ lr: 1e-3 });
  b.optimStepSync({ lr: 1e-3 });
  for (const [k, e] of a.parameters()) assert.deepEqual(b.parameters().get(k)!.data, e.data);
  const other = new EmbeddedEngine({ config: preset('tiny', { numLayers: 1 }) });
  await assert.rejects(other.load(() => stored!), /numLayers/);
});

test('the frozen reference copy does not move when the policy trains', () => {
  const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 6 });
  const ref = eng.frozenCopy();
  const before = ref.forwardSync(batch);
  eng.forwardBackwardSync(batch, meanNll);
  eng.optimStepSync({ lr: 1e-2 });
  assert.deepEqual(ref.forwardSync(batch), before);
  assert.notDeepEqual(eng.forwardSync(batch), before);
  assert.throws(() => ref.forwardBackwardSync(batch, meanNll), /frozen/);
});

test('memory stays bounded: no new buffers and flat RSS over many steps', () => {
  const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 7 });
  const step = (): void => {
    eng.forwardBackwardSync(batch, meanNll);
    eng.optimStepSync({ lr: 1e-3 });
    eng.sampleSync([[1, 2, 3], [4]], { maxNewTokens: 3 });
  };
  for (let i = 0; i < 5; i++) step();
  const allocs = eng.poolStats().allocations;
  const rss = process.memoryUsage().rss;
  for (let i = 0; i < 150; i++) step();
  const s = eng.poolStats();
  assert.equal(s.allocations, allocs, 'the buffer pool kept allocating');
  assert.equal(s.live, 0, 'buffers leaked out of the pool');
  assert.ok(process.memoryUsage().rss - rss < 64 * 2 ** 20, 'RSS grew by more than 64 MiB');
});

test('entropy weights: the gradient matches finite differences, and descending them lowers the entropy', () => {
  const zeros = batch.map((q) => q.slice(1).map(() => 0));
  const ent = batch.map((q) => q.slice(1).map((_, t) => (t % 3 === 0 ? 1 : -0.5) / nTok));
  const eng = new EmbeddedEngine({ config: preset('tiny'), seed: 4, backend: jsBackend });
  const r = eng.forwardBackwardSync(batch, zeros, ent);
  assert.deepEqual(r.entropies!.map((x) => x.length), batch.map((q) => q.length - 1));
  for (const row of r.entropies!) for (const h of row) assert.ok(h > 0 && h <= Math.log(256) + 1e-4, `entropy ${h}`);
  // d objective / d parameter, checked on the final norm's weights (central differences in float32)
  const name = 'model.norm.weight';
  const grad = Float32Array.from(eng.gradients().get(name)!); // a copy: the evaluations below accumulate more
  const w = eng.checkpoint().params.get(name)!.data;
  let checked = 0;
  for (const i of [0, 7, 21, 40]) {
    const keep = w[i];
    const eps = 1e-2;
    w[i] = keep + eps;
    const up = eng.forwardBackwardSync(batch, zeros, ent).objective;
    w[i] = keep - eps;
    const down = eng.forwardBackwardSync(batch, zeros, ent).objective;
    w[i] = keep;
    const fd = (up - down) / (2 * eps);
    assert.ok(Math.abs(fd - grad[i]) <= 2e-4 + 0.05 * Math.abs(fd), `${name}[${i}]: finite difference ${fd}, gradient ${grad[i]}`);
    checked++;
  }
  assert.equal(checked, 4);
  // minimising Σ (1/n)·entropy makes the predictions sharper
  const e2 = new EmbeddedEngine({ config: preset('tiny'), seed: 5, backend: jsBackend });
  const sharpen = batch.map((q) => q.slice(1).map(() => 1 / nTok));
  const mean = (rows: number[][]) => rows.flat().reduce((a, b) => a + b, 0) / nTok;
  const h0 = mean(e2.forwardBackwardSync(batch, zeros, sharpen).entropies!);
  e2.zeroGrad();
  for (let i = 0; i < 10; i++) {
    e2.forwardBackwardSync(batch, zeros, sharpen);
    e2.optimStepSync({ lr: 1e-2, weightDecay: 0 });
  }
  const h1 = mean(e2.forwardBackwardSync(batch, zeros, sharpen).entropies!);
  assert.ok(h1 < h0 - 0.5, `entropy ${h0} -> ${h1}`);
  assert.throws(() => e2.forwardBackwardSync(batch, zeros, ent.slice(1)), /entropy weight rows/);
});
