import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { evalCommand } from './eval.js';

/** Runs the command with console output captured. */
async function run(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const status = await evalCommand.run(argv);
    return { status, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

interface Row {
  game: string;
  opponent: string;
  seat: number;
  games: number;
  win: number;
  draw: number;
  loss: number;
  errors: number;
  mean_return: number;
  ci95: number;
  invalid_rate: number;
  score: number | null;
  score_formula: string;
  nash_conv: number | null;
  stop_reasons: Record<string, number>;
}

test('scripted policy end to end: JSON rows per game, opponent and seat; results file and transcripts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-eval-'));
  try {
    const argv = ['--policy', 'nash', '--games', 'kuhn_poker,leduc_poker/random', '--games-per-seat', '10', '--seed', '3', '--json', '--out', dir, '--transcripts'];
    const { status, out } = await run(argv);
    assert.equal(status, 0);
    const json = JSON.parse(out) as { results: Row[]; nash_conv: Record<string, { nash_conv: number; info_states: number }> };
    assert.deepEqual(
      json.results.map((r) => [r.game, r.opponent, r.seat, r.games]),
      [['kuhn_poker', 'nash', 0, 10], ['kuhn_poker', 'nash', 1, 10], ['leduc_poker', 'random', 0, 10], ['leduc_poker', 'random', 1, 10]],
    );
    for (const r of json.results) {
      assert.equal(r.win + r.draw + r.loss, 10);
      assert.equal(r.invalid_rate, 0);
      assert.ok(r.score !== null && r.score >= 0 && r.score <= 100);
      assert.ok(Number.isFinite(r.mean_return) && r.ci95 >= 0);
    }
    assert.ok(json.results[0].nash_conv! < 1e-9); // nash is exact in Kuhn
    assert.equal(json.nash_conv.kuhn_poker.info_states, 12);
    assert.equal(json.nash_conv.leduc_poker.info_states, 936);
    assert.ok(json.nash_conv.leduc_poker.nash_conv < 0.05);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).results, json.results);
    const lines = readFileSync(join(dir, 'transcripts.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 40);
    const first = JSON.parse(lines[0]);
    assert.equal(first.stop_reason, 'finished');
    assert.ok(first.turns.length >= 2 && first.turns[0].response.includes('<answer>'));
    // Same seed, same results.
    const again = JSON.parse((await run(argv.filter((a) => a !== '--transcripts' && a !== '--out' && a !== dir))).out);
    assert.deepEqual(again.results, json.results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('faulty policy: forfeits counted as invalid and scored; readable table', async () => {
  const { status, out } = await run(['--policy', 'faulty:1:random', '--games', 'tic_tac_toe/random,mini_hanabi', '--games-per-seat', '4']);
  assert.equal(status, 0);
  assert.match(out, /tic_tac_toe\s+random\s+0\s+4\s+0\s+0\s+4\s+-11\.000/);
  assert.match(out, /mini_hanabi\s+self/);
  const { out: js } = await run(['--policy', 'faulty:1:random', '--games', 'tic_tac_toe/random,mini_hanabi', '--games-per-seat', '4', '--json']);
  const rows = (JSON.parse(js) as { results: Row[] }).results;
  assert.equal(rows[0].invalid_rate, 1);
  assert.equal(rows[0].score, 0);
  assert.equal(rows[2].score, 0); // Hanabi forfeits score 0
});

test('bad specs and options give clear usage errors', async () => {
  await assert.rejects(run(['--policy', 'gpt']), /unknown policy 'gpt'; valid policies: .*'openai:<model>@<base-url>'/);
  await assert.rejects(run(['--policy', 'faulty:2:random']), /<rate> must be a number in \[0, 1\]/);
  await assert.rejects(run(['--policy', 'openai:foo']), /expected openai:<model>@<base-url>/);
  await assert.rejects(run(['--policy', 'mcts:50', '--games', 'kuhn_poker']), /hidden cards/);
  await assert.rejects(run(['--policy', 'random', '--games', 'chess']), /unknown game 'chess'/);
  await assert.rejects(run(['--policy', 'random', '--games', 'tic_tac_toe/alphazero']), /unknown agent 'alphazero'/);
  await assert.rejects(run(['--policy', 'random', '--transcripts']), /--out DIR/);
  await assert.rejects(run(['--games', 'kuhn_poker']), /missing --policy/);
});

/** A tiny OpenAI-compatible server: answers the first legal action of the chat, or misbehaves per `mode`. */
function fakeServer(mode: { value: 'ok' | 'malformed' }): Promise<{ server: Server; url: string; requests: number[]; prefilled: number[] }> {
  const requests: number[] = [];
  const prefilled: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/models') return res.end(JSON.stringify({ data: [{ id: 'tiny' }] }));
      if (req.url !== '/v1/chat/completions') return res.writeHead(404).end('{"error":"not found"}');
      const parsed = JSON.parse(body) as { messages: Array<{ role: string; content: string }>; max_tokens: number; continue_final_message?: boolean };
      requests.push(parsed.max_tokens);
      if (mode.value === 'malformed') return res.end('{"oops": true}');
      const msgs = parsed.messages;
      const forced = parsed.continue_final_message === true && msgs[msgs.length - 1].role === 'assistant';
      if (forced) prefilled.push(1);
      const user = msgs[msgs.length - (forced ? 2 : 1)].content;
      const legal = user.slice(user.lastIndexOf('LEGAL ACTIONS:\n') + 15).split('.\n')[0].split(', ');
      const content = `${forced ? '' : '<think>\n'}I pick the first.\n</think>\n<answer>${legal[0]}</answer>`;
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 12 } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, prefilled })));
}

test('OpenAI policy against a loopback server: games, malformed replies recorded as errors, unreachable server', async () => {
  const mode: { value: 'ok' | 'malformed' } = { value: 'ok' };
  const { server, url, requests, prefilled } = await fakeServer(mode);
  try {
    const spec = `openai:tiny@${url}`;
    const { status, out } = await run(['--policy', spec, '--games', 'tic_tac_toe/random,kuhn_poker', '--games-per-seat', '3', '--nash-samples', '1', '--max-tokens', '64', '--json']);
    assert.equal(status, 0);
    const json = JSON.parse(out) as { results: Row[]; nash_conv: Record<string, { nash_conv: number; queries: number }> };
    assert.equal(json.results.length, 4);
    for (const r of json.results) assert.equal(r.invalid_rate, 0);
    for (const r of json.results) assert.equal(r.win + r.draw + r.loss, 3);
    assert.equal(json.nash_conv.kuhn_poker.queries, 12);
    assert.ok(Math.abs(json.nash_conv.kuhn_poker.nash_conv - 2) < 1e-9); // always the first legal action
    assert.ok(requests.length > 12 && requests.every((m) => m === 64));

    const forced = await run(['--policy', spec, '--games', 'tic_tac_toe/random', '--games-per-seat', '2', '--force-think', '--json']);
    assert.equal(forced.status, 0);
    assert.ok(prefilled.length > 0);
    assert.ok((JSON.parse(forced.out) as { results: Row[] }).results.every((r) => r.invalid_rate === 0 && r.games === 2));

    mode.value = 'malformed';
    const bad = await run(['--policy', spec, '--games', 'tic_tac_toe/random', '--games-per-seat', '2', '--json']);
    assert.equal(bad.status, 1);
    assert.match(bad.err, /every game failed.*malformed reply/);
    const rows = (JSON.parse(bad.out) as { results: Row[] }).results;
    assert.ok(rows.every((r) => r.errors === 2 && r.stop_reasons.error === 2 && r.score === null));
  } finally {
    await new Promise((r) => server.close(r));
  }
  await assert.rejects(run(['--policy', `openai:tiny@${url}`, '--games', 'kuhn_poker', '--games-per-seat', '1']), /cannot reach/);
});

test('--policy checkpoint:<dir> plays an embedded checkpoint with its own prompt style; bad uses are named', async () => {
  const { loadConfig } = await import('../../train/config.js');
  const { pretrain } = await import('../../train/pretrain.js');
  const dir = mkdtempSync(join(tmpdir(), 'marshal-eval-ckpt-'));
  try {
    const r = await pretrain(loadConfig('tictactoe-tiny'), dir, { steps: 2, gamesPerGame: 8, batchSize: 2, evalGames: 0 });
    const out = join(dir, 'eval');
    const res = await run(['--policy', `checkpoint:${r.checkpoint}`, '--games', 'tic_tac_toe/random', '--games-per-seat', '3', '--temperature', '0', '--json', '--out', out]);
    assert.equal(res.status, 0, res.err);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { policy: string; results: Array<Row & { tactics: unknown }> };
    assert.equal(json.policy, `checkpoint:${r.checkpoint}`);
    assert.deepEqual(json.results.map((x) => [x.seat, x.games]), [[0, 3], [1, 3]]);
    assert.ok(json.results.every((x) => x.tactics !== null), 'tic-tac-toe rows carry tactics counts');
    // --request-seeds: a cell's games play the same with or without another cell beside them
    const rows = async (games: string): Promise<unknown> => {
      const o = join(dir, `rs-${games.replace(/\W/g, '')}`);
      const rr = await run(['--policy', `checkpoint:${r.checkpoint}`, '--games', games, '--games-per-seat', '6', '--request-seeds', '--out', o, '--transcripts', '--quiet']);
      assert.equal(rr.status, 0, rr.err);
      return readFileSync(join(o, 'transcripts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.label.startsWith('tic_tac_toe/random/')).map((e) => e.turns.map((t: { response?: string }) => t.response ?? ''));
    };
    assert.deepEqual(await rows('tic_tac_toe/random,tic_tac_toe/greedy'), await rows('tic_tac_toe/random'));
    // the prompt style and answer length it was made with, from its record
    const { checkpointPolicy } = await import('../../train/checkpoint_policy.js');
    const c = await checkpointPolicy(r.checkpoint);
    assert.deepEqual([c.promptStyle, c.maxNewTokens], ['compact', 24]);
    const ref = await pretrain(loadConfig('tictactoe-tiny', ['promptStyle=reference', 'sampling.maxNewTokens=40']), join(dir, 'ref'), { steps: 1, gamesPerGame: 4, batchSize: 2, evalGames: 0 });
    const d = await checkpointPolicy(ref.checkpoint, { temperature: 0 });
    assert.deepEqual([d.promptStyle, d.maxNewTokens], ['reference', 40]);
    await assert.rejects(run(['--policy', 'random', '--temperature', '0']), /--temperature is for checkpoint/);
    await assert.rejects(run(['--policy', `checkpoint:${join(dir, 'missing')}`]), /does not exist/);
    await assert.rejects(run(['--policy', `checkpoint:${r.checkpoint}`, '--prompt-style', 'verbose']), /--prompt-style must be compact or reference/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
