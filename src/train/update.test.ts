import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miniBatchGroups } from './update.js';

test('miniBatchGroups: a seeded partition into near-equal shuffled groups', () => {
  const g = miniBatchGroups(10, 4, 7);
  assert.equal(g.length, 4);
  assert.deepEqual(g.flat().sort((a, b) => a - b), [...Array(10).keys()]);
  for (const x of g) assert.ok(x.length === 2 || x.length === 3);
  assert.deepEqual(miniBatchGroups(10, 4, 7), g);
  assert.notDeepEqual(miniBatchGroups(10, 4, 8), g);
  assert.deepEqual(miniBatchGroups(3, 8, 1).map((x) => x.length), [1, 1, 1]); // never an empty group
  assert.deepEqual(miniBatchGroups(5, 1, 1), [[0, 1, 2, 3, 4]]);
});

test('policyUpdate with loss.entropyCoef > 0: reports the entropy, adds its bonus to the loss, and raises the entropy', async () => {
  const { EmbeddedEngine } = await import('../model/engine.js');
  const { preset } = await import('../model/config.js');
  const { loadConfig } = await import('./config.js');
  const { policyUpdate } = await import('./update.js');
  const { Rng } = await import('../util/rng.js');
  const rng = new Rng(9);
  const ids = Array.from({ length: 4 }, () => Array.from({ length: 20 }, () => rng.int(256)));
  const starts = ids.map(() => [10]);
  const lengths = ids.map(() => [8]);
  const offsets = [0, 8, 16, 24, 32];
  const run = async (entropyCoef: number) => {
    const engine = new EmbeddedEngine({ config: preset('tiny'), seed: 2 });
    // Sharpen the random model first (a freshly initialised one is already near the maximum entropy, ln 256).
    const nll = ids.map((q) => q.slice(1).map(() => -1 / 76));
    for (let i = 0; i < 15; i++) {
      engine.forwardBackwardSync(ids, nll);
      engine.optimStepSync({ lr: 1e-2, weightDecay: 0 });
    }
    const cfg = loadConfig('tictactoe-tiny', [`loss.entropyCoef=${entropyCoef}`, 'loss.klCoef=0', 'miniBatches=1', 'steps=6', 'optim.warmup=0', 'optim.cosine=false', 'optim.lr=1e-2', 'optim.weightDecay=0']);
    const out = [];
    for (let step = 0; step < 6; step++) {
      const cur = await engine.forward(ids);
      const oldLogp = new Float64Array(32);
      ids.forEach((_, i) => { for (let j = 0; j < 8; j++) oldLogp[offsets[i]! + j] = cur[i]![10 + j - 1]!; });
      // zero advantages: only the entropy bonus moves the weights
      out.push(await policyUpdate({ engine, reference: null, cfg, step, batch: { ids, starts, lengths, oldLogp, advantages: new Float64Array(32), offsets } }));
    }
    return out;
  };
  const withBonus = await run(0.5);
  const h = withBonus.map((m) => m.entropy);
  assert.ok(h.every((x) => x > 0 && x <= Math.log(256) + 1e-4), h.join(' '));
  assert.ok(Math.abs(withBonus[0]!.loss - -0.5 * h[0]!) < 1e-6, `loss ${withBonus[0]!.loss} = -0.5 * entropy ${h[0]}`);
  assert.ok(h[5]! > h[0]! + 0.2, `entropy ${h[0]} -> ${h[5]}`);
  const without = await run(0);
  assert.ok(Number.isNaN(without[0]!.entropy));
  assert.equal(without[5]!.loss, 0);
});
