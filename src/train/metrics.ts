/**
 * @file The trainer's metrics: per game and seat rollout statistics, the `train` and `eval` JSONL records,
 * and appending them to `metrics.jsonl`.
 *
 * @example
 * import { gameSeatStats, appendJsonl } from './metrics.js';
 * const games = gameSeatStats(result.trajectories);   // { tic_tac_toe: { seats: { '0': { reward_mean, ... } } } }
 * appendJsonl('runs/x/metrics.jsonl', { type: 'train', step: 1, games });
 */
import { appendFileSync } from 'node:fs';
import type { RolloutTrajectory } from '../rollout/types.js';

/** Rollout statistics of one seat of one game over a step's trajectories. */
export interface SeatStats {
  /** Mean trajectory reward (sum of turn rewards: game reward + format bonus + length penalty). */
  reward_mean: number;
  /** Mean raw game return of the seat (forfeit penalty included). */
  return_mean: number;
  /** Population standard deviation of those returns: 0 in every seat of a game means self-play has collapsed
   * onto one outcome, and per-seat normalised advantages carry no signal about winning. */
  return_std: number;
  /** Share of this seat's answers judged invalid (bad format, illegal move, over-long). */
  invalid_rate: number;
  /** Mean generated tokens per answer. */
  response_tokens: number;
  /** Mean answers (turns) per trajectory. */
  turns: number;
  /** Trajectories counted. */
  trajectories: number;
}

/** Per game, per seat statistics: `{ [game]: { seats: { [seat]: SeatStats } } }`. */
export type GameStats = Record<string, { seats: Record<string, SeatStats> }>;

/** Groups trajectories by game tag and seat and computes `SeatStats` for each group. */
export function gameSeatStats(trajectories: readonly RolloutTrajectory[]): GameStats {
  const acc = new Map<string, { r: number; g: number; g2: number; bad: number; answers: number; tokens: number; n: number }>();
  for (const t of trajectories) {
    const key = `${t.game}\u0000${t.seat}`;
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { r: 0, g: 0, g2: 0, bad: 0, answers: 0, tokens: 0, n: 0 }));
    a.n++;
    a.r += t.totalReward;
    a.g += t.gameReturn;
    a.g2 += t.gameReturn * t.gameReturn;
    for (const turn of t.turns) {
      a.answers++;
      a.tokens += turn.tokens;
      if (turn.outcome !== 'valid') a.bad++;
    }
  }
  const out: GameStats = {};
  for (const key of [...acc.keys()].sort()) {
    const [game, seat] = key.split('\u0000') as [string, string];
    const a = acc.get(key)!;
    (out[game] ??= { seats: {} }).seats[seat] = {
      reward_mean: a.r / a.n,
      return_mean: a.g / a.n,
      return_std: Math.sqrt(Math.max(0, a.g2 / a.n - (a.g / a.n) ** 2)),
      invalid_rate: a.answers > 0 ? a.bad / a.answers : 0,
      response_tokens: a.answers > 0 ? a.tokens / a.answers : 0,
      turns: a.answers / a.n,
      trajectories: a.n,
    };
  }
  return out;
}

/**
 * Games of `stats` whose self-play has collapsed: at least two trajectories in every seat, and every seat's
 * returns identical (e.g. the same first-player win in every game).
 */
export function collapsedGames(stats: GameStats): string[] {
  return Object.keys(stats).filter((g) => {
    const seats = Object.values(stats[g]!.seats);
    return seats.length > 0 && seats.every((x) => x.trajectories >= 2 && x.return_std < 1e-9);
  });
}

/** Share of invalid answers over all games and seats of `stats`. */
export function overallInvalidRate(stats: GameStats): number {
  let bad = 0;
  let all = 0;
  for (const g of Object.values(stats)) {
    for (const s of Object.values(g.seats)) {
      const answers = s.turns * s.trajectories;
      bad += s.invalid_rate * answers;
      all += answers;
    }
  }
  return all > 0 ? bad / all : 0;
}

/** Appends one JSON record as a line. */
export function appendJsonl(path: string, record: unknown): void {
  appendFileSync(path, JSON.stringify(record) + '\n');
}
