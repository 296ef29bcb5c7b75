/**
 * @file Which charts the report draws, built from groups of runs: training losses, then per game the
 * self-play statistics per seat, the evaluation score and win/draw/loss rates per opponent and seat, poker
 * NashConv, Hanabi score and evaluation invalid-output rate. Charts without data are left out.
 *
 * Colours tell groups (runs, ablation variants) apart and dashes tell seats apart; with a single group,
 * colours tell seats apart too (dashes keep overlapping seat lines visible). Series longer than MAX_POINTS
 * are bin-averaged.
 *
 * @example
 * for (const section of chartSections(groupRuns(findRuns(['runs/a', 'runs/b'])))) console.log(section.title, section.charts.length);
 */
import type { ReportEvalRow, Run, SeatScalar, TrainScalar } from './metrics.js';
import type { RunGroup } from './runs.js';
import { aggregate, binned, colour, DASHES, type Extract, type Series } from './series.js';
import type { ChartSpec } from './svg.js';

/** Longer series are averaged in bins down to this many points (see `binned`). */
export const MAX_POINTS = 250;

/** A titled block of charts. */
export interface Section {
  /** Heading. */
  title: string;
  /** Charts with at least one point. */
  charts: ChartSpec[];
}

const TRAIN_CHARTS: ReadonlyArray<{ key: TrainScalar; title: string; y: string; range?: [number, number] }> = [
  { key: 'loss', title: 'Total loss', y: 'loss' },
  { key: 'pg_loss', title: 'Policy-gradient loss', y: 'pg loss' },
  { key: 'kl_loss', title: 'KL to the reference policy', y: 'KL' },
  { key: 'approx_kl', title: 'Approximate KL (old vs new policy)', y: 'approx KL' },
  { key: 'clip_frac', title: 'Clip fraction', y: 'fraction clipped', range: [0, 0] },
  { key: 'entropy', title: 'Policy entropy', y: 'entropy (nats/token)' },
  { key: 'grad_norm', title: 'Gradient norm', y: 'grad norm' },
];

const SEAT_CHARTS: ReadonlyArray<{ key: SeatScalar; title: string; y: string; range?: [number, number] }> = [
  { key: 'reward_mean', title: 'training-game reward', y: 'mean reward' },
  { key: 'invalid_rate', title: 'training-game invalid-output rate', y: 'invalid rate', range: [0, 1] },
  { key: 'response_tokens', title: 'training-game response length', y: 'tokens per answer', range: [0, 0] },
];

/** All sections for `groups`. */
export function chartSections(groups: readonly RunGroup[]): Section[] {
  const sections: Section[] = [];
  const training: ChartSpec[] = [];
  for (const c of TRAIN_CHARTS) {
    const series = groups.map((g, i) => line(g, groups, i, 0, g.label, (run) => run.train.map((t) => [t.step, t.scalars[c.key]] as const)));
    training.push({ id: `train-${c.key}`, title: c.title, xLabel: 'step', yLabel: c.y, series, yRange: c.range });
  }
  sections.push({ title: 'Training', charts: training.filter(hasData) });
  for (const game of gamesOf(groups)) {
    const charts: ChartSpec[] = [];
    const seats = seatsOf(groups, game);
    for (const c of SEAT_CHARTS) {
      const series = seatSeries(groups, seats, (seat) => (run) => run.train.map((t) => [t.step, t.games[game]?.[seat]?.[c.key]] as const));
      charts.push({ id: `${game}-selfplay-${c.key}`, title: `${game}: ${c.title}`, xLabel: 'step', yLabel: c.y, series, yRange: c.range });
    }
    for (const opp of opponentsOf(groups, game)) {
      const cell = (seat: number, f: (row: ReportEvalRow) => number | null | undefined): Extract => (run) => evalValues(run, game, opp, seat, f);
      const chart = (id: string, title: string, y: string, f: (row: ReportEvalRow) => number | null | undefined, range?: [number, number]) =>
        charts.push({ id: `${game}-${opp}-${id}`, title: `${game} vs ${opp}: ${title}`, xLabel: 'step', yLabel: y, series: seatSeries(groups, seats, (s) => cell(s, f)), yRange: range });
      chart('score', 'score', 'score (0-100)', (r) => r.score, [0, 100]);
      if (/hanabi/i.test(game)) chart('hanabi', 'Hanabi score', 'mean final score', (r) => r.mean_return, [0, 0]);
      chart('win', 'win rate', 'win rate', (r) => rate(r, r.win), [0, 1]);
      chart('draw', 'draw rate', 'draw rate', (r) => rate(r, r.draw), [0, 1]);
      chart('loss', 'loss rate', 'loss rate', (r) => rate(r, r.loss), [0, 1]);
    }
    // NashConv is a property of the policy (same for every seat and opponent): one line per group.
    const nc = groups.map((g, i) => line(g, groups, i, 0, g.label, (run) => run.evals.map((e) => [e.step, e.rows.find((r) => r.game === game && r.nash_conv !== null)?.nash_conv] as const)));
    charts.push({ id: `${game}-nashconv`, title: `${game}: NashConv of the policy`, xLabel: 'step', yLabel: 'NashConv (chips)', series: nc, yRange: [0, 0] });
    const inv = seatSeries(groups, seats, (seat) => (run) => run.evals.map((e) => [e.step, mean(e.rows.filter((r) => r.game === game && r.seat === seat).map((r) => r.invalid_rate))] as const));
    charts.push({ id: `${game}-eval-invalid`, title: `${game}: eval invalid-output rate (mean over opponents)`, xLabel: 'step', yLabel: 'forfeit rate', series: inv, yRange: [0, 1] });
    // One-move tactics, pooled over opponents: taken / offered immediate wins, parried / parryable threats.
    const pooled = (taken: (r: ReportEvalRow) => [number, number] | undefined) => (seat: number) => (run: Run) =>
      run.evals.map((e) => {
        let num = 0;
        let den = 0;
        for (const r of e.rows) {
          const nd = r.game === game && r.seat === seat ? taken(r) : undefined;
          if (nd) { num += nd[0]; den += nd[1]; }
        }
        return [e.step, den > 0 ? num / den : undefined] as const;
      });
    charts.push({ id: `${game}-eval-wins-taken`, title: `${game}: immediate wins taken (pooled over opponents)`, xLabel: 'step', yLabel: 'share taken', series: seatSeries(groups, seats, pooled((r) => r.tactics && [r.tactics.wins_taken, r.tactics.win_chances])), yRange: [0, 1] });
    charts.push({ id: `${game}-eval-threats-parried`, title: `${game}: threats parried (pooled over opponents)`, xLabel: 'step', yLabel: 'share parried', series: seatSeries(groups, seats, pooled((r) => r.tactics && [r.tactics.threats_parried, r.tactics.threats])), yRange: [0, 1] });
    sections.push({ title: game, charts: charts.filter(hasData) });
  }
  return sections.filter((s) => s.charts.length > 0);
}

/** One series per group and seat. */
function seatSeries(groups: readonly RunGroup[], seats: readonly number[], extract: (seat: number) => Extract): Series[] {
  const out: Series[] = [];
  groups.forEach((g, gi) =>
    seats.forEach((seat, si) => {
      const label = groups.length > 1 ? `${g.label} · seat ${seat}` : `seat ${seat}`;
      out.push(line(g, groups, gi, si, label, extract(seat), false));
    }),
  );
  return out;
}

function line(g: RunGroup, groups: readonly RunGroup[], gi: number, si: number, label: string, extract: Extract, seedCount = true): Series {
  const many = groups.length > 1;
  // Seat charts already carry two entries per group: the seed count is left to the page header and tooltips.
  const seeds = seedCount && g.runs.length > 1 ? ` (${g.runs.length} seeds)` : '';
  return {
    label: label + seeds,
    color: colour(many ? gi : si),
    dash: DASHES[si % DASHES.length],
    points: binned(aggregate(g.runs, extract), MAX_POINTS),
  };
}

function evalValues(run: Run, game: string, opp: string, seat: number, f: (row: ReportEvalRow) => number | null | undefined): Array<readonly [number, number | null | undefined]> {
  const out: Array<readonly [number, number | null | undefined]> = [];
  for (const e of run.evals) {
    const row = e.rows.find((r) => r.game === game && r.opponent === opp && r.seat === seat);
    if (row) out.push([e.step, f(row)]);
  }
  return out;
}

/** Share of counted games (errors excluded) with this outcome. */
export function rate(row: ReportEvalRow, count: number | undefined): number | undefined {
  if (count === undefined) return undefined;
  const counted = row.win !== undefined && row.draw !== undefined && row.loss !== undefined ? row.win + row.draw + row.loss : (row.games ?? 0) - (row.errors ?? 0);
  return counted > 0 ? count / counted : undefined;
}

function mean(xs: ReadonlyArray<number | undefined>): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined);
  return v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0) / v.length;
}

function hasData(c: ChartSpec): boolean {
  return c.series.some((s) => s.points.length > 0);
}

function allRuns(groups: readonly RunGroup[]): Run[] {
  return groups.flatMap((g) => g.runs);
}

/** Games seen in train or eval records, sorted. */
export function gamesOf(groups: readonly RunGroup[]): string[] {
  const set = new Set<string>();
  for (const run of allRuns(groups)) {
    for (const t of run.train) for (const g of Object.keys(t.games)) set.add(g);
    for (const e of run.evals) for (const r of e.rows) set.add(r.game);
  }
  return [...set].sort();
}

function seatsOf(groups: readonly RunGroup[], game: string): number[] {
  const set = new Set<number>();
  for (const run of allRuns(groups)) {
    for (const t of run.train) for (const s of Object.keys(t.games[game] ?? {})) set.add(Number(s));
    for (const e of run.evals) for (const r of e.rows) if (r.game === game) set.add(r.seat);
  }
  return [...set].sort((a, b) => a - b);
}

function opponentsOf(groups: readonly RunGroup[], game: string): string[] {
  const set = new Set<string>();
  for (const run of allRuns(groups)) for (const e of run.evals) for (const r of e.rows) if (r.game === game) set.add(r.opponent);
  return [...set].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
