/**
 * @file The action strings a game can show a player, found by seeded random playouts: the words a
 * from-scratch tokenizer should keep whole.
 *
 * A model trained from scratch reads `<X(1,0)>` as seven byte-level pieces and must copy them one by one
 * from the legal-action list; with each action string as one added token, choosing a move is one token
 * chosen among those of the list. `pretrain` adds the action strings of the MARSHAL suite's games (training
 * and held-out alike) to the tokenizer it trains, so one tokenizer can express every game's moves.
 *
 * @example
 * actionStrings(loadGame('kuhn_poker'));              // ['<PASS>', '<BET>']
 * suiteActionStrings().length;                         // 62 (tic-tac-toe 18, Connect Four 14, ...)
 */
import type { Game } from '../games/game.js';
import { loadGame } from '../games/registry.js';
import { Rng } from '../util/rng.js';

/** The games of the MARSHAL suite (method doc section 2): training games, then held-out ones. */
export const SUITE_GAMES: readonly string[] = Object.freeze([
  'tic_tac_toe', 'kuhn_poker', 'mini_hanabi', 'connect_four', 'leduc_poker', 'simple_hanabi',
]);

/**
 * Distinct `actionToString` texts of every legal action met in `playouts` seeded uniformly random games,
 * in order of first appearance. Deterministic for a given game, count and seed.
 */
export function actionStrings(game: Game, o: { playouts?: number; seed?: number } = {}): string[] {
  const playouts = o.playouts ?? 300;
  const rng = new Rng(o.seed ?? 1);
  const seen = new Set<string>();
  for (let i = 0; i < playouts; i++) {
    const s = game.newInitialState();
    while (!s.isTerminal()) {
      if (s.isChanceNode()) {
        const outcomes = s.chanceOutcomes();
        s.applyAction(outcomes[rng.int(outcomes.length)]![0]);
        continue;
      }
      const p = s.currentPlayer();
      const legal = s.legalActions();
      for (const a of legal) seen.add(s.actionToString(a, p));
      s.applyAction(legal[rng.int(legal.length)]!);
    }
  }
  return [...seen];
}

/** Action strings of `games` (default: the suite), deduplicated, in game order. */
export function suiteActionStrings(games: readonly string[] = SUITE_GAMES): string[] {
  const out = new Set<string>();
  for (const g of games) for (const a of actionStrings(loadGame(g))) out.add(a);
  return [...out];
}
