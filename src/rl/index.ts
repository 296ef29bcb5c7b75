/**
 * @file The RL math of MARSHAL in one import: advantage estimators (a frozen registry, one file each), the
 * per-token expansion, and the PPO-style policy loss with its gradient. Pure functions over plain arrays.
 *
 * @example
 * import { getEstimator, flatTokenAdvantages, policyLoss } from './rl/index.js';
 * const adv = getEstimator('marshal')(trajectories);
 * const { advantages, offsets } = flatTokenAdvantages(trajectories, adv);
 * const { loss, grad, metrics } = policyLoss({ logp, oldLogp, refLogp, advantages, offsets });
 */
export type { AdvantageEstimator, Advantages, EstimatorOptions, Grouping, Trajectory, Turn } from './types.js';
export { DEFAULT_ESTIMATOR, ESTIMATORS, estimatorNames, getEstimator } from './estimators.js';
export { grpo } from './grpo.js';
export { marshal } from './marshal.js';
export { marshalRef } from './marshal-ref.js';
export { marshalNoTurn } from './marshal-no-turn.js';
export { marshalNoAgent } from './marshal-no-agent.js';
export { expandToTokens, flatTokenAdvantages, trajectoryTokenAdvantages } from './tokens.js';
export { aggregationWeights, policyLoss, type LossAggregation, type LossInput, type LossMetrics, type LossOptions, type LossOutput } from './loss.js';
export { benchRl, type RlBenchOptions, type RlBenchRow } from './bench.js';
