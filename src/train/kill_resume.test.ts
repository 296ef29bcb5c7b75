/**
 * Crash safety of `marshal train` (issue 5): a run killed with SIGKILL mid-step and resumed with `--resume`
 * reaches the same weights, optimizer state and metrics as an uninterrupted run with the same seed.
 *
 * Both runs are real CLI processes (`node bin/marshal.js train ...`, which runs the compiled dist/); they
 * share one tiny pretrain checkpoint built in this process. Run B is killed as soon as its step-2 checkpoint
 * is complete (its sidecar `checkpoint.json` is renamed last), i.e. while it works on step 3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointDir, latestCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../model/io/checkpoint.js';
import type { TensorMap } from '../model/io/types.js';
import { loadConfig } from './config.js';
import { pretrain } from './pretrain.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/train/ (or src/train/) -> repo root
const CLI = join(ROOT, 'bin', 'marshal.js');
const STEPS = 4;
// 16 episodes per step keep a step at a few tenths of a second, so the kill lands well inside step 3.
const OVERRIDES = [`steps=${STEPS}`, 'episodesPerGame=16', 'optim.lr=3e-3', 'schedule.evalEvery=0', 'schedule.checkpointEvery=1', 'schedule.transcriptsPerStep=1'];
/** Fields of a train record that depend on wall time (everything else must match exactly). */
const TIMING = new Set(['time', 'rollout_s', 'step_s']);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function startTrain(args: readonly string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, 'train', '--config', 'tictactoe-tiny', ...OVERRIDES, ...args, '--quiet'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
  return { child, exit };
}

async function runTrain(args: readonly string[]): Promise<void> {
  const r = await startTrain(args).exit;
  assert.equal(r.code, 0, `marshal train ${args.join(' ')} failed (code ${r.code}, signal ${r.signal}):\n${r.output}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function trainRecords(runDir: string): Record<string, unknown>[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.type === 'train');
}

function withoutTiming(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING.has(k)));
}

function bytesOf(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Asserts two tensor maps hold the same names, shapes and bit-identical float32 data. */
function assertSameTensors(a: TensorMap, b: TensorMap, what: string): void {
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `${what}: tensor names`);
  for (const [name, t] of a) {
    const u = b.get(name)!;
    assert.deepEqual(u.shape, t.shape, `${what}: shape of ${name}`);
    if (!bytesOf(u.data).equals(bytesOf(t.data))) {
      let i = 0;
      while (i < t.data.length && Object.is(t.data[i], u.data[i])) i++;
      assert.fail(`${what}: ${name} differs at element ${i} (${t.data[i]} vs ${u.data[i]})`);
    }
  }
}

function sameTensors(a: TensorMap, b: TensorMap): boolean {
  for (const [name, t] of a) if (!bytesOf(b.get(name)!.data).equals(bytesOf(t.data))) return false;
  return true;
}

test('train (tiny CLI): a run killed with SIGKILL during step 3 and resumed reaches the same weights as an uninterrupted run', { timeout: 240_000 }, async (t) => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), `the compiled CLI is missing under ${ROOT}dist; run \`npx tsc -p tsconfig.json\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'marshal-kill-'));
  let killed: ChildProcess | null = null;
  try {
    const cfg = loadConfig('tictactoe-tiny', OVERRIDES);
    const pre = await pretrain(cfg, join(dir, 'pre'), { steps: 4, gamesPerGame: 20, batchSize: 4, evalGames: 0 });
    const dirA = join(dir, 'a');
    const dirB = join(dir, 'b');

    // A: uninterrupted.
    await runTrain(['--init', pre.checkpoint, '--out', dirA]);

    // B: killed as soon as its step-2 checkpoint is complete (the sidecar is renamed last).
    const b = startTrain(['--init', pre.checkpoint, '--out', dirB]);
    killed = b.child;
    const early: { exit: Exit | null } = { exit: null };
    void b.exit.then((e) => (early.exit = e));
    const sidecar2 = join(checkpointDir(dirB, 2), 'checkpoint.json');
    const deadline = Date.now() + 120_000;
    while (!existsSync(sidecar2)) {
      if (early.exit) assert.fail(`run B exited (code ${early.exit.code}) before its step-2 checkpoint appeared:\n${early.exit.output}`);
      if (Date.now() > deadline) assert.fail('run B wrote no step-2 checkpoint within 120 s');
      await sleep(2);
    }
    assert.equal(b.child.exitCode, null, 'run B finished before it could be killed: the kill would test nothing');
    assert.equal(b.child.signalCode, null);
    assert.ok(b.child.kill('SIGKILL'), 'could not send SIGKILL to run B');
    const killedExit = await b.exit;
    killed = null;
    assert.equal(killedExit.signal, 'SIGKILL', `run B ended by ${killedExit.signal ?? 'exit code ' + killedExit.code}, not by the kill:\n${killedExit.output}`);
    const left = latestCheckpoint(dirB);
    assert.ok(left !== null && left !== checkpointDir(dirB, STEPS), `run B was killed too late (latest checkpoint ${left}): it had already finished its last step`);
    const stepsLeft = Number(/step-(\d+)$/.exec(left)![1]);
    assert.ok(stepsLeft >= 2 && stepsLeft < STEPS, `latest checkpoint after the kill: ${left}`);
    const recordsLeft = trainRecords(dirB).length;
    t.diagnostic(`run B killed after checkpoint step ${stepsLeft}, with ${recordsLeft} train records in metrics.jsonl`);

    // B resumed to completion.
    await runTrain(['--resume', '--out', dirB]);

    // Same final weights, optimizer state, weight version and RNG state, bit for bit.
    const ca: LoadedCheckpoint = loadCheckpoint(checkpointDir(dirA, STEPS));
    const cb: LoadedCheckpoint = loadCheckpoint(checkpointDir(dirB, STEPS));
    assert.equal(cb.step, STEPS);
    assertSameTensors(ca.params, cb.params, 'model weights');
    assert.ok(ca.optimizer && cb.optimizer, 'both final checkpoints carry optimizer state');
    assertSameTensors(ca.optimizer.tensors, cb.optimizer.tensors, 'optimizer state');
    assert.deepEqual(cb.optimizer.scalars, ca.optimizer.scalars);
    assert.equal(cb.weightVersion, ca.weightVersion);
    assert.deepEqual(cb.rngState, ca.rngState);
    assert.deepEqual(cb.extra, ca.extra);
    // The steps redone after the resume did change the weights (the comparison above is not vacuous).
    assert.ok(!sameTensors(loadCheckpoint(checkpointDir(dirA, stepsLeft), { optimizer: false }).params, ca.params), `the weights did not change after step ${stepsLeft}`);

    // Metrics: exactly one train record per step (none left over from the killed step), equal to A's.
    const ta = trainRecords(dirA);
    const tb = trainRecords(dirB);
    assert.deepEqual(ta.map((r) => r.step), [1, 2, 3, 4]);
    assert.deepEqual(tb.map((r) => r.step), [1, 2, 3, 4]);
    assert.deepEqual(tb.map((r) => r.loss), ta.map((r) => r.loss));
    assert.deepEqual(tb.map(withoutTiming), ta.map(withoutTiming));
    const steps = (d: string) => readFileSync(join(d, 'transcripts.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    assert.deepEqual(steps(dirB), [1, 2, 3, 4]);
    assert.equal(readFileSync(join(dirB, 'transcripts.jsonl'), 'utf8'), readFileSync(join(dirA, 'transcripts.jsonl'), 'utf8'));
  } finally {
    if (killed && killed.exitCode === null && killed.signalCode === null) killed.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
