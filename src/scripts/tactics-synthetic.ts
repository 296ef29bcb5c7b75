/**
 * @file Does the tiny model fail at tic-tac-toe tactics because it cannot read a board, or because game
 * returns do not teach them? A diagnostic for docs/results.md, outside the chat protocol: the model (the
 * `tiny` shape, a 64-token vocabulary) sees a bare 12-token prompt (start, side to move, the nine cells as
 * X / O / empty, separator) and answers one move token, so there is no prose, no legal list and no earlier
 * turn to look past. `--legal list` adds the chat's legal list after the board (a marker, then each legal move
 * as the very token that answers it, each followed by a comma); `--legal distinct` the same list in tokens of
 * its own, which the answer cannot copy.
 *
 * - `--mode supervised`: every step, 64 reachable positions with the label of a tactical player (a win at
 *   once, else a move that leaves the opponent no win at once, else any legal move).
 * - `--mode reinforce`: `--pre-steps` steps of cloning at lr 1e-3 (the base): uniformly random legal moves, or
 *   with `--pre-tactical P` the tactical player's move a share P of the time. Then REINFORCE from game returns:
 *   `--games` games a step (default 128) against `--opponent random` (the learner in each seat in turn) or
 *   itself (`self`), at `--lr`; returns +1 / 0 / −1, an illegal move loses, returns normalised per seat.
 *   `--opening K` starts each training game after 0..K uniformly random plies (not trained on).
 *
 * Every `--every` steps it prints, on the 20% of reachable positions held out of supervised training: illegal
 * answers, immediate wins taken (positions with one) and threats parried (no win, some move leaves none),
 * greedy; the share of 400 games won against random as first and as second player, sampled at temperature
 * 1; and with `--mcts N`, wins and draws in N games a seat against MCTS-100 (the `mcts:100` agent).
 *
 * @example
 * npx tsx src/scripts/tactics-synthetic.ts --mode supervised --steps 1000
 * npx tsx src/scripts/tactics-synthetic.ts --mode reinforce --pre-steps 1000 --steps 300 --opponent random
 * npx tsx src/scripts/tactics-synthetic.ts --mode reinforce --opponent self --pre-tactical 1 --pre-steps 3000 --lr 1e-4 --steps 200 --mcts 100
 * npx tsx src/scripts/tactics-synthetic.ts --mode supervised --steps 1500 --legal list   # the legal list slows it
 */
import { parseArgs } from 'node:util';
import type { State } from '../games/game.js';
import { safeMoves, tacticalMoves, winningMoves } from '../games/one_move.js';
import { MctsAgent } from '../agents/mcts_agent.js';
import { loadGame } from '../games/registry.js';
import { TicTacToeState } from '../games/tic_tac_toe.js';
import { preset } from '../model/config.js';
import { EmbeddedEngine } from '../model/engine.js';
import type { AdamWParams } from '../model/optim.js';
import { UsageError, choices } from '../util/errors.js';
import { mean } from '../util/stats.js';
import { Rng } from '../util/rng.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'supervised' }, steps: { type: 'string', default: '1000' },
    'pre-steps': { type: 'string', default: '1000' }, 'pre-tactical': { type: 'string', default: '0' }, opening: { type: 'string', default: '0' }, mcts: { type: 'string', default: '0' }, opponent: { type: 'string', default: 'random' },
    legal: { type: 'string', default: 'none' },
    lr: { type: 'string', default: '1e-3' }, games: { type: 'string', default: '128' }, seed: { type: 'string', default: '7' }, every: { type: 'string', default: '100' },
  },
});
/** The value of `--name`, which must be one of `valid`. */
function oneOf(name: string, valid: readonly string[]): string {
  const v = values[name as keyof typeof values] as string;
  if (!valid.includes(v)) throw new UsageError(`--${name} must be one of ${choices(valid)}, got '${v}'`);
  return v;
}
const mode = oneOf('mode', ['supervised', 'reinforce']);
const opponent = oneOf('opponent', ['random', 'self']);
const legalMode = oneOf('legal', ['none', 'list', 'distinct']);
const [steps, preSteps, every, seed, lr, perStep] = [values.steps, values['pre-steps'], values.every, values.seed, values.lr, values.games].map(Number) as [number, number, number, number, number, number];
for (const [k, v] of [['steps', steps], ['pre-steps', preSteps], ['every', every], ['seed', seed], ['games', perStep]] as const) {
  if (!(Number.isInteger(v) && v >= 0)) throw new UsageError(`--${k} must be a non-negative integer`);
}
const preTactical = Number(values['pre-tactical']);
const opening = Number(values.opening);
const mctsGames = Number(values.mcts);
if (!(Number.isInteger(mctsGames) && mctsGames >= 0)) throw new UsageError('--mcts must be a non-negative integer (games a seat)');
if (!(Number.isInteger(opening) && opening >= 0 && opening <= 8)) throw new UsageError('--opening must be an integer from 0 to 8');
if (!(preTactical >= 0 && preTactical <= 1)) throw new UsageError('--pre-tactical must be a share in [0, 1]');
if (!(lr > 0)) throw new UsageError('--lr must be a positive number');

// Token ids: 0 start, 1 X, 2 O, 3 empty, 4 separator, 5..13 the move to cells 0..8, 16/17 side to move;
// with --legal: 20 comma, 21 the list's marker, 30..38 the legal cells 0..8 in the `distinct` list.
const MOVE = 5;
/** Learning rate of the base's cloning steps, whatever `--lr` (the supervised or RL steps') is. */
const BASE_LR = 1e-3;
const game = loadGame('tic_tac_toe');
const rng = new Rng(seed);
const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: 64 }), seed, microBatchSize: 128 });

function prompt(s: State): number[] {
  const t = s as TicTacToeState;
  const out = [0, 16 + s.currentPlayer()];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) { const v = t.cell(r, c); out.push(v < 0 ? 3 : v + 1); }
  if (legalMode !== 'none') {
    out.push(21);
    for (const a of s.legalActions()) out.push((legalMode === 'list' ? MOVE : 30) + a, 20);
  }
  out.push(4);
  return out;
}

/** Every reachable non-terminal position, shuffled: 80% to train on, 20% held out. */
const positions: State[] = [];
const seen = new Set<string>();
(function walk(s: State): void {
  const key = s.toString();
  if (s.isTerminal() || seen.has(key)) return;
  seen.add(key);
  positions.push(s);
  for (const a of s.legalActions()) { const n = s.clone(); n.applyAction(a); walk(n); }
})(game.newInitialState());
rng.shuffle(positions);
const heldOut = positions.slice(0, Math.floor(positions.length / 5));
const train = positions.slice(heldOut.length);

/** One optimizer step on `seqs`, weight `w[i]` on the log-prob of each sequence's last token. */
function step(seqs: number[][], w: number[], k: number, rate: number): void {
  const weights = seqs.map((s, i) => { const row = new Array<number>(s.length - 1).fill(0); row[row.length - 1] = w[i]!; return row; });
  engine.forwardBackwardSync(seqs, weights);
  const p: AdamWParams = { lr: rate * Math.min(1, (k + 1) / 50), beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };
  engine.optimStepSync(p);
}

function cloningStep(k: number, label: (s: State) => number, from: readonly State[], rate: number): void {
  const seqs: number[][] = [];
  for (let b = 0; b < 64; b++) { const s = from[rng.int(from.length)]!; seqs.push([...prompt(s), MOVE + label(s)]); }
  step(seqs, seqs.map(() => -1 / 64), k, rate);
}

/** Greedy answers on the held-out positions. */
function tactics(): string {
  const out = engine.sampleSync(heldOut.map(prompt), { maxNewTokens: 1, temperature: 0 });
  let illegal = 0, winPos = 0, winTaken = 0, threatPos = 0, parried = 0;
  heldOut.forEach((s, i) => {
    const a = out.tokens[i]![0]! - MOVE;
    const legal = s.legalActions();
    if (!legal.includes(a)) { illegal++; return; }
    const p = s.currentPlayer();
    const wins = winningMoves(s, p);
    if (wins.length > 0) { winPos++; if (wins.includes(a)) winTaken++; return; }
    const safe = safeMoves(s, p);
    if (safe.length > 0 && safe.length < legal.length) { threatPos++; if (safe.includes(a)) parried++; }
  });
  const pct = (a: number, b: number): string => `${a}/${b} (${((100 * a) / Math.max(1, b)).toFixed(0)}%)`;
  return `illegal ${((100 * illegal) / heldOut.length).toFixed(1)}%, wins taken ${pct(winTaken, winPos)}, threats parried ${pct(parried, threatPos)}`;
}

interface Played { seqs: number[][]; seat: number; ret: number }
interface PlayOptions {
  /** The learner plays both seats (default: seat i % 2 of game i, `opp` the other). */
  readonly self?: boolean;
  /** Each game starts after 0..openingPlies uniformly random plies (default 0). */
  readonly openingPlies?: number;
  /** The other seat's move (default uniformly random). */
  readonly opp?: (s: State) => number;
}
/** `n` games, the learner sampled at temperature 1. */
function play(n: number, o: PlayOptions = {}): { played: Played[]; wins: [number, number]; draws: [number, number] } {
  const { self = false, openingPlies = 0, opp = (s: State): number => rng.pick(s.legalActions()) } = o;
  const games = Array.from({ length: n }, () => {
    const g = game.newInitialState();
    for (let k = openingPlies > 0 ? rng.int(openingPlies + 1) : 0; k > 0 && !g.isTerminal(); k--) g.applyAction(rng.pick(g.legalActions()));
    return g;
  });
  const seqs = games.map(() => [[], []] as number[][][]);
  const forfeit = games.map(() => -1);
  for (;;) {
    const ask: number[] = [];
    games.forEach((g, i) => {
      if (g.isTerminal() || forfeit[i]! >= 0) return;
      if (self || g.currentPlayer() === i % 2) ask.push(i);
      else g.applyAction(opp(g));
    });
    if (ask.length === 0) {
      if (games.every((g, i) => g.isTerminal() || forfeit[i]! >= 0)) break;
      continue;
    }
    const prompts = ask.map((i) => prompt(games[i]!));
    const out = engine.sampleSync(prompts, { maxNewTokens: 1, temperature: 1, seed: rng.int(2 ** 31) });
    ask.forEach((i, k) => {
      const g = games[i]!;
      const p = g.currentPlayer();
      const a = out.tokens[k]![0]! - MOVE;
      seqs[i]![p]!.push([...prompts[k]!, a + MOVE]);
      if (g.legalActions().includes(a)) g.applyAction(a); else forfeit[i] = p;
    });
  }
  const played: Played[] = [];
  const wins: [number, number] = [0, 0];
  const draws: [number, number] = [0, 0];
  games.forEach((g, i) => {
    for (const seat of [0, 1]) {
      if (!self && seat !== i % 2) continue;
      const ret = forfeit[i]! >= 0 ? (forfeit[i] === seat ? -1 : 0) : g.rewards()[seat]!;
      if (ret > 0) wins[seat]!++;
      else if (ret === 0 && forfeit[i]! < 0) draws[seat]!++;
      if (seqs[i]![seat]!.length > 0) played.push({ seqs: seqs[i]![seat]!, seat, ret });
    }
  });
  return { played, wins, draws };
}

const mcts = new MctsAgent({ simulations: 100 });
mcts.reset(seed);

function report(label: string): void {
  const { wins } = play(800);
  let line = `${label}: ${tactics()}; against random, won as first ${((100 * wins[0]) / 400).toFixed(0)}%, as second ${((100 * wins[1]) / 400).toFixed(0)}%`;
  if (mctsGames > 0) {
    const m = play(2 * mctsGames, { opp: (s) => mcts.act(s, s.currentPlayer()) });
    line += `; against MCTS-100 (win/draw of ${mctsGames}) as first ${m.wins[0]}/${m.draws[0]}, as second ${m.wins[1]}/${m.draws[1]}`;
  }
  console.log(line);
}

console.log(`${mode}${mode === 'reinforce' ? ` against ${opponent}` : ''}: ${positions.length} positions, ${heldOut.length} held out; seed ${seed}, lr ${lr}, legal list ${legalMode}`);
const t0 = performance.now();
const secs = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
if (mode === 'reinforce') {
  const baseMove = (s: State): number => rng.pick(preTactical > 0 && rng.float() < preTactical ? tacticalMoves(s, s.currentPlayer()) : s.legalActions());
  for (let k = 0; k < preSteps; k++) cloningStep(k, baseMove, train, BASE_LR);
  report(`base (${preSteps} steps cloning ${preTactical > 0 ? `a tactical move ${(100 * preTactical).toFixed(0)}% of the time, else ` : ''}random legal moves, ${secs()})`);
}
for (let k = 0; k < steps; k++) {
  if (mode === 'supervised') cloningStep(k, (s) => rng.pick(tacticalMoves(s, s.currentPlayer())), train, lr);
  else {
    const { played } = play(perStep, { self: opponent === 'self', openingPlies: opening });
    const seqs: number[][] = [];
    const w: number[] = [];
    const tokens = played.reduce((a, e) => a + e.seqs.length, 0);
    for (const seat of [0, 1]) {
      const mine = played.filter((e) => e.seat === seat);
      if (mine.length === 0) continue;
      const m = mean(mine.map((e) => e.ret));
      const sd = Math.sqrt(mean(mine.map((e) => (e.ret - m) ** 2))) + 1e-6; // population spread, as the method's batch norm
      for (const e of mine) for (const s of e.seqs) { seqs.push(s); w.push(-(e.ret - m) / sd / tokens); }
    }
    step(seqs, w, k, lr);
  }
  if ((k + 1) % every === 0 || k + 1 === steps) report(`step ${k + 1} (${secs()})`);
}
