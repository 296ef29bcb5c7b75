/**
 * @file Carries out a named experiment (experiments.ts): trains what is missing, evaluates, writes the
 * report HTML and the experiment's section of docs/results.md.
 *
 * Run folders, under the experiments root (`--out`, default `runs/experiments`):
 *
 * | experiment   | folders |
 * |--------------|---------|
 * | specialist   | `<name>/base` (pretrain), `<name>/train` (RL), `<name>/evals/*.json`, `<name>/report.html`, `<name>/experiment.json` |
 * | `transfer`   | `transfer/generalist/{base,train}`, `transfer/evals/*.json`; reads `<source>/experiment.json` of the specialists |
 * | `ablation`   | `ablation/<arm>/base`, `ablation/<arm>/<estimator>-seed<k>`, `ablation/<arm>/report.html`, `ablation/evals/*.json` |
 *
 * Reuse: a base whose checkpoint is at its last step and whose recorded settings match is reused; a training
 * run whose config.json matches and whose newest checkpoint is at `steps` is reused, one stopped earlier is
 * resumed (same weights as an uninterrupted run); an evaluation is cached per checkpoint fingerprint and
 * settings. A run folder trained with other settings is an error that names the differing keys (pass
 * `--fresh`, which deletes `<root>/<name>` first and retrains everything of this experiment).
 * `transfer` does not train the specialists: when one has not been run it fails naming the command to run.
 * With `base=<checkpoint>` a specialist (and transfer's generalist) RL-trains from that base instead of
 * pretraining `<name>/base`; transfer then checks that the specialists started from it too and evaluates it
 * once, as `shared base`.
 *
 * @example
 * const r = await runExperiment('kuhn', { root: 'runs/experiments', results: 'docs/results.md', args: ['steps=10'], command: 'npm run experiment -- kuhn steps=10' });
 * r.section;   // the markdown written between <!-- experiment:kuhn --> markers
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runEval } from '../eval/arena.js';
import type { EvalCell } from '../eval/suite.js';
import { loadGame } from '../games/registry.js';
import { getBackend } from '../model/backend/select.js';
import { writeFileAtomic } from '../model/io/atomic.js';
import { CHECKPOINT_SIDECAR, checkpointDir, latestCheckpoint, readCheckpointSidecar } from '../model/io/checkpoint.js';
import { buildReport } from '../report/report.js';
import { estimatorNames } from '../rl/estimators.js';
import { loadConfig, withLegacyDefaults, type TrainConfig } from '../train/config.js';
import { EnginePolicy } from '../train/engine_policy.js';
import { baseSettingsDiff, loadEngineCheckpoint, policyTokenizer, pretrain, pretrainGames, pretrainSettings } from '../train/pretrain.js';
import { train } from '../train/trainer.js';
import { UsageError, choices } from '../util/errors.js';
import { diffKeys } from '../util/json_diff.js';
import { Progress } from '../util/progress.js';
import {
  getExperiment, splitOverrides, experimentOptions,
  type AblationExperiment, type Experiment, type OptionValues, type SpecialistExperiment, type TransferExperiment,
} from './experiments.js';
import {
  evalNotes, evalTable, fmtMeanStd, hasTacticsRows, fmtNum, fmtPct, mdTable, nashConvTable, writeResultsSection,
  type LabelledEval, type StoredEval,
} from './results_md.js';

/** Options of `runExperiment`. */
export interface RunnerOptions {
  /** Root of the experiments' run folders (each experiment under `<root>/<name>`). */
  readonly root: string;
  /** The results document whose section is rewritten; null = do not write one. */
  readonly results: string | null;
  /** `key=value` arguments: experiment options and training-config overrides. */
  readonly args?: readonly string[];
  /** `--seeds N` (ablation only). */
  readonly seeds?: number;
  /** Delete `<root>/<name>` first and retrain. */
  readonly fresh?: boolean;
  /** No progress output. */
  readonly quiet?: boolean;
  /** The command line recorded in the section. */
  readonly command: string;
  /** Where phase lines go (default console.log; nothing when quiet). */
  readonly log?: (line: string) => void;
}

/** What `runExperiment` did. */
export interface ExperimentOutcome {
  readonly name: string;
  /** The section body written (without its markers). */
  readonly section: string;
  /** The experiment's folder. */
  readonly dir: string;
  /** Wall seconds of this call. */
  readonly seconds: number;
}

/** What a specialist experiment leaves for `transfer` in `<root>/<name>/experiment.json`. */
export interface Manifest {
  readonly name: string;
  readonly preset: string;
  readonly config: TrainConfig;
  /** Base (pretrain) and trained (RL) checkpoints. */
  readonly base: string;
  readonly trained: string;
  readonly finished_at: string;
}

/** How long a phase took, and whether it ran in this call. */
interface Timing {
  readonly phase: 'pretrain' | 'RL';
  readonly label: string;
  /** Seconds of the call that ran it. */
  readonly seconds: number;
  /** When reused: when it finished. */
  readonly reused?: string;
  /** Resumed in this call (seconds cover this call only). */
  readonly resumed?: boolean;
}

interface Ctx {
  readonly exp: Experiment;
  readonly options: OptionValues;
  readonly given: OptionValues;
  readonly configOverrides: string[];
  readonly root: string;
  readonly dir: string;
  readonly quiet: boolean;
  readonly tty: boolean;
  readonly log: (line: string) => void;
  /** Phase timings for the section. */
  readonly timings: Timing[];
  /** Other notes for the section. */
  readonly notes: string[];
}

/** Runs experiment `name`; see the file comment. */
export async function runExperiment(name: string, o: RunnerOptions): Promise<ExperimentOutcome> {
  const t0 = performance.now();
  const exp = getExperiment(name);
  const args = [...(o.args ?? [])];
  if (o.seeds !== undefined) {
    if (!Object.hasOwn(exp.options, 'seeds')) throw new UsageError(`--seeds applies to experiments with seeds (ablation), not '${exp.name}'`);
    args.push(`seeds=${o.seeds}`);
  }
  const { options, configOverrides, given } = splitOverrides(exp, args);
  const quiet = o.quiet === true;
  const out = o.log ?? ((l: string) => console.log(l));
  const ctx: Ctx = {
    exp, options, given, configOverrides, root: o.root, dir: join(o.root, exp.name), quiet,
    tty: process.stderr.isTTY === true && !process.env.CI,
    log: (l) => { if (!quiet) out(`[${exp.name}] ${l}`); },
    timings: [],
    notes: [],
  };
  // Validate every config the experiment will use before any work.
  for (const p of presetsOf(ctx)) loadCfg(ctx, p.preset, [], p.overrides);
  if (o.fresh && existsSync(ctx.dir)) {
    ctx.log(`--fresh: deleting ${ctx.dir}`);
    rmSync(ctx.dir, { recursive: true, force: true });
  }
  let body: string;
  if (exp.kind === 'specialist') body = await runSpecialist(ctx, exp);
  else if (exp.kind === 'transfer') body = await runTransfer(ctx, exp);
  else body = await runAblation(ctx, exp);
  const seconds = (performance.now() - t0) / 1000;
  const section = header(ctx, o.command, seconds) + '\n' + body;
  if (o.results) {
    writeResultsSection(o.results, exp.name, section);
    ctx.log(`wrote section '${exp.name}' of ${o.results}`);
  }
  ctx.log(`done in ${fmtNum(seconds, 1)} s`);
  return { name: exp.name, section, dir: ctx.dir, seconds };
}

/** The presets an experiment trains, each with the overrides it applies before the command line's. */
function presetsOf(ctx: Ctx): { preset: string; overrides: readonly string[] }[] {
  const e = ctx.exp;
  if (e.kind === 'specialist') return [{ preset: ctx.options.preset as string, overrides: [] }];
  if (e.kind === 'transfer') return [{ preset: ctx.options.generalist as string, overrides: [] }];
  for (const est of ctx.options.estimators as string[]) if (!estimatorNames().includes(est)) throw new UsageError(`ablation: unknown estimator '${est}'; valid: ${choices(estimatorNames())}`);
  if (ctx.configOverrides.some((o) => o.trim().startsWith('estimator='))) throw new UsageError('ablation: choose the estimators with estimators=a,b,... rather than estimator=');
  return armsOf(ctx, e).map((a) => ({ preset: a.preset, overrides: a.overrides ?? [] }));
}

/**
 * loadConfig with, in order, `defaults` (an ablation arm's own settings), the command line's overrides and
 * `extra`; errors also name the experiment's own options.
 */
function loadCfg(ctx: Ctx, preset: string, extra: readonly string[] = [], defaults: readonly string[] = []): TrainConfig {
  try {
    return loadConfig(preset, [...defaults, ...ctx.configOverrides, ...extra]);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${e.message}\n(options of experiment '${ctx.exp.name}': ${choices(Object.keys(experimentOptions(ctx.exp)))})`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Runs: pretrain, train, evaluate, report, with reuse.

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

function stepOf(checkpoint: string | null): number {
  const m = checkpoint ? /step-(\d+)$/.exec(checkpoint) : null;
  return m ? Number(m[1]) : -1;
}

interface RunInfo {
  readonly seconds: number;
  readonly finished_at: string;
  readonly config?: unknown;
  readonly resumed?: boolean;
}

const INFO = 'experiment-run.json';

const FRESH_HINT = 'pass --fresh to retrain this experiment, or --out for another folder';

/** The base checkpoint of `cfg` in `dir`: reused when finished with the same settings, else pretrained. */
async function ensureBase(ctx: Ctx, cfg: TrainConfig, dir: string, label: string): Promise<string> {
  const key = pretrainSettings(cfg);
  const latest = latestCheckpoint(dir);
  const info = readJson<RunInfo>(join(dir, INFO));
  if (latest && info) {
    // The checkpoint's own record of its settings decides; bases made before it kept one are checked
    // against the run record.
    const diff = baseSettingsDiff(latest, cfg) ?? diffKeys(withLegacyDefaults(info.config), key);
    if (diff.length > 0) throw new UsageError(`${dir} holds a base pretrained with other settings (differ: ${diff.join(', ')}); ${FRESH_HINT}`);
    if (stepOf(latest) === cfg.pretrain.steps) {
      ctx.log(`${label}: reusing ${latest} (pretrained in ${fmtNum(info.seconds, 1)} s on ${info.finished_at})`);
      ctx.timings.push({ phase: 'pretrain', label, seconds: info.seconds, reused: info.finished_at });
      return latest;
    }
  }
  // Nothing finished here (or a pretrain stopped before recording itself): start over.
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  const steps = cfg.pretrain.steps;
  ctx.log(`${label}: pretrain ${cfg.model} model on ${pretrainGames(cfg).join(', ')}, ${steps} steps, ${cfg.pretrain.gamesPerGame} random games per game -> ${dir}`);
  const bar = new Progress(`${label} pretrain`, steps, { quiet: ctx.quiet });
  const r = await pretrain(cfg, dir, {
    onStep: (s, loss) => {
      bar.update(s, `loss ${fmtNum(loss, 3)}`);
      if (!ctx.quiet && !ctx.tty && (s === 1 || s % 50 === 0 || s === steps)) ctx.log(`  pretrain step ${s}/${steps} loss ${fmtNum(loss, 3)}`);
    },
  });
  bar.done();
  const finished = new Date().toISOString();
  writeFileAtomic(join(dir, INFO), JSON.stringify({ seconds: r.seconds, finished_at: finished, config: key, invalid_rate: r.invalidRate, first_loss: r.firstLoss, last_loss: r.lastLoss }, null, 2) + '\n');
  ctx.log(`${label}: ${r.checkpoint}: loss ${fmtNum(r.firstLoss, 3)} -> ${fmtNum(r.lastLoss, 3)}, invalid answers ${fmtPct(r.invalidRate)}, ${fmtNum(r.seconds, 1)} s`);
  ctx.timings.push({ phase: 'pretrain', label, seconds: r.seconds });
  return r.checkpoint;
}

/**
 * The base given with `base=`: a finished pretrain checkpoint of the same model size and prompt style that
 * was cloned on every game `cfg` trains on; used as is (its own run records how it was made).
 */
function givenBase(ctx: Ctx, cfg: TrainConfig, dir: string, label: string): string {
  const side = readCheckpointSidecar(dir);
  const extra = (side.extra ?? {}) as { kind?: unknown; games?: unknown; prompt_style?: unknown; settings?: { model?: unknown } };
  if (extra.kind !== 'pretrain') throw new UsageError(`base=${dir}: not a pretrain checkpoint (made by marshal pretrain or an experiment's base)`);
  const games = Array.isArray(extra.games) ? (extra.games as string[]) : [];
  const missing = cfg.games.filter((g) => !games.includes(g));
  if (missing.length > 0) throw new UsageError(`base=${dir} was pretrained on ${choices(games)}, not on ${choices(missing)}, which this run trains on`);
  if (extra.prompt_style !== cfg.promptStyle) throw new UsageError(`base=${dir} was pretrained with prompt style '${String(extra.prompt_style)}', this run uses '${cfg.promptStyle}'`);
  if (extra.settings?.model !== undefined && extra.settings.model !== cfg.model) throw new UsageError(`base=${dir} is a '${String(extra.settings.model)}' model, the preset's is '${cfg.model}'`);
  ctx.log(`${label}: given ${dir} (pretrained on ${games.join(', ')})`);
  return dir;
}

/** The trained checkpoint of `cfg` from `init` in `dir`: reused when finished, resumed when stopped, else trained. */
async function ensureTrain(ctx: Ctx, cfg: TrainConfig, dir: string, init: string, label: string): Promise<string> {
  const latest = latestCheckpoint(dir);
  const saved = readJson<Record<string, unknown>>(join(dir, 'config.json'));
  let resume = false;
  if (latest && saved) {
    const diff = diffKeys({ ...withLegacyDefaults(saved), init: resolve(String(saved.init)) }, JSON.parse(JSON.stringify({ ...cfg, init: resolve(init) })));
    if (diff.length > 0) throw new UsageError(`${dir} holds a run trained with other settings (differ: ${diff.join(', ')}); ${FRESH_HINT}`);
    if (stepOf(latest) === cfg.steps) {
      const info = readJson<RunInfo>(join(dir, INFO));
      ctx.log(`${label}: reusing ${latest}${info ? ` (trained in ${fmtNum(info.seconds, 1)} s on ${info.finished_at})` : ''}`);
      ctx.timings.push({ phase: 'RL', label, seconds: info?.seconds ?? NaN, reused: info?.finished_at ?? 'earlier' });
      return latest;
    }
    resume = true;
  } else if (latest) {
    throw new UsageError(`${dir} holds checkpoints but no config.json, so it cannot be checked against this configuration; ${FRESH_HINT}`);
  } else if (existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true }); // a run stopped before its first checkpoint
  }
  ctx.log(`${label}: ${resume ? `resume from ${latest}` : 'RL train'} (${cfg.estimator}, ${cfg.steps} steps × ${cfg.episodesPerGame} episodes per game, seed ${cfg.seed}) -> ${dir}`);
  const bar = new Progress(`${label} train`, cfg.steps, { quiet: ctx.quiet });
  let wins = '';
  const r = await train(cfg, dir, {
    ...(resume ? { resume: true } : { init }),
    onRecord: (rec) => {
      if (rec.type === 'eval') {
        wins = rec.results.filter((x) => x.opponent !== 'self').map((x) => `${x.opponent}/s${x.seat} ${fmtNum(x.win / Math.max(1, x.games), 2)}`).join(' ');
        if (!ctx.quiet && !ctx.tty) ctx.log(`  eval step ${rec.step}: ${wins || rec.results.map((x) => `${x.game} score ${fmtNum(x.score, 1)}`).join(' ')}`);
        return;
      }
      const note = `loss ${fmtNum(rec.loss, 3)} invalid ${fmtNum(rec.invalid_rate, 2)}${wins ? ' | ' + wins : ''}`;
      bar.update(rec.step, note);
      if (!ctx.quiet && !ctx.tty) ctx.log(`  step ${rec.step}/${cfg.steps} ${note} (${fmtNum(rec.step_s, 1)} s)`);
    },
  });
  bar.done();
  writeFileAtomic(join(dir, INFO), JSON.stringify({ seconds: r.seconds, finished_at: new Date().toISOString(), resumed: resume }, null, 2) + '\n');
  ctx.log(`${label}: ${r.checkpoint} after ${fmtNum(r.seconds, 1)} s`);
  ctx.timings.push({ phase: 'RL', label, seconds: r.seconds, ...(resume ? { resumed: true } : {}) });
  return r.checkpoint;
}

function fingerprint(checkpoint: string): string {
  const side = join(checkpoint, CHECKPOINT_SIDECAR);
  if (!existsSync(side)) throw new UsageError(`checkpoint ${checkpoint} is missing (no ${CHECKPOINT_SIDECAR}); was its run deleted? rerun the experiment that trains it`);
  return createHash('sha256').update(readFileSync(side)).digest('hex');
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '-');
}

/** Evaluates a checkpoint on `cells` with the sampling settings of `cfg` (cached in `<dir>/evals`). */
async function evaluate(ctx: Ctx, label: string, checkpoint: string, cfg: TrainConfig, cells: readonly EvalCell[]): Promise<StoredEval> {
  const gamesPerSeat = ctx.options.gamesPerSeat as number;
  const seed = ctx.options.evalSeed as number;
  const nashSamples = ctx.options.nashConvSamples as number;
  const key = {
    checkpoint: fingerprint(checkpoint), cells, gamesPerSeat, seed, nashSamples, promptStyle: cfg.promptStyle,
    sampling: { maxTokens: cfg.sampling.maxNewTokens, temperature: cfg.sampling.temperature, topP: cfg.sampling.topP, topK: cfg.sampling.topK },
  };
  const cache = join(ctx.dir, 'evals', `${slug(label)}.json`);
  const have = readJson<{ key: unknown; eval: StoredEval }>(cache);
  if (have && diffKeys(have.key, JSON.parse(JSON.stringify(key))).length === 0) {
    ctx.log(`evaluate ${label}: cached (${cache})`);
    return have.eval;
  }
  ctx.log(`evaluate ${label} (${checkpoint}): ${cells.map((c) => `${c.game} vs ${c.opponent}`).join(', ')}; ${gamesPerSeat} games per seat`);
  const { engine, tokenizer } = await loadEngineCheckpoint(checkpoint);
  if (!tokenizer) throw new UsageError(`checkpoint ${checkpoint} has no tokenizer.json`);
  const policy = new EnginePolicy({
    engine, tokenizer: policyTokenizer(tokenizer), maxNewTokens: cfg.sampling.maxNewTokens, temperature: cfg.sampling.temperature,
    topP: cfg.sampling.topP, topK: cfg.sampling.topK, seed, name: label,
  });
  let bar: Progress | null = null;
  const report = await runEval(policy, {
    cells, gamesPerSeat, seed, promptStyle: cfg.promptStyle, sampling: { maxTokens: cfg.sampling.maxNewTokens },
    nashConv: nashSamples > 0, nashConvSamples: Math.max(1, nashSamples),
    onProgress: (done, total) => (bar ??= new Progress(`eval ${label}`, total, { quiet: ctx.quiet })).update(done, 'games'),
  });
  (bar as Progress | null)?.done();
  const stored: StoredEval = {
    results: report.results, nash_conv: report.nash_conv, games_per_seat: report.games_per_seat, seed: report.seed, seconds: report.seconds,
    context_overflows: policy.overflows, max_positions: engine.config.maxPositions,
  };
  writeFileAtomic(cache, JSON.stringify({ key, eval: stored }, null, 1) + '\n');
  ctx.log(`evaluate ${label}: ${fmtNum(report.seconds, 1)} s`);
  return stored;
}

/** Writes the report of `runDirs` to `path`; returns the path, or null (with a note) when it failed. */
function writeReport(ctx: Ctx, runDirs: readonly string[], path: string, title: string): string | null {
  try {
    const report = buildReport(runDirs, { title });
    writeFileAtomic(path, report.html);
    ctx.log(`report ${path}`);
    return path;
  } catch (e) {
    ctx.log(`report not written: ${(e as Error).message}`);
    ctx.notes.push(`report not written: ${(e as Error).message}`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The kinds.

async function runSpecialist(ctx: Ctx, e: SpecialistExperiment): Promise<string> {
  const preset = ctx.options.preset as string;
  const cfg = loadCfg(ctx, preset);
  const base = ctx.options.base ? givenBase(ctx, cfg, ctx.options.base as string, 'base') : await ensureBase(ctx, cfg, join(ctx.dir, 'base'), 'base');
  const trainDir = join(ctx.dir, 'train');
  const trained = await ensureTrain(ctx, cfg, trainDir, base, 'trained');
  const report = writeReport(ctx, [trainDir], join(ctx.dir, 'report.html'), `${e.title} (${preset})`);
  const models: LabelledEval[] = [
    { label: 'base', eval: await evaluate(ctx, 'base', base, cfg, e.cells) },
    { label: 'trained', eval: await evaluate(ctx, 'trained', trained, cfg, e.cells) },
  ];
  const manifest: Manifest = { name: e.name, preset, config: cfg, base, trained, finished_at: new Date().toISOString() };
  writeFileAtomic(join(ctx.dir, 'experiment.json'), JSON.stringify(manifest, null, 2) + '\n');

  const lines: string[] = [];
  lines.push(`- configuration: preset \`${preset}\` (${describeCfg(cfg, { base: ctx.options.base as string })})`);
  lines.push(`- checkpoints: base \`${show(base)}\`, trained \`${show(trained)}\``);
  lines.push(`- report: ${report ? `\`${show(report)}\`` : 'not written'}`);
  lines.push('');
  lines.push('Headline (base → trained):');
  lines.push('');
  lines.push(headline(models[0]!.eval, models[1]!.eval, e.highlights));
  lines.push('');
  lines.push(`All cells (seat 0 moves first; ${ctx.options.gamesPerSeat} games per seat; invalid = share of games forfeited by invalid output / share of answers invalid${hasTacticsRows(models) ? '; wins taken / threats parried = turns where the model won at once of those where it could · turns where its move left the opponent no immediate win, of those where some move did; in brackets what uniformly random moves would expect on the same turns' : ''}):`);
  lines.push('');
  lines.push(evalTable(models));
  const nc = nashConvTable(models);
  if (nc) lines.push('', nc);
  for (const n of evalNotes(models)) lines.push('', n);
  return lines.join('\n') + '\n';
}

/** The base → trained summary: scores per opponent and seat, plus NashConv / mean return vs nash / team score. */
function headline(base: StoredEval, trained: StoredEval, highlights: SpecialistExperiment['highlights']): string {
  const rows: string[][] = [];
  const delta = (a: number | null | undefined, b: number | null | undefined, d: number) =>
    a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) ? '–' : `${b - a >= 0 ? '+' : ''}${fmtNum(b - a, d)}`;
  const find = (ev: StoredEval, r: { game: string; opponent: string; seat: number }) => ev.results.find((x) => x.game === r.game && x.opponent === r.opponent && x.seat === r.seat);
  for (const r of base.results) {
    const t = find(trained, r);
    const seat = r.opponent === 'self' ? '' : `, seat ${r.seat}${r.seat === 0 ? ' (first)' : ''}`;
    if (r.opponent === 'self' && r.seat > 0) continue; // both seats are the same games
    if (highlights.includes('team_score')) {
      const max = loadGame(r.game).info.maxUtility;
      const pts = (x: typeof r | undefined) => (x && x.score !== null ? (x.score * max) / 100 : null);
      rows.push([`mean self-play score, ${r.game} (points of ${max})`, fmtNum(pts(r), 2), fmtNum(pts(t), 2), delta(pts(r), pts(t), 2)]);
    }
    rows.push([`score vs ${r.opponent}${seat}, ${r.game}`, fmtNum(r.score, 1), fmtNum(t?.score, 1), delta(r.score, t?.score, 1)]);
    if (highlights.includes('nash_conv') && r.opponent === 'nash') rows.push([`mean return vs nash${seat}, ${r.game}`, fmtNum(r.mean_return, 3), fmtNum(t?.mean_return, 3), delta(r.mean_return, t?.mean_return, 3)]);
  }
  if (highlights.includes('nash_conv')) {
    for (const [g, s] of Object.entries(base.nash_conv)) {
      const t = trained.nash_conv[g];
      rows.push([`NashConv, ${g} (0 = Nash equilibrium)`, fmtNum(s.nash_conv, 4), fmtNum(t?.nash_conv, 4), delta(s.nash_conv, t?.nash_conv, 4)]);
    }
  }
  return mdTable(['metric', 'base', 'trained', 'change'], rows);
}

async function runTransfer(ctx: Ctx, e: TransferExperiment): Promise<string> {
  const missing: string[] = [];
  const manifests: Manifest[] = [];
  const outFlag = resolve(ctx.root) === resolve(defaultRoot()) ? '' : ` --out ${ctx.root}`;
  for (const s of e.sources) {
    const m = readJson<Manifest>(join(ctx.root, s, 'experiment.json'));
    if (!m || !existsSync(join(m.base, CHECKPOINT_SIDECAR)) || !existsSync(join(m.trained, CHECKPOINT_SIDECAR))) missing.push(s);
    else manifests.push(m);
  }
  if (missing.length > 0) {
    throw new UsageError(`transfer evaluates the runs of ${choices(e.sources)}; not found under ${ctx.root}: ${choices(missing)}. Run first:\n` +
      missing.map((s) => `  npm run experiment -- ${s}${outFlag}`).join('\n'));
  }
  const preset = ctx.options.generalist as string;
  const gcfg = loadCfg(ctx, preset);
  const gdir = join(ctx.dir, 'generalist');
  const given = ctx.options.base as string;
  if (given) {
    const other = manifests.filter((m) => resolve(m.base) !== resolve(given));
    if (other.length > 0) throw new UsageError(`transfer base=${given}: the ${choices(other.map((m) => m.name))} run${other.length > 1 ? 's' : ''} under ${ctx.root} started from another base (${choices([...new Set(other.map((m) => show(m.base)))])}); run ${other.length > 1 ? 'them' : 'it'} with the same base=`);
  }
  const gbase = given ? givenBase(ctx, gcfg, given, 'generalist base') : await ensureBase(ctx, gcfg, join(gdir, 'base'), 'generalist base');
  const gtrained = await ensureTrain(ctx, gcfg, join(gdir, 'train'), gbase, 'generalist trained');
  const report = writeReport(ctx, [join(gdir, 'train')], join(ctx.dir, 'report.html'), `Generalist (${preset})`);
  const sources = [...manifests, { name: 'generalist', preset, config: gcfg, base: gbase, trained: gtrained, finished_at: '' }];
  const models: LabelledEval[] = [];
  // With a shared base every model starts from the same checkpoint: it is evaluated once, first.
  if (given) models.push({ label: 'shared base', eval: await evaluate(ctx, 'shared-base', gbase, gcfg, e.cells) });
  for (const m of sources) {
    if (!given) models.push({ label: `${m.name} base`, eval: await evaluate(ctx, `${m.name}-base`, m.base, m.config, e.cells) });
    models.push({ label: `${m.name} trained`, eval: await evaluate(ctx, `${m.name}-trained`, m.trained, m.config, e.cells) });
  }
  const lines: string[] = [];
  lines.push(`- models: ${sources.map((m) => `${m.name} (preset \`${m.preset}\`: base \`${show(m.base)}\`, trained \`${show(m.trained)}\`)`).join('; ')}`);
  lines.push(`- generalist configuration: ${describeCfg(gcfg, { base: given })}`);
  lines.push(`- report (generalist training): ${report ? `\`${show(report)}\`` : 'not written'}`);
  lines.push('');
  lines.push(`Scores (0–100) on held-out games, ${ctx.options.gamesPerSeat} games per seat (seat 0 moves first):`);
  lines.push('');
  lines.push(scoreMatrix(models));
  lines.push('');
  lines.push('<details><summary>All cells</summary>', '', evalTable(models), '');
  const nc = nashConvTable(models);
  if (nc) lines.push(nc, '');
  lines.push('</details>');
  for (const n of evalNotes(models)) lines.push('', n);
  return lines.join('\n') + '\n';
}

/** One row per model: score per (game, opponent, seat), NashConv per poker game, invalid answers. */
function scoreMatrix(models: readonly LabelledEval[]): string {
  const cols: { game: string; opponent: string; seat: number }[] = [];
  for (const m of models) for (const r of m.eval.results) {
    if (r.opponent === 'self' && r.seat > 0) continue;
    if (!cols.some((c) => c.game === r.game && c.opponent === r.opponent && c.seat === r.seat)) cols.push({ game: r.game, opponent: r.opponent, seat: r.seat });
  }
  const poker = [...new Set(models.flatMap((m) => Object.keys(m.eval.nash_conv)))];
  const header = ['model', ...cols.map((c) => (c.opponent === 'self' ? `${c.game} self-play` : `${c.game} vs ${c.opponent} s${c.seat}`)), ...poker.map((g) => `${g} NashConv`), 'invalid answers'];
  const rows = models.map((m) => {
    const rs = m.eval.results;
    const answers = rs.reduce((a, r) => a + r.invalid_answer_rate, 0) / Math.max(1, rs.length);
    return [
      m.label,
      ...cols.map((c) => fmtNum(rs.find((r) => r.game === c.game && r.opponent === c.opponent && r.seat === c.seat)?.score, 1)),
      ...poker.map((g) => fmtNum(m.eval.nash_conv[g]?.nash_conv, 3)),
      fmtPct(answers),
    ];
  });
  return mdTable(header, rows);
}

function armsOf(ctx: Ctx, e: AblationExperiment): AblationExperiment['arms'][number][] {
  const names = ctx.options.arms as string[];
  return names.map((n) => {
    const a = e.arms.find((x) => x.name === n);
    if (!a) throw new UsageError(`ablation: unknown arm '${n}'; valid arms: ${choices(e.arms.map((x) => x.name))}`);
    return a;
  });
}

async function runAblation(ctx: Ctx, e: AblationExperiment): Promise<string> {
  const estimators = ctx.options.estimators as string[]; // validated by presetsOf
  const seeds = ctx.options.seeds as number;
  const lines: string[] = [];
  const allEvals: LabelledEval[] = [];
  let first = true;
  for (const arm of armsOf(ctx, e)) {
    const cfg0 = loadCfg(ctx, arm.preset, [], arm.overrides);
    const armDir = join(ctx.dir, arm.name);
    const base = await ensureBase(ctx, cfg0, join(armDir, 'base'), `${arm.name} base`);
    const baseEval = await evaluate(ctx, `${arm.name}-base`, base, cfg0, arm.cells);
    const runDirs: string[] = [];
    const byEst = new Map<string, StoredEval[]>();
    for (const est of estimators) {
      const evs: StoredEval[] = [];
      for (let k = 0; k < seeds; k++) {
        const cfg = loadCfg(ctx, arm.preset, [`estimator=${est}`, `seed=${cfg0.seed + k}`], arm.overrides);
        const dir = join(armDir, `${est}-seed${cfg.seed}`);
        const ck = await ensureTrain(ctx, cfg, dir, base, `${arm.name} ${est} seed ${cfg.seed}`);
        runDirs.push(dir);
        evs.push(await evaluate(ctx, `${arm.name}-${est}-seed${cfg.seed}`, ck, cfg, arm.cells));
      }
      byEst.set(est, evs);
    }
    const report = writeReport(ctx, runDirs, join(armDir, 'report.html'), `Ablation, ${arm.name} (${arm.preset}): ${estimators.join(' vs ')}, ${seeds} seed${seeds > 1 ? 's' : ''}`);
    if (!first) lines.push('');
    first = false;
    const armSettings = (arm.overrides ?? []).map((x) => ` \`${x}\``).join('');
    lines.push(`### ${arm.name} (preset \`${arm.preset}\`${armSettings ? `; arm settings${armSettings}, before the command line's` : ''})`, '');
    lines.push(`- configuration: ${describeCfg(cfg0, { estimator: false, seed: false })}; seeds ${cfg0.seed}–${cfg0.seed + seeds - 1}; one base \`${show(base)}\` shared by every run`);
    lines.push(`- report (runs overlaid, seeds as bands): ${report ? `\`${show(report)}\`` : 'not written'}`);
    lines.push('');
    lines.push(ablationTable(baseEval, byEst));
    allEvals.push({ label: `${arm.name} base`, eval: baseEval }, ...[...byEst].flatMap(([est, evs]) => evs.map((ev, k) => ({ label: `${arm.name} ${est} seed ${cfg0.seed + k}`, eval: ev }))));
  }
  for (const n of evalNotes(allEvals)) lines.push('', n);
  return ['', `Final evaluation of each run, ${ctx.options.gamesPerSeat} games per seat (seat 0 moves first), scores 0–100; mean ± sample standard deviation over seeds.`, '', ...lines].join('\n') + '\n';
}

/** Rows: the base, then each estimator (mean ± std over seeds); columns: score per cell and seat, NashConv, invalid answers. */
function ablationTable(base: StoredEval, byEst: Map<string, StoredEval[]>): string {
  const cols = base.results.filter((r) => !(r.opponent === 'self' && r.seat > 0)).map((r) => ({ game: r.game, opponent: r.opponent, seat: r.seat }));
  const poker = Object.keys(base.nash_conv);
  const header = ['estimator', 'seeds', ...cols.map((c) => (c.opponent === 'self' ? 'self-play score' : `score vs ${c.opponent} s${c.seat}`)),
    ...poker.flatMap((g) => [`NashConv`, ...cols.filter((c) => c.game === g && c.opponent === 'nash').map((c) => `return vs nash s${c.seat}`)]), 'invalid answers'];
  const cell = (ev: StoredEval, c: { game: string; opponent: string; seat: number }) => ev.results.find((r) => r.game === c.game && r.opponent === c.opponent && r.seat === c.seat);
  const invalid = (ev: StoredEval) => ev.results.reduce((a, r) => a + r.invalid_answer_rate, 0) / Math.max(1, ev.results.length);
  const row = (label: string, evs: StoredEval[]) => [
    label, String(evs.length),
    ...cols.map((c) => fmtMeanStd(evs.map((ev) => cell(ev, c)?.score ?? NaN), 1)),
    ...poker.flatMap((g) => [
      fmtMeanStd(evs.map((ev) => ev.nash_conv[g]?.nash_conv ?? NaN), 3),
      ...cols.filter((c) => c.game === g && c.opponent === 'nash').map((c) => fmtMeanStd(evs.map((ev) => cell(ev, c)?.mean_return ?? NaN), 3)),
    ]),
    fmtMeanStd(evs.map((ev) => 100 * invalid(ev)), 1) + '%',
  ];
  return mdTable(header, [row('base (no RL)', [base]), ...[...byEst].map(([est, evs]) => row(est, evs))]);
}

// ---------------------------------------------------------------------------------------------------------
// The section header.

/** The default experiments root. */
export function defaultRoot(): string {
  return 'runs/experiments';
}

function show(p: string): string {
  const r = relative(process.cwd(), resolve(p));
  return r.startsWith('..') ? resolve(p) : r;
}

function describeCfg(cfg: TrainConfig, o: { estimator?: boolean; seed?: boolean; base?: string } = {}): string {
  const pre = o.base
    ? `the given base \`${show(o.base)}\``
    : `pretrain ${cfg.pretrain.steps} steps on ${cfg.pretrain.gamesPerGame} random games per game${cfg.pretrain.extraGames.length ? ` (also of ${cfg.pretrain.extraGames.join(', ')})` : ''}`;
  return `${cfg.model} model, games ${cfg.games.join(', ')}, ${pre}, ` +
    `RL ${cfg.steps} steps × ${cfg.episodesPerGame} ${cfg.opponent === 'self' ? 'self-play episodes per game' : `episodes per seat against ${cfg.opponent}`}${o.estimator === false ? '' : `, estimator ${cfg.estimator}`}, ` +
    `lr ${cfg.optim.lr}, KL coefficient ${cfg.loss.klCoef}${o.seed === false ? '' : `, seed ${cfg.seed}`}`;
}

/** The machine in words: CPU model, cores, OS, Node, engine backend. */
export function machine(): string {
  const c = cpus();
  let backend = 'unknown';
  try {
    backend = getBackend().name;
  } catch {
    /* reported as unknown */
  }
  return `${c[0]?.model?.trim() ?? 'unknown CPU'}, ${c.length} cores, ${platform()}-${arch()}, Node ${process.version}, engine backend ${backend}`;
}

function timingText(ts: readonly Timing[]): string {
  if (ts.length === 0) return '';
  const one = (t: Timing) => `${t.label}: ${t.phase} ${fmtNum(t.seconds, 1)} s${t.reused ? ` (reused, finished ${t.reused.slice(0, 16).replace('T', ' ')})` : t.resumed ? ' (resumed in this call)' : ''}`;
  if (ts.length <= 4) return ` (${ts.map(one).join('; ')})`;
  const parts = (['pretrain', 'RL'] as const).map((phase) => {
    const xs = ts.filter((t) => t.phase === phase);
    if (xs.length === 0) return '';
    const reused = xs.filter((t) => t.reused).length;
    const total = xs.reduce((a, t) => a + (Number.isFinite(t.seconds) ? t.seconds : 0), 0);
    return `${phase} ${xs.length} run${xs.length > 1 ? 's' : ''}, ${fmtNum(total, 1)} s in all${reused ? ` (${reused} reused from earlier calls)` : ''}`;
  });
  return ` (${parts.filter(Boolean).join('; ')})`;
}

function header(ctx: Ctx, command: string, seconds: number): string {
  const opts = Object.entries(ctx.given).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  const defaults = Object.entries(ctx.options).filter(([k, v]) => !(k in ctx.given) && v !== '').map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  return [
    `## ${ctx.exp.title}`,
    '',
    ctx.exp.summary,
    '',
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- machine: ${machine()}`,
    `- wall time of this command: ${fmtNum(seconds, 1)} s${timingText(ctx.timings)}`,
    ...ctx.notes.map((n) => `- note: ${n}`),
    `- options: ${opts.length ? opts.map((x) => `\`${x}\``).join(' ') : 'defaults'}${defaults.length ? ` (defaults: ${defaults.join(' ')})` : ''}; config overrides: ${ctx.configOverrides.length ? ctx.configOverrides.map((x) => `\`${x}\``).join(' ') : 'none'}`,
    `- runs: \`${show(ctx.dir)}\``,
  ].join('\n');
}
