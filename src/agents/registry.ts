/**
 * @file The agent spec grammar, in one frozen registry: `name[:arg[:arg]]`.
 *
 * | spec            | agent                                                                 |
 * |-----------------|-----------------------------------------------------------------------|
 * | `random`        | uniform over legal actions                                            |
 * | `greedy`        | a move that wins at once when there is one, else uniform (two-player perfect-information games) |
 * | `minimax[:D]`   | alpha-beta with a transposition table; exact for tic-tac-toe, depth D (default 8) with a heuristic for Connect Four |
 * | `mcts:N[:R[:C]]`| UCT with N simulations, R random rollouts per leaf (default 10), uct_c C (default 2) |
 * | `nash`          | the Nash policy: analytic for Kuhn, our saved CFR equilibrium for Leduc |
 * | `human`         | a person at the terminal                                              |
 *
 * @example
 * const agent = createAgent('mcts:100', loadGame('tic_tac_toe'));
 */
import type { Game } from '../games/game.js';
import { UsageError, choices } from '../util/errors.js';
import type { Agent } from './agent.js';
import { HumanAgent } from './human_agent.js';
import { MctsAgent } from './mcts_agent.js';
import { MinimaxAgent } from './minimax_agent.js';
import { NashAgent } from './nash_agent.js';
import { RandomAgent } from './random_agent.js';
import { GreedyAgent } from './greedy_agent.js';
import { hasOneMoveLookahead } from '../games/one_move.js';

export interface AgentSpec {
  /** The grammar, e.g. `mcts:N[:R[:C]]`. */
  readonly spec: string;
  readonly description: string;
  /** Builds the agent from the arguments after the name; throws UsageError for bad ones. */
  create(args: string[], game: Game): Agent;
}

function intArg(spec: string, name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`agent '${spec}' needs ${name}`);
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`agent '${spec}': ${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}

function floatArg(spec: string, name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0) throw new UsageError(`agent '${spec}': ${name} must be a non-negative number, got '${raw}'`);
  return v;
}

function maxArgs(spec: string, args: string[], n: number): void {
  if (args.length > n) throw new UsageError(`agent '${spec}' takes at most ${n} argument${n === 1 ? '' : 's'}`);
}

export const AGENTS: Readonly<Record<string, AgentSpec>> = Object.freeze({
  random: {
    spec: 'random',
    description: 'uniform over legal actions',
    create: (args) => (maxArgs('random', args, 0), new RandomAgent()),
  },
  greedy: {
    spec: 'greedy',
    description: 'wins at once when it can, else uniform over legal actions (two-player deterministic perfect-information games)',
    create: (args) => (maxArgs('greedy', args, 0), new GreedyAgent()),
  },
  minimax: {
    spec: 'minimax[:D]',
    description: 'alpha-beta search (exact for tic-tac-toe; depth D, default 8, for Connect Four)',
    create: (args) => (maxArgs('minimax', args, 1), new MinimaxAgent(args[0] === undefined ? {} : { depth: intArg('minimax:D', 'D', args[0]) })),
  },
  mcts: {
    spec: 'mcts:N[:R[:C]]',
    description: 'UCT with N simulations, R random rollouts per leaf (default 10), exploration C (default 2)',
    create: (args) => (
      maxArgs('mcts', args, 3),
      new MctsAgent({
        simulations: intArg('mcts:N', 'N (simulations)', args[0]),
        rollouts: intArg('mcts:N:R', 'R (rollouts)', args[1], 10),
        uctC: args[2] === undefined ? undefined : floatArg('mcts:N:R:C', 'C (uct_c)', args[2]),
      })
    ),
  },
  nash: {
    spec: 'nash',
    description: 'Nash equilibrium policy (Kuhn: analytic; Leduc: saved CFR solution)',
    create: (args) => (maxArgs('nash', args, 0), new NashAgent()),
  },
  human: {
    spec: 'human',
    description: 'a person at the terminal',
    create: (args) => (maxArgs('human', args, 0), new HumanAgent()),
  },
});

export const AGENT_SPECS: readonly AgentSpec[] = Object.values(AGENTS);

/** Builds an agent for `game` from its spec; bad specs throw a UsageError listing the valid ones. */
export function createAgent(spec: string, game: Game): Agent {
  const [name, ...args] = spec.trim().split(':');
  const def = AGENTS[name];
  if (!def) throw new UsageError(`unknown agent '${spec}'; valid agents: ${choices(AGENT_SPECS.map((a) => a.spec))}`);
  const agent = def.create(args, game);
  if (name === 'minimax' && game.type.information !== 'perfect') {
    throw new UsageError(`agent 'minimax' needs a perfect-information game; ${game.spec} has imperfect information`);
  }
  if (name === 'greedy' && !hasOneMoveLookahead(game)) {
    throw new UsageError(`agent 'greedy' needs a two-player deterministic perfect-information game; ${game.spec} is not one`);
  }
  if (name === 'mcts' && game.type.information !== 'perfect') {
    throw new UsageError(`agent 'mcts' would see hidden cards in ${game.spec}; use it on perfect-information games`);
  }
  if (name === 'nash' && !['kuhn_poker', 'leduc_poker'].includes(game.type.shortName)) {
    throw new UsageError(`agent 'nash' has policies for 'kuhn_poker' and 'leduc_poker' only, not ${game.spec}`);
  }
  return agent;
}
