/**
 * @file Sampler tests: greedy = teacher-forced argmax, KV-cache log-probs = teacher-forced log-probs,
 * seeding, stop tokens, top-k/top-p limits; on both backends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/rng.js';
import { UsageError } from '../util/errors.js';
import { Tape, BufferPool } from './autodiff.js';
import type { Backend } from './backend/backend.js';
import { jsBackend } from './backend/js.js';
import { loadNativeBackend } from './backend/native.js';
import { preset } from './config.js';
import { Transformer, initParams, packSequences } from './transformer.js';
import { sample, chooseToken, resolveSampling } from './sampler.js';

const native = loadNativeBackend();
const backends: Backend[] = native ? [jsBackend, native] : [jsBackend];
const cfg = preset('tiny', { tieWordEmbeddings: false });
const params = initParams(cfg, 11);
// Sharper distributions than the 0.02 init, so greedy paths are not near-ties.
for (const [k, e] of params) if (e.shape.length === 2) for (let i = 0; i < e.data.length; i++) e.data[i] *= k.includes('embed') || k.includes('lm_head') ? 20 : 5;
const model = new Transformer(cfg, params, false);
const rng = new Rng(12);
const prompts = [3, 9, 1, 6].map((n) => Array.from({ length: n }, () => rng.int(cfg.vocabSize)));

/** Teacher-forced logits of full sequences: per sequence, per position, the vocab row. */
function teacherLogits(be: Backend, seqs: number[][]): Float32Array[][] {
  const b = packSequences(seqs, cfg.vocabSize);
  const t = new Tape(be, false, new BufferPool());
  const lg = model.logits(t, model.hidden(t, b.ids, b.pos, b.batch, b.seq)).data;
  const out = seqs.map((s, i) => Array.from({ length: s.length - 1 }, (_, p) => lg.slice((i * b.seq + p) * cfg.vocabSize, (i * b.seq + p + 1) * cfg.vocabSize)));
  t.dispose();
  return out;
}

function teacherLogprobs(be: Backend, seqs: number[][]): number[][] {
  const b = packSequences(seqs, cfg.vocabSize);
  const t = new Tape(be, false, new BufferPool());
  const lp = model.tokenLogprobs(t, b).data;
  const out = seqs.map((s, i) => Array.from(lp.subarray(i * b.seq, i * b.seq + s.length - 1)));
  t.dispose();
  return out;
}

for (const be of backends) {
  test(`${be.name}: temperature 0 is deterministic and equals teacher-forced argmax`, () => {
    const a = sample(model, prompts, { maxNewTokens: 12, temperature: 0, seed: 1 }, be);
    const b = sample(model, prompts, { maxNewTokens: 12, temperature: 0, seed: 2 }, be);
    assert.deepEqual(a.tokens, b.tokens);
    const full = prompts.map((p, i) => [...p, ...a.tokens[i]]);
    const lg = teacherLogits(be, full);
    const distinct = new Set<number>();
    for (let i = 0; i < prompts.length; i++) {
      assert.equal(a.tokens[i].length, 12);
      for (let j = 0; j < 12; j++) {
        const row = lg[i][prompts[i].length - 1 + j];
        let arg = 0;
        for (let v = 1; v < row.length; v++) if (row[v] > row[arg]) arg = v;
        assert.equal(a.tokens[i][j], arg, `prompt ${i} token ${j}`);
        distinct.add(arg);
      }
    }
    assert.ok(distinct.size > 3, 'greedy output is not degenerate');
  });

  test(`${be.name}: KV-cache sampling log-probs equal teacher-forced log-probs`, () => {
    const s = sample(model, prompts, { maxNewTokens: 10, temperature: 1, seed: 5 }, be);
    const full = prompts.map((p, i) => [...p, ...s.tokens[i]]);
    const tf = teacherLogprobs(be, full);
    for (let i = 0; i < prompts.length; i++) {
      for (let j = 0; j < s.tokens[i].length; j++) {
        const want = tf[i][prompts[i].length - 1 + j];
        assert.ok(Math.abs(s.logprobs[i][j] - want) < 1e-4, `prompt ${i} token ${j}: ${s.logprobs[i][j]} vs ${want}`);
      }
    }
  });
}

test('same seed, same samples; another seed, other samples; a prompt\'s stream does not depend on the batch', () => {
  const a = sample(model, prompts, { maxNewTokens: 8, seed: 3 });
  const b = sample(model, prompts, { maxNewTokens: 8, seed: 3 });
  const c = sample(model, prompts, { maxNewTokens: 8, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.tokens, c.tokens);
});

test('rowSeeds: each prompt samples what it would alone with its seed, wherever it sits in the batch', () => {
  const seeds = [101, 202, 303, 404];
  const batch = sample(model, prompts, { maxNewTokens: 8, rowSeeds: seeds });
  prompts.forEach((p, i) => assert.deepEqual(batch.tokens[i], sample(model, [p], { maxNewTokens: 8, seed: seeds[i] }).tokens[0], `prompt ${i}`));
  const order = [2, 0, 3, 1];
  const shuffled = sample(model, order.map((i) => prompts[i]!), { maxNewTokens: 8, rowSeeds: order.map((i) => seeds[i]!) });
  order.forEach((i, k) => assert.deepEqual(shuffled.tokens[k], batch.tokens[i]));
  assert.notDeepEqual(sample(model, prompts, { maxNewTokens: 8, seed: 101 }).tokens.slice(1), batch.tokens.slice(1)); // not the batch seed's forks
  assert.throws(() => sample(model, prompts, { maxNewTokens: 2, rowSeeds: [1, 2] }), /rowSeeds has 2 seeds for 4 prompts/);
  assert.throws(() => sample(model, prompts, { maxNewTokens: 2, rowSeeds: [1, 2, NaN, 4] }), /rowSeeds must be finite/);
});

test('stop tokens end a row (the stop token is kept); maxNewTokens ends the rest', () => {
  const all = Array.from({ length: cfg.vocabSize }, (_, i) => i);
  const s = sample(model, prompts, { maxNewTokens: 5, stopTokenIds: all, seed: 1 });
  for (const t of s.tokens) assert.equal(t.length, 1);
  assert.deepEqual(s.stopReasons, ['stop', 'stop', 'stop', 'stop']);
  const g = sample(model, prompts, { maxNewTokens: 6, temperature: 0 });
  const stop = g.tokens[1][2];
  const s2 = sample(model, prompts, { maxNewTokens: 6, temperature: 0, stopTokenIds: [stop] });
  assert.equal(s2.stopReasons[1], 'stop');
  assert.equal(s2.tokens[1].length, g.tokens[1].indexOf(stop) + 1);
});

test('top-k = 1 and a tiny top-p reduce to greedy', () => {
  const g = sample(model, prompts, { maxNewTokens: 6, temperature: 0 });
  assert.deepEqual(sample(model, prompts, { maxNewTokens: 6, topK: 1, seed: 9 }).tokens, g.tokens);
  assert.deepEqual(sample(model, prompts, { maxNewTokens: 6, topP: 1e-9, seed: 9 }).tokens, g.tokens);
});

test('chooseToken: top-k keeps only the k best, frequencies follow the distribution', () => {
  const logits = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
  const r = new Rng(1);
  const scratch = new Float64Array(4);
  const count = [0, 0, 0, 0];
  const p = resolveSampling({ maxNewTokens: 1, topK: 2 }, 4);
  for (let i = 0; i < 4000; i++) count[chooseToken(logits, 0, 4, p, r, scratch)[0]]++;
  assert.equal(count[2] + count[3], 0);
  assert.ok(Math.abs(count[0] / 4000 - 0.625) < 0.03, `${count}`);
  const [, lp] = chooseToken(logits, 0, 4, resolveSampling({ maxNewTokens: 1, temperature: 0 }, 4), r, scratch);
  assert.ok(Math.abs(lp - Math.log(0.5)) < 1e-6);
});

test('bad sampling parameters are usage errors', () => {
  assert.throws(() => sample(model, prompts, { maxNewTokens: 0 }), UsageError);
  assert.throws(() => sample(model, prompts, { maxNewTokens: 2, topP: 0 }), UsageError);
  assert.throws(() => sample(model, [[]], { maxNewTokens: 2 }), /empty/);
  assert.throws(() => sample(model, [[cfg.vocabSize]], { maxNewTokens: 2 }), /outside vocab/);
  assert.throws(() => sample(model, [[1]], { maxNewTokens: 2, stopTokenIds: [-1] }), UsageError);
});
