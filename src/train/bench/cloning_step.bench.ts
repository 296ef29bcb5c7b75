/**
 * @file Times one behaviour-cloning step (`cloningStep`) on chats as long as the six games' (tic-tac-toe 354
 * tokens on average, Kuhn 177, Mini Hanabi 553, Connect Four 1135 and up to 2000, Leduc 341, Simple Hanabi
 * 637), split by `lengthGroups` against the reference, one call padded to the longest chat; prints medians and
 * the ratio, measured in the same run.
 * @example
 * npx tsx src/train/bench/cloning_step.bench.ts [reps]
 */
import { EmbeddedEngine } from '../../model/engine.js';
import { preset } from '../../model/config.js';
import { Rng } from '../../util/rng.js';
import { median } from '../../util/stats.js';
import { CLONING_TOKEN_BUDGET, cloningStep, type ClonedChat } from '../pretrain.js';

const reps = Number(process.argv[2] ?? 5);
const lengths = [354, 177, 553, 1135, 2000, 341, 637, 420, 200, 900, 600, 300];
const data: ClonedChat[] = lengths.map((n, i) => {
  const ids = Array.from({ length: n }, (_, j) => (i * 7 + j * 13) % 379);
  const mask = new Uint8Array(n);
  for (let j = 0; j < n; j += 40) mask.fill(1, j, Math.min(n, j + 8)); // answers: a few tokens every turn
  return { ids, mask };
});
const times: Record<string, number[]> = { grouped: [], padded: [] };
const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: 379 }), seed: 1 });
for (let r = 0; r < reps; r++) {
  for (const [name, budget] of [['grouped', CLONING_TOKEN_BUDGET], ['padded', Infinity]] as const) {
    const t = performance.now();
    await cloningStep(engine, data, 16, new Rng(r), { lr: 0 }, budget);
    times[name]!.push(performance.now() - t);
  }
}
const g = median(times.grouped!);
const p = median(times.padded!);
console.log(`cloning step, tiny, batch 16 of the six games' chat lengths: grouped ${g.toFixed(0)} ms, padded to the longest (reference) ${p.toFixed(0)} ms, ratio ${(p / g).toFixed(2)}x (median of ${reps})`);
