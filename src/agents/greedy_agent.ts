/**
 * @file The greedy agent (`greedy`): plays a move that wins at once when it has one (the first in legal-action
 * order), else a uniformly random legal move (the `random` agent's, same seed). For two-player deterministic
 * perfect-information games (tic-tac-toe, Connect Four).
 *
 * A training opponent that punishes every threat left open (it always takes the win, where `random` takes
 * it one time in as many legal moves), while being as easy as `random` to beat otherwise: a learner that
 * does not block loses, one that blocks usually wins.
 *
 * @example
 * const agent = createAgent('greedy', loadGame('tic_tac_toe'));
 * agent.reset(7);
 * agent.act(state, 0);   // a winning cell when X has two in a row with the third empty
 */
import type { State } from '../games/game.js';
import { winningMoves } from '../games/one_move.js';
import { RandomAgent } from './random_agent.js';
import type { Agent } from './agent.js';
import { checkSeat } from './seat.js';

export class GreedyAgent implements Agent {
  readonly name = 'greedy';
  private readonly fallback: RandomAgent;

  /** `seed` seeds the random moves until the first `reset` (default 0). */
  constructor(seed = 0) {
    this.fallback = new RandomAgent(seed);
  }

  reset(seed: number): void {
    this.fallback.reset(seed);
  }

  /** The first winning move in legal-action order, else the random agent's move. */
  act(state: State, seat: number): number {
    checkSeat(state, seat);
    const wins = winningMoves(state, seat);
    return wins.length > 0 ? wins[0]! : this.fallback.act(state, seat);
  }
}
