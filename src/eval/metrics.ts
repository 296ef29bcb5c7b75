/**
 * @file Per (game, opponent, seat) results of evaluation games, and the normalised 0-100 score.
 *
 * Statistics count every game except those stopped by a policy/server `error` (reported in `errors` and
 * `stop_reasons`, never dropped silently). `mean_return` is the seat's raw game return as the reference
 * logs it: game rewards plus the forfeit penalty -(stake) - 10 when this seat forfeited, without the 0.1
 * zero-terminal shaping or the format and length terms. `ci95` is 1.96 standard errors.
 *
 * Scores (`score_formula` in each row states the one used):
 * - board games (tic-tac-toe, Connect Four): `100 * (win + draw / 2) / games`; a forfeit is a loss.
 * - poker: `100 * (R - lo) / (hi - lo)`, clipped to [0, 100], where R is the mean return with each game this
 *   seat forfeited counted as `lo`, `hi` the exact best-response value against the opponent's policy in
 *   this seat (the most any policy can expect; against `nash` it is the game value of the seat) and `lo`
 *   the exact worst-response value (the least any valid policy can get). So 100 = plays a best response,
 *   0 = always forfeits (or plays the worst response). For opponents without a tabular policy (not
 *   `nash`/`random`) `lo`/`hi` fall back to the game's utility bounds.
 * - Hanabi (cooperative): `100 * mean(final score) / max score`, a forfeited game scoring 0.
 * Win/draw/loss compare the seat's return with the best other seat; for Hanabi, win = the maximum score,
 * loss = a forfeited game (either seat), draw = any other end.
 *
 * @example
 * const rule = scoreRule(loadGame('kuhn_poker'), 'nash', 0);   // { kind: 'chips', lo: ..., hi: -0.0556 }
 * const row = summarise(episodes, { game: 'kuhn_poker', opponent: 'nash', seat: 0, rule });
 */
import type { Game } from '../games/game.js';
import { strategyBestResponse } from '../solvers/best_response.js';
import { nashPolicy } from '../solvers/nash_policies.js';
import { strategyFromPolicy, uniformPolicy, type TabularPolicy } from '../solvers/policy.js';
import { gameTree } from '../solvers/tree.js';
import { meanCi } from '../util/stats.js';
import { STOP_REASONS, type EpisodeRecord, type StopReason } from '../rollout/types.js';
import type { Tactics } from './tactics.js';

/** How a cell is scored. */
export type ScoreRule =
  | { readonly kind: 'win_draw' }
  | { readonly kind: 'chips'; readonly lo: number; readonly hi: number; readonly basis: 'exact_response' | 'utility_bounds' }
  | { readonly kind: 'team'; readonly max: number };

/** One row of the results: a game, an opponent and the seat the evaluated policy played. */
export interface EvalRow {
  /** Game name as given (`tic_tac_toe`, `mini_hanabi`, ...). */
  game: string;
  /** The opponent's spec, or `self`. */
  opponent: string;
  /** The evaluated policy's seat (0 = moves first). */
  seat: number;
  /** The evaluated policy's name. */
  policy: string;
  /** Games played, errors included. */
  games: number;
  /** Games counted as won / drawn / lost (errors excluded). */
  win: number;
  draw: number;
  loss: number;
  /** Games stopped by a policy or server error. */
  errors: number;
  /** Mean raw return of the seat over non-error games (see the file comment). */
  mean_return: number;
  /** Half-width of the 95% confidence interval of `mean_return`. */
  ci95: number;
  /** Share of non-error games this seat forfeited by invalid, illegal or over-long output. */
  invalid_rate: number;
  /** Share of this seat's answers that were invalid, illegal or over-long. */
  invalid_answer_rate: number;
  /** Games per stop reason (all games). */
  stop_reasons: Record<StopReason, number>;
  /** Mean actions per game (both players). */
  mean_turns: number;
  /** Mean generated tokens per answer of this seat (measured where the policy reports them, else chars / 4). */
  mean_response_tokens: number;
  /** Mean characters per answer of this seat. */
  mean_response_chars: number;
  /** Normalised 0-100 score, null when no game counted. */
  score: number | null;
  /** The formula of `score`, with its constants. */
  score_formula: string;
  /** The policy's exact NashConv (poker only; the same for both seats), else null. */
  nash_conv: number | null;
  /** One-move tactics of this seat (two-player perfect-information games, `tactics.ts`), else null (absent in results written before it existed). */
  tactics?: Tactics | null;
}

/** The scoring rule of a cell (see the file comment). */
export function scoreRule(game: Game, opponent: string, seat: number): ScoreRule {
  if (game.type.utility === 'identical') return { kind: 'team', max: game.info.maxUtility };
  const short = game.type.shortName;
  if (short === 'tic_tac_toe' || short === 'connect_four') return { kind: 'win_draw' };
  const opp = tabularOpponent(game, opponent);
  if (opp && game.info.numPlayers === 2) {
    const { lo, hi } = responseBounds(game, opp, seat);
    return { kind: 'chips', lo, hi, basis: 'exact_response' };
  }
  return { kind: 'chips', lo: game.info.minUtility, hi: game.info.maxUtility, basis: 'utility_bounds' };
}

function tabularOpponent(game: Game, opponent: string): TabularPolicy | undefined {
  const short = game.type.shortName;
  if (short !== 'kuhn_poker' && short !== 'leduc_poker') return undefined;
  if (opponent === 'nash') return nashPolicy(game);
  if (opponent === 'random') return uniformPolicy(game);
  return undefined;
}

/** Exact best- and worst-response values of `seat` against `opponent` (a tabular policy for the other seat). */
export function responseBounds(game: Game, opponent: TabularPolicy, seat: number): { lo: number; hi: number } {
  const tree = gameTree(game);
  const strategy = strategyFromPolicy(tree, opponent, seat);
  const hi = strategyBestResponse(tree, strategy, seat).value;
  const negated = { ...tree, utility: [tree.utility[0].map((u) => -u), tree.utility[1].map((u) => -u)] as const };
  const lo = -strategyBestResponse(negated, strategy, seat).value;
  return { lo, hi };
}

/** The formula text of a rule, with its constants. */
export function scoreFormula(rule: ScoreRule): string {
  if (rule.kind === 'win_draw') return '100*(win+draw/2)/games; forfeit = loss';
  if (rule.kind === 'team') return `100*mean(final score)/${rule.max}; forfeit scores 0`;
  const src = rule.basis === 'exact_response' ? 'best/worst response to the opponent' : 'game utility bounds';
  return `100*clip((R-lo)/(hi-lo),0,1), R = mean return with forfeits counted as lo; lo=${round(rule.lo)}, hi=${round(rule.hi)} (${src})`;
}

/** Summarises `episodes` (all of one cell and seat) into a row. */
export function summarise(
  episodes: readonly EpisodeRecord[],
  cell: { game: string; opponent: string; seat: number; rule: ScoreRule; policy: string; nashConv?: number | null; tactics?: Tactics | null },
): EvalRow {
  const { seat, rule } = cell;
  const stop = Object.fromEntries(STOP_REASONS.map((r) => [r, 0])) as Record<StopReason, number>;
  let win = 0;
  let draw = 0;
  let loss = 0;
  let errors = 0;
  let forfeits = 0;
  let answers = 0;
  let badAnswers = 0;
  let tokens = 0;
  let chars = 0;
  let turns = 0;
  const returns: number[] = [];
  const scored: number[] = [];
  for (const e of episodes) {
    stop[e.stopReason]++;
    turns += e.numTurns;
    for (const t of e.trajectories) {
      if (t.seat !== seat) continue;
      for (const turn of t.turns) {
        answers++;
        tokens += turn.tokens;
        chars += turn.response.length;
        if (turn.outcome !== 'valid' && turn.outcome !== 'error') badAnswers++;
      }
    }
    if (e.stopReason === 'error') {
      errors++;
      continue;
    }
    const mine = e.returns[seat];
    const forfeited = e.offender === seat;
    if (forfeited) forfeits++;
    returns.push(mine);
    if (rule.kind === 'team') {
      const score = e.offender !== null ? 0 : mine;
      scored.push(score);
      if (e.offender !== null) loss++;
      else if (score >= rule.max) win++;
      else draw++;
      continue;
    }
    let best = -Infinity;
    for (let s = 0; s < e.returns.length; s++) if (s !== seat) best = Math.max(best, e.returns[s]);
    if (mine > best) win++;
    else if (mine < best) loss++;
    else draw++;
    if (rule.kind === 'chips') scored.push(forfeited ? rule.lo : mine);
  }
  const n = returns.length;
  const { mean, ci95 } = meanCi(returns);
  let score: number | null = null;
  if (n > 0) {
    if (rule.kind === 'win_draw') score = (100 * (win + draw / 2)) / n;
    else if (rule.kind === 'team') score = (100 * avg(scored)) / rule.max;
    else score = 100 * Math.min(1, Math.max(0, (avg(scored) - rule.lo) / (rule.hi - rule.lo)));
  }
  return {
    game: cell.game,
    opponent: cell.opponent,
    seat,
    policy: cell.policy,
    games: episodes.length,
    win,
    draw,
    loss,
    errors,
    mean_return: mean,
    ci95,
    invalid_rate: n === 0 ? 0 : forfeits / n,
    invalid_answer_rate: answers === 0 ? 0 : badAnswers / answers,
    stop_reasons: stop,
    mean_turns: episodes.length === 0 ? 0 : turns / episodes.length,
    mean_response_tokens: answers === 0 ? 0 : tokens / answers,
    mean_response_chars: answers === 0 ? 0 : chars / answers,
    score,
    score_formula: scoreFormula(rule),
    nash_conv: cell.nashConv ?? null,
    tactics: cell.tactics ?? null,
  };
}

function avg(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? 0 : s / xs.length;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
