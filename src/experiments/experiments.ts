/**
 * @file The named experiments of `npm run experiment -- <name>`, as data: a new experiment is one entry of
 * `EXPERIMENTS`. runner.ts carries out each kind:
 *
 * - `specialist`: pretrain a base from the preset (behaviour cloning), RL-train from it, evaluate base and
 *   trained on `cells` (seats swapped, `gamesPerSeat` games each);
 * - `transfer`: evaluate the base and trained checkpoints of earlier specialist experiments (which must have
 *   been run first) and of a generalist run (trained here when missing) on held-out games;
 * - `ablation`: per arm (a game and its preset) one shared base, then every estimator × seed trained from it
 *   with the same compute; final evaluation as mean ± std over seeds and the report overlaying the runs.
 *
 * Options: each experiment accepts the `key=value` options listed in its `options` (plus `gamesPerSeat` and
 * `evalSeed` for all); every other `key=value` is a training-config override (src/train/config.ts).
 *
 * @example
 * getExperiment('kuhn').kind;     // 'specialist'
 * getExperiment('nope');          // UsageError: unknown experiment 'nope'; valid: 'tictactoe', 'kuhn', ...
 */
import type { EvalCell } from '../eval/suite.js';
import { UsageError, choices } from '../util/errors.js';

/** A value kind of an experiment option. */
export type OptionKind = 'int' | 'str' | 'list';

/** One `key=value` option of an experiment (not a training-config key). */
export interface OptionSpec {
  readonly kind: OptionKind;
  readonly default: number | string | readonly string[];
  /** Smallest value for `int`. */
  readonly min?: number;
  readonly doc: string;
}

/** Options every experiment takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  gamesPerSeat: { kind: 'int', default: 50, min: 1, doc: 'evaluation games per seat, opponent and model' },
  evalSeed: { kind: 'int', default: 1_000_000, min: 0, doc: 'seed of evaluation game 0 (game i uses evalSeed + i) and of the evaluated policy\'s sampling' },
  nashConvSamples: { kind: 'int', default: 8, min: 0, doc: 'sampled answers per information state for the NashConv of poker games (0 = skip NashConv)' },
});

interface Base {
  /** The name given on the command line, also the results section's marker and the run folder. */
  readonly name: string;
  /** Heading of the results section. */
  readonly title: string;
  /** One sentence: what the experiment shows. */
  readonly summary: string;
  /** Options beyond COMMON_OPTIONS. */
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/** Pretrain, RL-train, evaluate base and trained. */
export interface SpecialistExperiment extends Base {
  readonly kind: 'specialist';
  /** The opponents (seats swapped) or `self`. */
  readonly cells: readonly EvalCell[];
  /** Headline lines of the section: NashConv of poker games, mean team score of Hanabi. */
  readonly highlights: ReadonlyArray<'nash_conv' | 'team_score' | 'score'>;
}

/** Held-out games for the checkpoints of other experiments and a generalist. */
export interface TransferExperiment extends Base {
  readonly kind: 'transfer';
  /** Specialist experiments whose base and trained checkpoints are evaluated (run them first). */
  readonly sources: readonly string[];
  readonly cells: readonly EvalCell[];
}

/** One game of an ablation with its preset and evaluation. */
export interface AblationArm {
  /** Name of the arm (its run folder; the `arms` option selects arms by it). */
  readonly name: string;
  readonly preset: string;
  /** Config overrides of this arm, applied before the command line's (which win over them). */
  readonly overrides?: readonly string[];
  readonly cells: readonly EvalCell[];
}

/** Estimators × seeds from one base per arm. */
export interface AblationExperiment extends Base {
  readonly kind: 'ablation';
  readonly arms: readonly AblationArm[];
}

export type Experiment = SpecialistExperiment | TransferExperiment | AblationExperiment;

/** The `base=` option of the specialists: RL from a given pretrained checkpoint. */
const BASE_OPTION: OptionSpec = { kind: 'str', default: '', doc: 'a pretrained base checkpoint (marshal pretrain) to RL-train from instead of pretraining one from the preset, e.g. one shared by every model of a transfer comparison' };

const TTT: EvalCell[] = [{ game: 'tic_tac_toe', opponent: 'mcts:100' }, { game: 'tic_tac_toe', opponent: 'random' }];
const KUHN: EvalCell[] = [{ game: 'kuhn_poker', opponent: 'nash' }, { game: 'kuhn_poker', opponent: 'random' }];

const LIST: Experiment[] = [
  {
    name: 'tictactoe', kind: 'specialist', title: 'Tic-tac-toe specialist',
    summary: 'RL from a behaviour-cloned base against itself (or against the configuration\'s fixed `opponent`); base and trained played against MCTS-100 and random, seats swapped.',
    options: { preset: { kind: 'str', default: 'tictactoe-small', doc: 'training preset (configs/NAME.json), e.g. tictactoe-tiny' }, base: BASE_OPTION },
    cells: TTT, highlights: ['score'],
  },
  {
    name: 'kuhn', kind: 'specialist', title: 'Kuhn poker specialist',
    summary: 'RL in self-play; base and trained played against the Nash policy and random, with the exact NashConv of each.',
    options: { preset: { kind: 'str', default: 'kuhn-tiny', doc: 'training preset (configs/NAME.json)' }, base: BASE_OPTION },
    cells: KUHN, highlights: ['nash_conv'],
  },
  {
    name: 'mini_hanabi', kind: 'specialist', title: 'Mini Hanabi specialist',
    summary: 'Cooperative RL in self-play; base and trained self-play score.',
    options: { preset: { kind: 'str', default: 'mini_hanabi-tiny', doc: 'training preset (configs/NAME.json)' }, base: BASE_OPTION },
    cells: [{ game: 'mini_hanabi', opponent: 'self' }], highlights: ['team_score'],
  },
  {
    name: 'transfer', kind: 'transfer', title: 'Held-out games (transfer)',
    summary: 'Base and trained checkpoints of the three specialists and of a generalist on games none of them trained on.',
    options: {
      generalist: { kind: 'str', default: 'generalist-tiny', doc: 'preset of the generalist run trained (once) by this experiment; config overrides apply to it' },
      base: { kind: 'str', default: '', doc: 'the generalist\'s base checkpoint instead of one pretrained from its preset; the specialists must have been run with the same base= (a base pretrained on the held-out games too, pretrain.extraGames, so that they are played in format)' },
      gamesPerSeat: { kind: 'int', default: 20, min: 1, doc: 'evaluation games per seat, opponent and model (8 models)' },
      nashConvSamples: { kind: 'int', default: 2, min: 0, doc: 'sampled answers per Leduc information state (936 of them) for NashConv; 0 = skip' },
    },
    sources: ['tictactoe', 'kuhn', 'mini_hanabi'],
    cells: [{ game: 'connect_four', opponent: 'mcts:10' }, { game: 'leduc_poker', opponent: 'nash' }, { game: 'simple_hanabi', opponent: 'self' }],
  },
  {
    name: 'ablation', kind: 'ablation', title: 'Ablation: turn-level advantages and agent-specific normalisation',
    summary: 'MARSHAL vs without turn-level advantages vs without agent-specific normalisation vs GRPO, same compute, from one shared base per game, several seeds.',
    options: {
      estimators: { kind: 'list', default: ['marshal', 'marshal_no_turn', 'marshal_no_agent', 'grpo'], doc: 'advantage estimators compared' },
      arms: { kind: 'list', default: ['tictactoe', 'kuhn'], doc: 'games of the ablation (tictactoe, kuhn)' },
      seeds: { kind: 'int', default: 3, min: 1, doc: 'seeds per estimator (also --seeds N): run k trains with the preset seed + k' },
    },
    arms: [
      // The settings of the reported runs (docs/results.md): tic-tac-toe needs the long-pretrained base and the
      // tuned RL of its preset, at a quarter of its steps; Kuhn learns from its preset at 40 steps.
      { name: 'tictactoe', preset: 'tictactoe-tiny-long', overrides: ['steps=60', 'schedule.evalGamesPerSeat=10'], cells: TTT },
      { name: 'kuhn', preset: 'kuhn-tiny', overrides: ['steps=40'], cells: KUHN },
    ],
  },
];

/** Every named experiment, in help order. */
export const EXPERIMENTS: readonly Experiment[] = Object.freeze(LIST);

/** Names of the experiments, in order. */
export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

/** The experiment called `name`; an unknown name throws UsageError listing the valid ones. */
export function getExperiment(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e) throw new UsageError(`unknown experiment '${name}'; valid experiments: ${choices(experimentNames())}`);
  return e;
}

/** Every option an experiment takes: its own and the common ones. */
export function experimentOptions(e: Experiment): Record<string, OptionSpec> {
  return { ...COMMON_OPTIONS, ...e.options };
}

/** Resolved option values. */
export type OptionValues = Record<string, number | string | string[]>;

/**
 * Splits `key=value` arguments into the experiment's options (validated; defaults filled in) and the rest,
 * which are training-config overrides (validated later by loadConfig).
 */
export function splitOverrides(e: Experiment, args: readonly string[]): { options: OptionValues; configOverrides: string[]; given: OptionValues } {
  const specs = experimentOptions(e);
  const options: OptionValues = {};
  for (const [k, s] of Object.entries(specs)) options[k] = Array.isArray(s.default) ? [...(s.default as string[])] : (s.default as number | string);
  const given: OptionValues = {};
  const configOverrides: string[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`argument '${a}' must look like key=value (experiment options: ${choices(Object.keys(specs))}; anything else is a training-config key)`);
    const key = a.slice(0, eq).trim();
    const raw = a.slice(eq + 1).trim();
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (!spec) {
      configOverrides.push(a);
      continue;
    }
    let v: number | string | string[];
    if (spec.kind === 'int') {
      if (!/^\d+$/.test(raw)) throw new UsageError(`${e.name}: option ${key} must be a non-negative integer, got '${raw}'`);
      v = Number(raw);
      if (spec.min !== undefined && v < spec.min) throw new UsageError(`${e.name}: option ${key} must be at least ${spec.min}, got ${v}`);
    } else if (spec.kind === 'list') {
      v = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (v.length === 0) throw new UsageError(`${e.name}: option ${key} must be a non-empty comma-separated list`);
    } else {
      if (raw === '') throw new UsageError(`${e.name}: option ${key} must not be empty`);
      v = raw;
    }
    options[key] = v;
    given[key] = v;
  }
  return { options, configOverrides, given };
}
