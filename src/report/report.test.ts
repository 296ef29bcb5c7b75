import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../cli/commands/report.js';
import { UsageError } from '../util/errors.js';
import { parseMetrics, readRun } from './metrics.js';
import { buildReport } from './report.js';
import { findRuns, groupRuns, stripSeed } from './runs.js';
import { writeSampleAblation, writeSampleRun } from './sample.js';
import { aggregate, binned } from './series.js';
import { niceTicks } from './svg.js';

const tmp = mkdtempSync(join(tmpdir(), 'marshal-report-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function evalRow(game: string, opponent: string, seat: number, win: number, draw: number, loss: number, extra: Record<string, unknown> = {}) {
  const games = win + draw + loss;
  return { game, opponent, seat, policy: 'p', games, win, draw, loss, errors: 0, mean_return: (win - loss) / games, ci95: 0.1,
    invalid_rate: 0.5, score: (100 * (win + draw / 2)) / games, nash_conv: null, mean_turns: 7, mean_response_tokens: 11, stop_reasons: {}, ...extra };
}

/** A small hand-written run: train steps 1-3, evals at 0 and 3, one malformed line (line 4). */
function writeRun(dir: string, name: string, lastWin: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name }));
  const seats = (r: number) => ({ '0': { reward_mean: r, invalid_rate: 0.2, response_tokens: 12 }, '1': { reward_mean: -r, invalid_rate: 0.1, response_tokens: 9 } });
  const train = (step: number) => ({ type: 'train', step, time: step, loss: 1 / step, kl_loss: 0.01 * step, clip_frac: 0.05, approx_kl: 0.001, new_field: [1],
    games: { tic_tac_toe: { seats: seats(0.1 * step) }, kuhn_poker: { seats: seats(0.05 * step) } } });
  const lines = [
    { type: 'eval', step: 0, results: [evalRow('tic_tac_toe', 'mcts:100', 0, 2, 3, 5), evalRow('tic_tac_toe', 'mcts:100', 1, 1, 2, 7),
      evalRow('kuhn_poker', 'nash', 0, 4, 0, 6, { nash_conv: 0.4, score: 30 }), evalRow('mini_hanabi', 'self', 0, 0, 10, 0, { mean_return: 3, score: 30 })] },
    train(1),
    train(2),
    '{"type":"train","step":',
    train(3),
    { type: 'eval', step: 3, results: [evalRow('tic_tac_toe', 'mcts:100', 0, lastWin, 3, 7 - lastWin, { tactics: { win_chances: 4, wins_taken: 3, threats: 2, threats_parried: 1 } }),
      evalRow('tic_tac_toe', 'mcts:100', 1, 2, 2, 6),
      evalRow('kuhn_poker', 'nash', 0, 5, 0, 5, { nash_conv: 0.125, score: 61.25 }), evalRow('mini_hanabi', 'self', 0, 1, 9, 0, { mean_return: 4.5, score: 45 })] },
    { type: 'log', step: 3, message: 'unknown types are skipped' },
  ];
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}

const runA = join(tmp, 'two', 'alpha');
const runB = join(tmp, 'two', 'beta');
writeRun(runA, 'alpha', 6);
writeRun(runB, 'beta', 4);

/** The <svg> element with this data-chart id. */
function chart(html: string, id: string): string {
  const start = html.indexOf(`data-chart="${id}"`);
  assert.ok(start >= 0, `chart ${id} missing`);
  return html.slice(start, html.indexOf('</svg>', start));
}

test('two runs: one svg per expected plot, legends name both runs, summary numbers', () => {
  const report = buildReport([runA, runB], { title: 'two runs' });
  const html = report.html;
  const expected = [
    'train-loss', 'train-kl_loss', 'train-approx_kl', 'train-clip_frac',
    'tic_tac_toe-selfplay-reward_mean', 'tic_tac_toe-selfplay-invalid_rate', 'tic_tac_toe-selfplay-response_tokens',
    'tic_tac_toe-mcts:100-score', 'tic_tac_toe-mcts:100-win', 'tic_tac_toe-mcts:100-draw', 'tic_tac_toe-mcts:100-loss', 'tic_tac_toe-eval-invalid',
    'tic_tac_toe-eval-wins-taken', 'tic_tac_toe-eval-threats-parried',
    'kuhn_poker-selfplay-reward_mean', 'kuhn_poker-nash-score', 'kuhn_poker-nashconv',
    'mini_hanabi-self-score', 'mini_hanabi-self-hanabi', 'mini_hanabi-eval-invalid',
  ];
  for (const id of expected) assert.ok(report.charts.includes(id), `expected chart ${id}`);
  // No data, no chart: pg_loss, entropy and grad_norm were never logged; NashConv only exists for poker.
  for (const id of ['train-pg_loss', 'train-entropy', 'train-grad_norm', 'tic_tac_toe-nashconv', 'mini_hanabi-selfplay-reward_mean', 'kuhn_poker-eval-wins-taken']) assert.ok(!report.charts.includes(id), id);
  assert.equal((html.match(/<svg /g) ?? []).length, report.charts.length);
  assert.equal(new Set(report.charts).size, report.charts.length);
  assert.match(html, /<title>two runs<\/title>/);
  // Every chart overlays both runs in its legend.
  for (const id of report.charts) {
    const svg = chart(html, id);
    assert.match(svg, /class="leg">alpha/, `${id} legend lacks alpha`);
    assert.match(svg, /class="leg">beta/, `${id} legend lacks beta`);
  }
  // Seat charts: one line per run and seat, seats told apart by dashes.
  const win = chart(html, 'tic_tac_toe-mcts:100-win');
  assert.match(win, /class="leg">alpha · seat 0</);
  assert.match(win, /class="leg">beta · seat 1</);
  assert.match(win, /stroke-dasharray="7 4"/);
  // Tooltips carry the values: alpha seat 0 wins 6 of 10 at step 3.
  assert.match(win, /<title>alpha · seat 0 · step 3: 0\.6<\/title>/);
  assert.match(chart(html, 'kuhn_poker-nashconv'), /<title>alpha · step 3: 0\.125<\/title>/);
  // Summary: first -> last per run, and the group table of last scores.
  assert.match(html, /35\.0 → <b>75\.0<\/b> <span class="d">\(\+40\.0\)<\/span>/); // alpha, tic-tac-toe seat 0: (2+3/2)/10 -> (6+3/2)/10
  assert.match(html, /0\.4000 → <b>0\.1250<\/b> <span class="d">\(−0\.2750\)<\/span>/);
  assert.match(html, /20% \/ 30% \/ 50% → 60% \/ 30% \/ 10%/);
  assert.match(html, /Last evaluation score by group/);
  assert.match(html, /<b>75\.0<\/b><\/td><td class="n">55\.0<\/td>/); // alpha 75 beats beta 55 on tic-tac-toe seat 0
  // No script and no external resource: the page is self-contained.
  assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
});

test('malformed lines are skipped with their line numbers, unknown record types counted', () => {
  const run = readRun(runA);
  assert.equal(run.train.length, 3);
  assert.equal(run.evals.length, 2);
  assert.ok(run.warnings.some((w) => /metrics\.jsonl:4: malformed JSON/.test(w)), run.warnings.join('\n'));
  assert.ok(run.warnings.some((w) => /1 record\(s\) of unknown type 'log' ignored/.test(w)));
  const html = buildReport([runA]).html;
  assert.match(html, /metrics\.jsonl:4: malformed JSON/);
  const more = parseMetrics('[1,2]\n{"type":"train"}\n{"type":"eval","step":1}\n\n{"type":"train","step":2,"loss":"x"}\n', 'm');
  assert.deepEqual(more.warnings, [
    'm:1: not a JSON object; line skipped',
    'm:2: train record without a numeric "step"; line skipped',
    'm:3: eval record without a "results" array; line skipped',
  ]);
  assert.deepEqual(more.train, [{ step: 2, time: undefined, scalars: {}, games: {} }]);
});

test('a repeated step (resumed run) keeps the later record', () => {
  const m = parseMetrics(['{"type":"train","step":1,"loss":5}', '{"type":"train","step":2,"loss":4}', '{"type":"train","step":2,"loss":3}'].join('\n'));
  assert.deepEqual(m.train.map((t) => t.scalars.loss), [5, 3]);
});

test('clear errors for a missing directory, a missing, empty or all-malformed metrics file', () => {
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  assert.throws(() => buildReport([join(tmp, 'nope')]), (e: Error) => e instanceof UsageError && /'.*nope' does not exist/.test(e.message));
  assert.throws(() => buildReport([empty]), (e: Error) => e instanceof UsageError && /no metrics file in '.*empty'/.test(e.message));
  writeFileSync(join(empty, 'metrics.jsonl'), '\n\n');
  assert.throws(() => buildReport([empty]), (e: Error) => e instanceof UsageError && /metrics\.jsonl is empty/.test(e.message));
  writeFileSync(join(empty, 'metrics.jsonl'), 'oops\n{"type":"train"}\n');
  assert.throws(() => buildReport([empty]), (e: Error) => e instanceof UsageError && /no valid train or eval record in 2 line\(s\)\n.*metrics\.jsonl:1: malformed JSON/.test(e.message));
});

test('a folder of seeded runs groups by label with mean and min-max bands', () => {
  const root = join(tmp, 'ablation');
  writeSampleAblation(root, 10);
  const groups = groupRuns(findRuns([root]));
  assert.deepEqual(groups.map((g) => [g.label, g.runs.map((r) => r.name)]), [
    ['marshal', ['marshal-seed0', 'marshal-seed1']],
    ['vanilla_grpo', ['vanilla_grpo-seed0', 'vanilla_grpo-seed1']],
  ]);
  const report = buildReport([root]);
  assert.match(report.html, /class="leg">marshal \(2 seeds\)</);
  assert.match(report.html, /class="leg">vanilla_grpo · seat 1</);
  assert.match(report.html, /<polygon points="[^"]+" fill="#0072b2" class="band">/);
  assert.match(report.html, /\(mean of 2; min [-\d.e]+, max [-\d.e]+\)/);
  assert.match(report.html, /marshal \(2 runs\)/);
  // Points are means over seeds with min and max.
  const pts = aggregate(groups[0].runs, (run) => run.train.map((t) => [t.step, t.scalars.loss] as const));
  const l0 = groups[0].runs[0].train[0].scalars.loss!;
  const l1 = groups[0].runs[1].train[0].scalars.loss!;
  assert.deepEqual(pts[0], { x: 1, y: (l0 + l1) / 2, lo: Math.min(l0, l1), hi: Math.max(l0, l1), n: 2 });
});

test('labels: seed suffixes stripped; directory names win when one config name spans several variants', () => {
  assert.equal(stripSeed('marshal-seed12'), 'marshal');
  assert.equal(stripSeed('no_turn_level_seed3'), 'no_turn_level');
  assert.equal(stripSeed('seedless'), 'seedless');
  const root = join(tmp, 'same-name');
  writeSampleRun(join(root, 'default-seed0'), { name: 'ttt_tiny', seed: 0, steps: 2, gain: 1 });
  writeSampleRun(join(root, 'grpo-seed0'), { name: 'ttt_tiny', seed: 0, steps: 2, gain: 1 });
  assert.deepEqual(groupRuns(findRuns([root])).map((g) => g.label), ['default', 'grpo']);
  const same = join(tmp, 'same-variant');
  writeSampleRun(join(same, 'a'), { name: 'marshal-seed0', seed: 0, steps: 2, gain: 1 });
  writeSampleRun(join(same, 'b'), { name: 'marshal-seed1', seed: 1, steps: 2, gain: 1 });
  assert.deepEqual(groupRuns(findRuns([same])).map((g) => [g.label, g.runs.length]), [['marshal', 2]]);
});

test('text is escaped', () => {
  const dir = join(tmp, 'evil');
  writeSampleRun(dir, { name: '<script>alert(1)</script>', seed: 0, steps: 2, gain: 1 });
  const html = buildReport([dir], { title: 'a & <b>' }).html;
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /<h1>a &amp; &lt;b&gt;<\/h1>/);
});

test('nice ticks', () => {
  assert.deepEqual(niceTicks(0, 1, 5).ticks, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
  assert.deepEqual(niceTicks(3, 97, 5), { ticks: [0, 20, 40, 60, 80, 100], step: 20, lo: 0, hi: 100 });
  assert.deepEqual(niceTicks(-0.013, 0.004, 4).ticks.length, 5);
});

test('marshal report writes the page (default <first-dir>/report.html) and prints its path', async () => {
  const logs: string[] = [];
  const errs: string[] = [];
  const [log, err] = [console.log, console.error];
  console.log = (s: string) => logs.push(s);
  console.error = (s: string) => errs.push(s);
  try {
    assert.equal(await reportCommand.run([runA, runB]), 0);
    const out = join(tmp, 'out', 'r.html');
    assert.equal(await reportCommand.run([runA, '--out', out, '--title', 'T', '--quiet']), 0);
    assert.ok(existsSync(out));
    assert.match(readFileSync(out, 'utf8'), /<h1>T<\/h1>/);
    await assert.rejects(reportCommand.run([]), /give at least one run directory/);
    await assert.rejects(reportCommand.run([runA, '--bogus']), /Unknown option '--bogus'/);
  } finally {
    console.log = log;
    console.error = err;
  }
  assert.equal(logs[0], join(runA, 'report.html'));
  assert.ok(existsSync(join(runA, 'report.html')));
  assert.ok(errs.some((e) => /^warning: .*alpha\/metrics\.jsonl:4: malformed JSON/.test(e)), errs.join('\n'));
  assert.equal(errs.filter((e) => /beta/.test(e)).length, 2); // beta's warnings printed only by the first call
});

test('long series are bin-averaged down to MAX_POINTS', () => {
  const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i + 1, y: i % 2, lo: 0, hi: 1, n: 3 }));
  const b = binned(pts, 250);
  assert.equal(b.length, 250);
  assert.deepEqual(b[0], { x: 2.5, y: 0.5, lo: 0, hi: 1, n: 3 });
  assert.equal(binned(pts.slice(0, 10), 250).length, 10);
});
