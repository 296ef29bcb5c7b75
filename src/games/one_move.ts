/**
 * @file One-move lookahead over the game API, for two-player deterministic perfect-information games
 * (tic-tac-toe, Connect Four): which moves win at once, and which let the opponent win at once.
 *
 * Used by the tactics counts of evaluation (src/eval/tactics.ts), by the `greedy` scripted agent and by the
 * tactical teachers of the diagnostics in src/scripts.
 *
 * @example
 * const s = loadGame('tic_tac_toe').newInitialState();
 * for (const a of [0, 3, 1, 4]) s.applyAction(a);
 * winningMoves(s, 0);   // [2]: X completes the top row
 * tacticalMoves(s, 0);  // [2]
 */
import type { Game, State } from './game.js';

/** Whether one-move lookahead is meaningful for `game`: two players, no chance, perfect information. */
export function hasOneMoveLookahead(game: Game): boolean {
  return game.info.numPlayers === 2 && game.type.chanceMode === 'deterministic' && game.type.information === 'perfect';
}

/** Whether `action` by `player` ends the game with `player` strictly ahead. */
export function winsAtOnce(state: State, action: number, player: number): boolean {
  const next = state.clone();
  next.applyAction(action);
  if (!next.isTerminal()) return false;
  const r = next.rewards();
  return r[player]! > r[1 - player]!;
}

/** The legal moves of `player` that win at once (in legal-action order). */
export function winningMoves(state: State, player: number): number[] {
  return state.legalActions().filter((a) => winsAtOnce(state, a, player));
}

/** Whether, after `action` by `player`, the opponent has a move that wins at once. */
export function allowsWin(state: State, action: number, player: number): boolean {
  const next = state.clone();
  next.applyAction(action);
  if (next.isTerminal()) return false;
  return next.legalActions().some((a) => winsAtOnce(next, a, 1 - player));
}

/** The legal moves of `player` after which the opponent has no move that wins at once (in legal-action order). */
export function safeMoves(state: State, player: number): number[] {
  return state.legalActions().filter((a) => !allowsWin(state, a, player));
}

/**
 * What a one-move tactical player chooses among: the moves that win at once when there are some, else the
 * safe moves when there are some, else every legal move.
 */
export function tacticalMoves(state: State, player: number): number[] {
  const wins = winningMoves(state, player);
  if (wins.length > 0) return wins;
  const safe = safeMoves(state, player);
  return safe.length > 0 ? safe : state.legalActions();
}
