/**
 * @file docs/results.md: one section per experiment between `<!-- experiment:NAME -->` and
 * `<!-- /experiment:NAME -->`, replaced in place by the experiment runner (all other text kept), plus the
 * markdown tables the sections are made of.
 *
 * @example
 * const doc = replaceSection(readFileSync('docs/results.md', 'utf8'), 'kuhn', '## kuhn\n...');
 * writeResultsSection('docs/results.md', 'kuhn', '## kuhn\n...');   // atomic: tmp file + rename
 */
import { existsSync, readFileSync } from 'node:fs';
import type { EvalRow } from '../eval/metrics.js';
import { writeFileAtomic } from '../model/io/atomic.js';
import type { NashConvSummary } from '../eval/arena.js';
import { UsageError } from '../util/errors.js';

/** The opening marker of experiment `name`'s section. */
export function startMarker(name: string): string {
  return `<!-- experiment:${name} -->`;
}

/** The closing marker of experiment `name`'s section. */
export function endMarker(name: string): string {
  return `<!-- /experiment:${name} -->`;
}

/**
 * `doc` with the section of `name` replaced by `body` (markers kept around it), or appended at the end when
 * the document has no such section. Text outside the section is kept byte for byte. A start marker without
 * its end marker (or the reverse, or either twice) throws, rather than guess where the section ends.
 */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = startMarker(name);
  const end = endMarker(name);
  const block = `${start}\n${body.replace(/\s+$/, '')}\n${end}`;
  const si = doc.indexOf(start);
  const ei = doc.indexOf(end);
  const twice = (m: string, i: number) => i >= 0 && doc.indexOf(m, i + m.length) >= 0;
  if (twice(start, si) || twice(end, ei)) throw new UsageError(`results document: the markers of section '${name}' appear more than once; fix the document by hand`);
  if (si < 0 && ei < 0) {
    const trimmed = doc.replace(/\s+$/, '');
    return (trimmed === '' ? '' : trimmed + '\n\n') + block + '\n';
  }
  if (si < 0 || ei < 0 || ei < si) throw new UsageError(`results document: section '${name}' has ${si < 0 ? 'no' : 'a misplaced'} '${start}' or ${ei < 0 ? 'no' : 'a misplaced'} '${end}'; fix the document by hand`);
  return doc.slice(0, si) + block + doc.slice(ei + end.length);
}

/** The section body of `name` in `doc` (between its markers, trimmed), or null when absent. */
export function readSection(doc: string, name: string): string | null {
  const si = doc.indexOf(startMarker(name));
  const ei = doc.indexOf(endMarker(name));
  if (si < 0 || ei < si) return null;
  return doc.slice(si + startMarker(name).length, ei).trim();
}

/** The text a new results document starts with (docs/results.md keeps its own, hand-edited copy). */
export const RESULTS_INTRO = `# Results

Measured by \`npm run experiment -- <name>\` (\`src/experiments/\`); each section below is rewritten by the
run of its experiment, everything else in this file is kept. A section records the exact command, the date,
the machine, the wall time and the configuration; reproduce it by running the same command. The numbers are
whatever that run gave, good or bad; they are not selected.
`;

/** Replaces (or adds) section `name` of the results document at `path`, creating the document if needed. */
export function writeResultsSection(path: string, name: string, body: string): void {
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : RESULTS_INTRO;
  writeFileAtomic(path, replaceSection(doc, name, body));
}

// ---------------------------------------------------------------------------------------------------------
// Tables.

/** A number with fixed decimals, without "-0.00". */
export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A share as a percentage. */
export function fmtPct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${fmtNum(100 * x, digits)}%`;
}

/** A markdown table (cells are escaped for `|`). */
export function mdTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (r: ReadonlyArray<string | number>) => `| ${r.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** An evaluation stored for the results (the runEval report without its episodes). */
export interface StoredEval {
  readonly results: EvalRow[];
  readonly nash_conv: Record<string, NashConvSummary>;
  readonly games_per_seat: number;
  readonly seed: number;
  readonly seconds: number;
  /** Answers refused because the chat outgrew the model's context (those games count as errors). */
  readonly context_overflows?: number;
  /** The model's context length. */
  readonly max_positions?: number;
}

/** A model's evaluation with the label its rows get in a table. */
export interface LabelledEval {
  readonly label: string;
  readonly eval: StoredEval;
}

/** Whether any row of `models` has one-move tactics counts (then `evalTable` has their column). */
export function hasTacticsRows(models: readonly LabelledEval[]): boolean {
  return models.some((m) => m.eval.results.some((r) => r.tactics));
}

/** `taken/chances (random's) · parried/threats (random's)` (`tactics.ts`), or '–' where the game has none. */
function tacticsCell(t: EvalRow['tactics']): string {
  if (!t) return '–';
  const chance = (x: number | undefined) => (x === undefined ? '' : ` (${fmtNum(x, 1)})`);
  return `${t.wins_taken}/${t.win_chances}${chance(t.wins_by_chance)} · ${t.threats_parried}/${t.threats}${chance(t.parries_by_chance)}`;
}

function seatName(row: EvalRow): string {
  return row.opponent === 'self' ? `${row.seat}` : row.seat === 0 ? '0 (first)' : `${row.seat}`;
}

/**
 * The base-vs-trained table: one row per (game, opponent, seat) and model, models adjacent; win/draw/loss,
 * mean return ± 95% CI, invalid output (share of games forfeited / share of answers), one-move tactics where
 * any row has them (immediate wins taken of those available · opponent's immediate wins prevented of those
 * preventable, `src/eval/tactics.ts`) and the 0–100 score.
 */
export function evalTable(models: readonly LabelledEval[]): string {
  const keys: string[] = [];
  const byKey = new Map<string, Map<string, EvalRow>>();
  for (const m of models) {
    for (const r of m.eval.results) {
      const k = `${r.game}\u0000${r.opponent}\u0000${r.seat}`;
      if (!byKey.has(k)) {
        keys.push(k);
        byKey.set(k, new Map());
      }
      byKey.get(k)!.set(m.label, r);
    }
  }
  const tactics = hasTacticsRows(models);
  const rows: string[][] = [];
  for (const k of keys) {
    for (const m of models) {
      const r = byKey.get(k)!.get(m.label);
      if (!r) continue;
      rows.push([
        r.game, r.opponent, seatName(r), m.label, String(r.games), `${r.win} / ${r.draw} / ${r.loss}${r.errors ? ` (+${r.errors} errors)` : ''}`,
        `${fmtNum(r.mean_return, 3)} ± ${fmtNum(r.ci95, 3)}`, `${fmtPct(r.invalid_rate)} / ${fmtPct(r.invalid_answer_rate)}`,
        ...(tactics ? [tacticsCell(r.tactics)] : []), r.score === null ? '–' : fmtNum(r.score, 1),
      ]);
    }
  }
  return mdTable(['game', 'opponent', 'seat', 'model', 'games', 'win / draw / loss', 'mean return ± 95% CI', 'invalid (games / answers)', ...(tactics ? ['wins taken / threats parried'] : []), 'score'], rows);
}

/** NashConv of each model per poker game it was measured on (empty string when none was). */
export function nashConvTable(models: readonly LabelledEval[]): string {
  const rows: string[][] = [];
  for (const m of models) {
    for (const [game, s] of Object.entries(m.eval.nash_conv)) {
      rows.push([game, m.label, fmtNum(s.nash_conv, 4), fmtNum(s.exploitability, 4), s.exact ? 'exact' : `${s.samples} answers per information state`, fmtPct(s.invalid_rate)]);
    }
  }
  if (rows.length === 0) return '';
  rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return mdTable(['game', 'model', 'NashConv', 'exploitability', 'policy estimated from', 'invalid answers'], rows);
}

/** Notes under a results table: context overflows and how NashConv was measured (empty when nothing to say). */
export function evalNotes(models: readonly LabelledEval[]): string[] {
  const notes: string[] = [];
  const over = models.filter((m) => (m.eval.context_overflows ?? 0) > 0);
  if (over.length > 0) {
    notes.push(`Context overflow: ${over.map((m) => `${m.label} ${m.eval.context_overflows} answer${m.eval.context_overflows === 1 ? '' : 's'}`).join(', ')} ` +
      `refused because the chat outgrew the model's context (${[...new Set(over.map((m) => m.eval.max_positions))].join(' / ')} positions); ` +
      'those games count as errors and are left out of win/draw/loss, mean return and score.');
  }
  if (models.some((m) => Object.keys(m.eval.nash_conv).length > 0)) {
    notes.push('NashConv: exact best responses against the policy as estimated from the sampled answers at every information state; ' +
      'invalid answers are left out of the estimate (all invalid at a state: uniform there, so an always-invalid policy scores the uniform policy\'s 0.9167 in Kuhn, 4.7472 in Leduc).');
  }
  return notes;
}

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const v = xs.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** "mean ± std" (std omitted for a single value). */
export function fmtMeanStd(xs: readonly number[], digits = 1): string {
  const s = meanStd(xs);
  if (s.n === 0) return '–';
  return s.n === 1 ? fmtNum(s.mean, digits) : `${fmtNum(s.mean, digits)} ± ${fmtNum(s.std, digits)}`;
}
