/**
 * @file `npm run experiment -- <name> [key=value ...] [--seeds N] [--out DIR] [--results FILE] [--fresh] [--quiet]`:
 * runs a named experiment (experiments.ts) and rewrites its section of docs/results.md.
 *
 * @example
 * npm run experiment -- tictactoe
 * npm run experiment -- tictactoe preset=tictactoe-tiny gamesPerSeat=20
 * npm run experiment -- ablation --seeds 2 steps=20
 * npm run experiment -- --list
 */
import { pathToFileURL } from 'node:url';
import { intOption, parse } from '../cli/args.js';
import { UsageError } from '../util/errors.js';
import { EXPERIMENTS, experimentOptions, getExperiment } from './experiments.js';
import { defaultRoot, runExperiment } from './runner.js';

const USAGE = 'npm run experiment -- <name> [key=value ...] [--seeds N] [--out DIR] [--results FILE] [--fresh] [--quiet]';

/** The help text: usage, options and the experiments with their own options. */
export function helpText(): string {
  const lines = [
    `usage: ${USAGE}`,
    '',
    'Runs a named experiment and rewrites its section of docs/results.md. Finished runs are reused, stopped ones resumed.',
    '',
    'Options:',
    `  --out DIR       root of the run folders; the experiment uses DIR/<name>/ (default ${defaultRoot()})`,
    '  --results FILE  results document to update (default docs/results.md)',
    '  --seeds N       seeds per variant (ablation)',
    '  --fresh         delete DIR/<name>/ first and retrain everything of this experiment',
    '  --quiet         no progress output',
    '  key=value       an experiment option (below) or a training-config override (steps=20, optim.lr=3e-4, ...)',
    '',
    'Experiments:',
  ];
  for (const e of EXPERIMENTS) {
    lines.push(`  ${e.name.padEnd(12)} ${e.summary}`);
    for (const [k, s] of Object.entries(experimentOptions(e))) {
      const d = Array.isArray(s.default) ? s.default.join(',') : String(s.default);
      lines.push(`      ${`${k}=`.padEnd(17)} ${s.doc}${d === '' ? '' : ` (default ${d})`}`);
    }
  }
  lines.push('', 'transfer needs tictactoe, kuhn and mini_hanabi to have been run first (with the same --out); it trains its generalist itself.');
  return lines.join('\n');
}

function quote(a: string): string {
  return /^[A-Za-z0-9_.,:=/+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Runs the command; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parse(
      argv,
      { out: { type: 'string' }, results: { type: 'string' }, seeds: { type: 'string' }, fresh: { type: 'boolean' }, quiet: { type: 'boolean' }, list: { type: 'boolean' } },
      USAGE,
    );
    if (values.help === true || values.list === true) {
      console.log(helpText());
      return 0;
    }
    const [name, ...args] = positionals;
    if (!name) throw new UsageError(`name an experiment\n${helpText()}`);
    getExperiment(name);
    const seeds = values.seeds === undefined ? undefined : intOption(values.seeds, 'seeds', 1, 1);
    await runExperiment(name, {
      root: typeof values.out === 'string' ? values.out : defaultRoot(),
      results: typeof values.results === 'string' ? values.results : 'docs/results.md',
      args,
      ...(seeds !== undefined ? { seeds } : {}),
      fresh: values.fresh === true,
      quiet: values.quiet === true,
      command: `npm run experiment -- ${argv.map(quote).join(' ')}`,
    });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`experiment: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
