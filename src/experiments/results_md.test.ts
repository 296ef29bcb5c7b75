import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { RESULTS_INTRO, evalTable, fmtMeanStd, meanStd, readSection, replaceSection, writeResultsSection, type StoredEval } from './results_md.js';
import type { EvalRow } from '../eval/metrics.js';

const DOC = [
  '# Results',
  '',
  'Hand-written intro.',
  '',
  '<!-- experiment:kuhn -->',
  'old kuhn text',
  '<!-- /experiment:kuhn -->',
  '',
  'A note between sections.',
  '',
  '<!-- experiment:kuhn_big -->',
  'other section',
  '<!-- /experiment:kuhn_big -->',
  '',
  'Closing words.',
  '',
].join('\n');

test('replaceSection replaces only its own section and keeps every other byte', () => {
  const out = replaceSection(DOC, 'kuhn', 'new kuhn\n| a | b |');
  assert.equal(readSection(out, 'kuhn'), 'new kuhn\n| a | b |');
  assert.equal(readSection(out, 'kuhn_big'), 'other section');
  assert.ok(!out.includes('old kuhn text'));
  // Everything outside the replaced section is unchanged.
  const before = DOC.split('<!-- experiment:kuhn -->')[0]!;
  const after = DOC.split('<!-- /experiment:kuhn -->')[1]!;
  assert.ok(out.startsWith(before));
  assert.ok(out.endsWith(after));
  // Idempotent: the same body again gives the same document.
  assert.equal(replaceSection(out, 'kuhn', 'new kuhn\n| a | b |'), out);
});

test('replaceSection appends a missing section at the end, keeping the rest', () => {
  const out = replaceSection(DOC, 'ablation', 'ablation body');
  assert.ok(out.startsWith(DOC.trimEnd()));
  assert.ok(out.endsWith('<!-- experiment:ablation -->\nablation body\n<!-- /experiment:ablation -->\n'));
  assert.equal(readSection(out, 'kuhn'), 'old kuhn text');
  assert.equal(replaceSection('', 'x', 'y'), '<!-- experiment:x -->\ny\n<!-- /experiment:x -->\n');
});

test('replaceSection refuses broken or duplicated markers instead of guessing', () => {
  assert.throws(() => replaceSection('a\n<!-- experiment:kuhn -->\nno end\n', 'kuhn', 'b'), UsageError);
  assert.throws(() => replaceSection('<!-- /experiment:kuhn -->\n<!-- experiment:kuhn -->\n', 'kuhn', 'b'), UsageError);
  assert.throws(() => replaceSection(DOC + DOC, 'kuhn', 'b'), /more than once/);
});

test('writeResultsSection creates the document with the intro, then rewrites in place, atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-results-'));
  try {
    const path = join(dir, 'docs', 'results.md');
    writeResultsSection(path, 'tictactoe', 'first');
    const a = readFileSync(path, 'utf8');
    assert.ok(a.startsWith(RESULTS_INTRO.trimEnd()));
    assert.equal(readSection(a, 'tictactoe'), 'first');
    writeFileSync(path, a + '\nHand edit kept.\n');
    writeResultsSection(path, 'tictactoe', 'second');
    const b = readFileSync(path, 'utf8');
    assert.equal(readSection(b, 'tictactoe'), 'second');
    assert.ok(b.includes('Hand edit kept.'));
    assert.deepEqual(readdirSync(join(dir, 'docs')), ['results.md']); // no temporary file left
    assert.ok(existsSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function row(game: string, opponent: string, seat: number, win: number, score: number): EvalRow {
  return {
    game, opponent, seat, policy: 'p', games: 10, win, draw: 0, loss: 10 - win, errors: 0, mean_return: (2 * win - 10) / 10, ci95: 0.1,
    invalid_rate: 0.1, invalid_answer_rate: 0.05, stop_reasons: {} as EvalRow['stop_reasons'], mean_turns: 5, mean_response_tokens: 8,
    mean_response_chars: 30, score, score_formula: '', nash_conv: null,
  };
}

test('evalTable puts base and trained next to each other per opponent and seat', () => {
  const ev = (w: number): StoredEval => ({ results: [row('tic_tac_toe', 'mcts:100', 0, w, 10 * w), row('tic_tac_toe', 'mcts:100', 1, w, 10 * w)], nash_conv: {}, games_per_seat: 10, seed: 0, seconds: 1 });
  const t = evalTable([{ label: 'base', eval: ev(2) }, { label: 'trained', eval: ev(7) }]).split('\n');
  assert.equal(t.length, 2 + 4);
  assert.match(t[2]!, /^\| tic_tac_toe \| mcts:100 \| 0 \(first\) \| base \| 10 \| 2 \/ 0 \/ 8 \|/);
  assert.match(t[3]!, /^\| tic_tac_toe \| mcts:100 \| 0 \(first\) \| trained \| 10 \| 7 \/ 0 \/ 3 \|.* 70\.0 \|$/);
  assert.match(t[4]!, /\| 1 \| base \|/);
  assert.ok(!t[0]!.includes('wins taken'), 'no tactics column when no row has tactics');
  // With tactics (tic-tac-toe rows since they existed), a column of taken/chances · parried/threats.
  const withTactics: StoredEval = { ...ev(7), results: ev(7).results.map((r) => ({ ...r, tactics: { win_chances: 9, wins_taken: 4, threats: 5, threats_parried: 2, wins_by_chance: 2.25, parries_by_chance: 1 } })) };
  const u = evalTable([{ label: 'base', eval: ev(2) }, { label: 'trained', eval: withTactics }]).split('\n');
  assert.match(u[0]!, /\| wins taken \/ threats parried \| score \|$/);
  assert.match(u[2]!, /\| – \| 20\.0 \|$/);
  assert.match(u[3]!, /\| 4\/9 \(2\.3\) · 2\/5 \(1\.0\) \| 70\.0 \|$/);
});

test('meanStd uses the sample standard deviation', () => {
  const s = meanStd([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  assert.equal(fmtMeanStd([5]), '5.0');
  assert.equal(fmtMeanStd([1, 3]), '2.0 ± 1.4');
  assert.equal(fmtMeanStd([]), '–');
});
