/**
 * @file One-move tactics of a seat in two-player, deterministic, perfect-information games (tic-tac-toe,
 * Connect Four): at each of its turns, could it win at once and did it, and could the opponent win at once
 * after some move but not after another, and did it choose a safe move?
 *
 * Scores say how often a policy wins; these say why. A policy that beats random 60% of the time as first
 * player while taking half of its immediate wins has a different problem from one that takes them all and
 * loses later. Only the game API is used (legal actions, apply, terminal returns), so every game of this
 * kind gets the counts and other games get `null`.
 *
 * Per turn of the seat whose game went on with a legal move:
 * - win chance: some legal move ends the game with the seat ahead; `wins_taken` counts the turns where the
 *   move played was one of them.
 * - threat: no win chance, and among the legal moves some let the opponent win with its next move and some
 *   do not; `threats_parried` counts the turns where the move played did not.
 * - `wins_by_chance` / `parries_by_chance`: the expected counts of a uniformly random legal move on the same
 *   turns, the baseline the counts are read against.
 *
 * @example
 * const t = tacticsOf(loadGame('tic_tac_toe'), episodes, 0);
 * t && t.wins_taken / t.win_chances;   // share of immediate wins taken
 */
import type { Game } from '../games/game.js';
import type { EpisodeRecord } from '../rollout/types.js';
import { hasOneMoveLookahead, safeMoves, winningMoves } from '../games/one_move.js';

/** One-move tactics of a seat over some games (see the file comment). */
export interface Tactics {
  /** Turns where the seat could win with one move. */
  win_chances: number;
  /** Of those, turns where it did. */
  wins_taken: number;
  /** Turns without a win where some moves let the opponent win at once and others do not. */
  threats: number;
  /** Of those, turns where the move played did not. */
  threats_parried: number;
  /** What a uniformly random legal move would have taken on the same turns: sum of winning / legal moves. */
  wins_by_chance: number;
  /** What a uniformly random legal move would have parried on the same turns: sum of safe / legal moves. */
  parries_by_chance: number;
}

/** Whether tactics are defined for `game`: two players, no chance, perfect information. */
export function hasTactics(game: Game): boolean {
  return hasOneMoveLookahead(game);
}

/** The one-move tactics of `seat` over `episodes` of `game`, or null when `game` has none (`hasTactics`). */
export function tacticsOf(game: Game, episodes: readonly EpisodeRecord[], seat: number): Tactics | null {
  if (!hasTactics(game)) return null;
  const t: Tactics = { win_chances: 0, wins_taken: 0, threats: 0, threats_parried: 0, wins_by_chance: 0, parries_by_chance: 0 };
  for (const e of episodes) {
    const state = game.newInitialState();
    for (const turn of e.transcript) {
      if (turn.action === null || state.isTerminal()) break;
      let action: number;
      try {
        action = state.stringToAction(turn.action);
      } catch {
        break; // an illegal answer ended the game here
      }
      if (turn.player === seat) {
        const legal = state.legalActions();
        const winning = winningMoves(state, seat);
        if (winning.length > 0) {
          t.win_chances++;
          t.wins_by_chance += winning.length / legal.length;
          if (winning.includes(action)) t.wins_taken++;
        } else {
          const safe = safeMoves(state, seat);
          if (safe.length > 0 && safe.length < legal.length) {
            t.threats++;
            t.parries_by_chance += safe.length / legal.length;
            if (safe.includes(action)) t.threats_parried++;
          }
        }
      }
      state.applyAction(action);
    }
  }
  return t;
}
