/**
 * @file Reads a training run directory (config.json + metrics.jsonl) into typed, tolerant records.
 *
 * metrics.jsonl holds one JSON object per line: `{"type":"train","step":N,...}` (losses, KL, clip fraction
 * and per game/seat self-play statistics) and `{"type":"eval","step":N,"results":[EvalRow...]}`. Unknown
 * fields are ignored, missing ones stay undefined; a malformed line is skipped with a warning naming its
 * line number. A step written twice (a resumed run repeats the steps after its last checkpoint) keeps the
 * later record.
 *
 * @example
 * const run = readRun('runs/ttt-tiny');
 * console.log(run.train.length, run.evals.at(-1)?.rows.length, run.warnings);
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** Scalar training statistics of one step (all optional: the trainer may omit any). */
export const TRAIN_SCALARS = ['loss', 'pg_loss', 'kl_loss', 'entropy', 'clip_frac', 'approx_kl', 'grad_norm', 'lr'] as const;
export type TrainScalar = (typeof TRAIN_SCALARS)[number];

/** Per game and seat self-play statistics of one step. */
export const SEAT_SCALARS = ['reward_mean', 'return_mean', 'adv_mean', 'adv_std', 'invalid_rate', 'response_tokens', 'turns'] as const;
export type SeatScalar = (typeof SEAT_SCALARS)[number];

/** One `type: "train"` record. */
export interface TrainPoint {
  /** RL step. */
  step: number;
  /** Seconds since the run started, when given. */
  time?: number;
  /** Scalars present in the record (loss, KL, clip fraction, ...). */
  scalars: Partial<Record<TrainScalar, number>>;
  /** Self-play statistics: game -> seat -> scalar. */
  games: Record<string, Record<number, Partial<Record<SeatScalar, number>>>>;
}

/** The fields of an evaluation row the report reads (src/eval/metrics.ts EvalRow; all but the cell optional). */
export interface ReportEvalRow {
  /** Game name. */
  game: string;
  /** Opponent spec or `self`. */
  opponent: string;
  /** Evaluated seat. */
  seat: number;
  /** Games played. */
  games?: number;
  /** Games won / drawn / lost / stopped by an error. */
  win?: number;
  draw?: number;
  loss?: number;
  errors?: number;
  /** Mean raw return and its 95% half-width. */
  mean_return?: number;
  ci95?: number;
  /** Share of games this seat forfeited by invalid output. */
  invalid_rate?: number;
  /** 0-100 score (null when no game counted). */
  score?: number | null;
  /** Poker NashConv of the policy, else null. */
  nash_conv?: number | null;
  /** Mean actions per game and generated tokens per answer. */
  mean_turns?: number;
  mean_response_tokens?: number;
  /** One-move tactics counts (`src/eval/tactics.ts`), where the game has them. */
  tactics?: { win_chances: number; wins_taken: number; threats: number; threats_parried: number };
}

/** One `type: "eval"` record. */
export interface EvalPoint {
  /** RL step evaluated. */
  step: number;
  /** Seconds since the run started, when given. */
  time?: number;
  /** One row per game, opponent and seat. */
  rows: ReportEvalRow[];
}

/** A parsed run directory. */
export interface Run {
  /** The directory. */
  dir: string;
  /** Directory name (the last path component). */
  name: string;
  /** config.json, or {} when absent. */
  config: Record<string, unknown>;
  /** Train records, ascending by step. */
  train: TrainPoint[];
  /** Eval records, ascending by step. */
  evals: EvalPoint[];
  /** Problems met while reading (malformed lines with their numbers, unreadable config). */
  warnings: string[];
}

/** Reads `dir`/config.json and `dir`/metrics.jsonl. Throws UsageError for a missing or empty metrics file. */
export function readRun(dir: string): Run {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`run directory '${dir}' does not exist`);
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) throw new UsageError(`no metrics file in '${dir}': expected ${file} (is it a training run directory?)`);
  const warnings: string[] = [];
  const config = readConfig(dir, warnings);
  const parsed = parseMetrics(readFileSync(file, 'utf8'), file);
  warnings.push(...parsed.warnings);
  if (parsed.train.length === 0 && parsed.evals.length === 0) {
    const why = parsed.lines === 0 ? 'is empty' : `has no valid train or eval record in ${parsed.lines} line(s)`;
    throw new UsageError(`metrics file ${file} ${why}${parsed.warnings.length ? '\n' + parsed.warnings.join('\n') : ''}`);
  }
  return { dir, name: basename(dir.replace(/[\\/]+$/, '')) || dir, config, train: parsed.train, evals: parsed.evals, warnings };
}

function readConfig(dir: string, warnings: string[]): Record<string, unknown> {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return {};
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isObject(v)) return v;
    warnings.push(`${file}: not a JSON object; ignored`);
  } catch (e) {
    warnings.push(`${file}: ${(e as Error).message}; ignored`);
  }
  return {};
}

/** Parses the text of a metrics.jsonl file; `source` names it in warnings. */
export function parseMetrics(text: string, source = 'metrics.jsonl'): { train: TrainPoint[]; evals: EvalPoint[]; warnings: string[]; lines: number } {
  const train = new Map<number, TrainPoint>();
  const evals = new Map<number, EvalPoint>();
  const warnings: string[] = [];
  const unknownTypes = new Map<string, number>();
  const lines = text.split('\n');
  let nonBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    nonBlank++;
    const where = `${source}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      warnings.push(`${where}: malformed JSON (${(e as Error).message}); line skipped`);
      continue;
    }
    if (!isObject(v)) {
      warnings.push(`${where}: not a JSON object; line skipped`);
      continue;
    }
    const step = v.step;
    if (v.type !== 'train' && v.type !== 'eval') {
      const t = String(v.type);
      unknownTypes.set(t, (unknownTypes.get(t) ?? 0) + 1);
      continue;
    }
    if (typeof step !== 'number' || !Number.isFinite(step)) {
      warnings.push(`${where}: ${v.type} record without a numeric "step"; line skipped`);
      continue;
    }
    const time = num(v.time);
    if (v.type === 'train') {
      train.set(step, { step, time, scalars: trainScalars(v), games: seatStats(v.games) });
    } else {
      if (!Array.isArray(v.results)) {
        warnings.push(`${where}: eval record without a "results" array; line skipped`);
        continue;
      }
      const rows: ReportEvalRow[] = [];
      let bad = 0;
      for (const r of v.results) {
        const row = evalRow(r);
        if (row) rows.push(row);
        else bad++;
      }
      if (bad > 0) warnings.push(`${where}: ${bad} eval row(s) without game/opponent/seat skipped`);
      evals.set(step, { step, time, rows });
    }
  }
  for (const [t, n] of unknownTypes) warnings.push(`${source}: ${n} record(s) of unknown type '${t}' ignored`);
  const byStep = <T extends { step: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.step - b.step);
  return { train: byStep(train), evals: byStep(evals), warnings, lines: nonBlank };
}

function trainScalars(v: Record<string, unknown>): Partial<Record<TrainScalar, number>> {
  const out: Partial<Record<TrainScalar, number>> = {};
  for (const k of TRAIN_SCALARS) {
    const x = num(v[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

function seatStats(games: unknown): TrainPoint['games'] {
  const out: TrainPoint['games'] = {};
  if (!isObject(games)) return out;
  for (const [game, g] of Object.entries(games)) {
    if (!isObject(g) || !isObject(g.seats)) continue;
    const seats: Record<number, Partial<Record<SeatScalar, number>>> = {};
    for (const [seat, s] of Object.entries(g.seats)) {
      if (!/^\d+$/.test(seat) || !isObject(s)) continue;
      const stats: Partial<Record<SeatScalar, number>> = {};
      for (const k of SEAT_SCALARS) {
        const x = num(s[k]);
        if (x !== undefined) stats[k] = x;
      }
      seats[Number(seat)] = stats;
    }
    out[game] = seats;
  }
  return out;
}

function evalRow(r: unknown): ReportEvalRow | undefined {
  if (!isObject(r) || typeof r.game !== 'string' || typeof r.opponent !== 'string' || typeof r.seat !== 'number') return undefined;
  const row: ReportEvalRow = { game: r.game, opponent: r.opponent, seat: r.seat };
  for (const k of ['games', 'win', 'draw', 'loss', 'errors', 'mean_return', 'ci95', 'invalid_rate', 'mean_turns', 'mean_response_tokens'] as const) {
    const x = num(r[k]);
    if (x !== undefined) row[k] = x;
  }
  row.score = num(r.score) ?? null;
  row.nash_conv = num(r.nash_conv) ?? null;
  const t = r.tactics;
  if (isObject(t)) {
    const [a, b, c, d] = [num(t.win_chances), num(t.wins_taken), num(t.threats), num(t.threats_parried)];
    if (a !== undefined && b !== undefined && c !== undefined && d !== undefined) row.tactics = { win_chances: a, wins_taken: b, threats: c, threats_parried: d };
  }
  return row;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
