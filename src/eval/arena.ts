/**
 * @file `runEval`: the game evaluation arena (method doc 6.1) for one policy.
 *
 * Every cell (game, opponent) of the suite (suite.ts) is played `gamesPerSeat` times in each seat, the
 * opponent a scripted agent acting directly (seats swapped, same seeds in both seats so every deal is
 * played from both sides), or the policy itself in every seat for `self` (Hanabi). All cells run in one
 * balanced rollout (src/rollout): fixed games per cell, policy calls batched across games. Rows are
 * summarised by metrics.ts; for Kuhn and Leduc the policy's exact NashConv is measured by nash_conv.ts.
 * Episode i of every cell uses seed `seed + i`.
 *
 * @example
 * const report = await runEval(createPolicy('random'), { cells: parseEvalGames('kuhn_poker'), gamesPerSeat: 50 });
 * report.results[0];   // { game: 'kuhn_poker', opponent: 'nash', seat: 0, win, draw, loss, mean_return, ci95, score, nash_conv, ... }
 */
import { createAgent } from '../agents/registry.js';
import type { Game } from '../games/game.js';
import { loadGame } from '../games/registry.js';
import type { Policy, SamplingParams } from '../policy/types.js';
import type { ParseMode, PromptStyle } from '../protocol/types.js';
import { runRollouts } from '../rollout/runner.js';
import { selfPlay, versus } from '../rollout/seating.js';
import type { EpisodeRecord, RolloutJob } from '../rollout/types.js';
import { UsageError } from '../util/errors.js';
import { scoreRule, summarise, type EvalRow } from './metrics.js';
import { policyNashConv, type PolicyNashConvResult } from './nash_conv.js';
import { referenceCells, type EvalCell } from './suite.js';
import { tacticsOf } from './tactics.js';

/** Options of `runEval`. */
export interface EvalOptions {
  /** Cells to play (default: the reference protocol, `referenceCells()`). */
  readonly cells?: readonly EvalCell[];
  /** Games per seat per cell (default 100). */
  readonly gamesPerSeat?: number;
  /** Seed of game 0 (default 0). */
  readonly seed?: number;
  /** Measure NashConv for the poker games in the cells (default true). */
  readonly nashConv?: boolean;
  /** Answers per information state for NashConv (default 8). */
  readonly nashConvSamples?: number;
  /** Most games in progress at once (default all). */
  readonly maxConcurrentGames?: number;
  /** Sampling overrides sent with every request. */
  readonly sampling?: Partial<SamplingParams>;
  /**
   * Give every request a seed derived from its game's seed and turn (rollout `requestSeeds`): policies that
   * honour it (embedded checkpoints; vLLM, SGLang, llama.cpp servers) then play each game the same way
   * whichever other cells and games run beside it. Default false.
   */
  readonly requestSeeds?: boolean;
  readonly parseMode?: ParseMode;
  readonly promptStyle?: PromptStyle;
  /** Progress callback: games finished and total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** A NashConv measurement as the report gives it. */
export interface NashConvSummary {
  /** NashConv of the policy's estimated strategy (0 at a Nash equilibrium). */
  readonly nash_conv: number;
  /** NashConv / 2. */
  readonly exploitability: number;
  /** Information states asked (Kuhn 12, Leduc 936). */
  readonly info_states: number;
  /** Answers requested (0 when exact). */
  readonly queries: number;
  /** Answers per information state (K). */
  readonly samples: number;
  /** True when the distributions were known exactly (scripted random / nash). */
  readonly exact: boolean;
  /** Share of the answers that were invalid. */
  readonly invalid_rate: number;
}

/** What an evaluation produced. */
export interface EvalReport {
  /** The policy's name (its spec). */
  readonly policy: string;
  readonly seed: number;
  readonly games_per_seat: number;
  /** One row per game, opponent and seat, in suite order. */
  readonly results: EvalRow[];
  /** NashConv per poker game (game name -> measurement, see nash_conv.ts). */
  readonly nash_conv: Record<string, NashConvSummary>;
  /** Wall seconds. */
  readonly seconds: number;
  /** Every game played, for transcripts (label `{game}/{opponent}/seat{k}` or `{game}/self`). */
  readonly episodes: readonly EpisodeRecord[];
}

/** Runs the evaluation; see the file comment. */
export async function runEval(policy: Policy, options: EvalOptions = {}): Promise<EvalReport> {
  const start = performance.now();
  const cells = options.cells ?? referenceCells();
  const n = options.gamesPerSeat ?? 100;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(n) && n >= 1)) throw new UsageError(`games per seat must be a positive integer, got ${n}`);
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${seed}`);

  const games = new Map<string, Game>();
  const game = (name: string): Game => {
    let g = games.get(name);
    if (!g) games.set(name, (g = loadGame(name)));
    return g;
  };
  const plan: Array<{ cell: EvalCell; jobs: RolloutJob[] }> = cells.map((cell) => {
    const g = game(cell.game);
    const opts = { episodes: n, seed, tag: cell.game, label: cell.game };
    if (cell.opponent === 'self') return { cell, jobs: [selfPlay(g, policy, opts)] };
    createAgent(cell.opponent, g); // UsageError for a bad opponent, before any game starts
    return { cell, jobs: versus(g, policy, { agent: () => createAgent(cell.opponent, g), name: cell.opponent }, opts) };
  });
  const jobs = plan.flatMap((p) => p.jobs);
  const rollout = await runRollouts(jobs, {
    ...(options.maxConcurrentGames !== undefined ? { maxConcurrentGames: options.maxConcurrentGames } : {}),
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.requestSeeds ? { requestSeeds: true } : {}),
    ...(options.parseMode ? { parseMode: options.parseMode } : {}),
    ...(options.promptStyle ? { promptStyle: options.promptStyle } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onEpisode: (_r, done, total) => options.onProgress?.(done, total),
  });

  const nash: Record<string, NashConvSummary> = {};
  const samples = options.nashConvSamples ?? 8;
  if (options.nashConv !== false) {
    for (const name of new Set(cells.map((c) => c.game))) {
      const g = game(name);
      if (g.type.shortName !== 'kuhn_poker' && g.type.shortName !== 'leduc_poker') continue;
      const r = await policyNashConv(g, policy, {
        samples,
        ...(options.sampling ? { sampling: options.sampling } : {}),
        ...(options.parseMode ? { parseMode: options.parseMode } : {}),
        ...(options.promptStyle ? { promptStyle: options.promptStyle } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      nash[name] = summariseNashConv(r, samples);
    }
  }

  const byLabel = new Map<string, EpisodeRecord[]>();
  for (const e of rollout.episodes) {
    let list = byLabel.get(e.label);
    if (!list) byLabel.set(e.label, (list = []));
    list.push(e);
  }
  const results: EvalRow[] = [];
  for (const { cell, jobs: cellJobs } of plan) {
    const g = game(cell.game);
    for (let seat = 0; seat < g.info.numPlayers; seat++) {
      const job = cell.opponent === 'self' ? cellJobs[0] : cellJobs[seat];
      const episodes = byLabel.get(job.label) ?? [];
      results.push(
        summarise(episodes, {
          game: cell.game,
          opponent: cell.opponent,
          seat,
          rule: scoreRule(g, cell.opponent, seat),
          policy: policy.name,
          nashConv: nash[cell.game]?.nash_conv ?? null,
          tactics: tacticsOf(g, episodes, seat),
        }),
      );
    }
  }
  return {
    policy: policy.name,
    seed,
    games_per_seat: n,
    results,
    nash_conv: nash,
    seconds: (performance.now() - start) / 1000,
    episodes: rollout.episodes,
  };
}

function summariseNashConv(r: PolicyNashConvResult, samples: number): NashConvSummary {
  return {
    nash_conv: r.nashConv,
    exploitability: r.exploitability,
    info_states: r.infoStates,
    queries: r.queries,
    samples,
    exact: r.exact,
    invalid_rate: r.invalidRate,
  };
}
