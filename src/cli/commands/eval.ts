/**
 * @file `marshal eval`: the game evaluation arena (method doc 6.1) for one policy spec.
 *
 * @example
 * marshal eval --policy random --games tic_tac_toe/mcts:10,kuhn_poker --games-per-seat 20
 * marshal eval --policy openai:Qwen/Qwen3-4B@http://localhost:8000/v1 --json --out runs/eval --transcripts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEval } from '../../eval/arena.js';
import { parseEvalGames, REFERENCE_SUITE, referenceCells } from '../../eval/suite.js';
import { transcriptLine } from '../../eval/transcripts.js';
import type { EvalRow } from '../../eval/metrics.js';
import { loadGame } from '../../games/registry.js';
import { OpenAIPolicy } from '../../policy/openai.js';
import { THINK_PREFIX } from '../../protocol/answer.js';
import { createPolicy, POLICY_SPECS } from '../../policy/registry.js';
import type { Policy } from '../../policy/types.js';
import type { PromptStyle } from '../../protocol/types.js';
import { checkpointPolicy } from '../../train/checkpoint_policy.js';
import { UsageError } from '../../util/errors.js';
import { Progress } from '../../util/progress.js';
import { intOption, parse } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table } from '../table.js';

/** `--policy checkpoint:<dir>`: an embedded-model checkpoint. */
const CHECKPOINT_PREFIX = 'checkpoint:';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a policy on the reference game protocol: win/draw/loss, returns, scores, poker NashConv',
  usage:
    'marshal eval --policy <spec> [--games list] [--games-per-seat N] [--seed S] [--json] [--out dir] [--transcripts] ' +
    '[--nash-samples K] [--max-tokens N] [--temperature T] [--prompt-style S] [--force-think] [--concurrency N] [--request-seeds] [--quiet]',
  help: [
    'Options:',
    '  --policy SPEC         the policy to evaluate: ' + POLICY_SPECS.map((p) => p.spec).join(', ') + ', checkpoint:<dir>',
    '                        (checkpoint:<dir>: an embedded-model checkpoint from marshal pretrain or train, played with the',
    '                        prompt style and answer length it was trained with)',
    '  --games LIST          comma-separated games (reference opponents) or game/opponent items; default all of:',
    '                        ' + Object.entries(REFERENCE_SUITE).map(([g, o]) => `${g} (${o.join(', ')})`).join(', '),
    '                        e.g. tic_tac_toe/mcts:10,kuhn_poker,mini_hanabi; opponent `self` = self-play',
    '  --games-per-seat N    games per seat per game and opponent (default 100)',
    '  --seed S              game i of every cell uses seed S+i (default 0)',
    '  --json                print the JSON report (results: one entry per game, opponent and seat)',
    '  --out DIR             write DIR/results.json (and DIR/transcripts.jsonl with --transcripts)',
    '  --transcripts         write every game, one JSON object per line, to DIR/transcripts.jsonl (needs --out)',
    '  --nash-samples K      answers per poker information state for NashConv (default 8; exact for random/nash)',
    '  --no-nash-conv        skip the poker NashConv measurement',
    '  --max-tokens N        most tokens per answer sent to the policy (default: the policy\'s, 4096; a checkpoint\'s: its training\'s)',
    '  --temperature T       sampling temperature of a checkpoint:<dir> policy (default 1, as in training; 0 = greedy)',
    '  --prompt-style S      compact or reference (default: reference; a checkpoint\'s: the one it was trained with)',
    '  --force-think         openai policies: force each answer to start with "<think>\\n" as the reference does',
    '                        (sent as a final assistant message with continue_final_message; vLLM, SGLang)',
    '  --concurrency N       most games in progress at once (default all)',
    '  --request-seeds       seed every answer from its game\'s seed and turn (checkpoint:<dir> policies; servers that',
    '                        honour per-request seeds), so each game plays the same whichever cells and how many games',
    '                        run beside it; without it a sampled answer depends on the batch it was drawn in',
    '  --quiet               no progress bar',
    '',
    'Scores (0-100, formula in each JSON row): board games 100*(win+draw/2)/games; poker 100*(R-lo)/(hi-lo) with',
    'lo/hi the exact worst/best response values against the opponent and forfeits counted as lo; Hanabi',
    '100*mean(score)/max score. A game stopped by a policy/server error is counted under errors, not dropped.',
    '',
    'Example:',
    '  marshal eval --policy random --games tic_tac_toe/mcts:10,kuhn_poker --games-per-seat 20',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        policy: { type: 'string' },
        games: { type: 'string' },
        'games-per-seat': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        transcripts: { type: 'boolean' },
        'nash-samples': { type: 'string' },
        'no-nash-conv': { type: 'boolean' },
        'max-tokens': { type: 'string' },
        'force-think': { type: 'boolean' },
        concurrency: { type: 'string' },
        'request-seeds': { type: 'boolean' },
        temperature: { type: 'string' },
        'prompt-style': { type: 'string' },
        quiet: { type: 'boolean' },
      },
      this.usage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\nusage: ${this.usage}`);
    if (typeof values.policy !== 'string') throw new UsageError(`missing --policy <spec>; valid policies: ${POLICY_SPECS.map((p) => p.spec).join(', ')}`);
    const cells = typeof values.games === 'string' ? parseEvalGames(values.games) : referenceCells();
    const gamesPerSeat = intOption(values['games-per-seat'], 'games-per-seat', 100, 1);
    const seed = intOption(values.seed, 'seed', 0, 0);
    const nashSamples = intOption(values['nash-samples'], 'nash-samples', 8, 1);
    const maxTokens = values['max-tokens'] === undefined ? undefined : intOption(values['max-tokens'], 'max-tokens', 4096, 1);
    const concurrency = values.concurrency === undefined ? undefined : intOption(values.concurrency, 'concurrency', 1, 1);
    const out = typeof values.out === 'string' ? values.out : undefined;
    if (values.transcripts && !out) throw new UsageError('--transcripts writes DIR/transcripts.jsonl: give --out DIR');

    const games = [...new Set(cells.map((c) => c.game))].map((g) => loadGame(g));
    const styleOption = values['prompt-style'];
    if (styleOption !== undefined && styleOption !== 'compact' && styleOption !== 'reference') throw new UsageError(`--prompt-style must be compact or reference, got '${styleOption}'`);
    const isCheckpoint = values.policy.startsWith(CHECKPOINT_PREFIX);
    if (values.temperature !== undefined && !isCheckpoint) throw new UsageError(`--temperature is for checkpoint:<dir> policies (scripted ones do not sample; an openai server uses its own)`);
    let policy: Policy;
    let promptStyle: PromptStyle | undefined = styleOption;
    let policyMaxTokens: number | undefined;
    if (isCheckpoint) {
      const dir = values.policy.slice(CHECKPOINT_PREFIX.length);
      if (!dir) throw new UsageError(`--policy checkpoint:<dir> needs the checkpoint folder, e.g. checkpoint:runs/ttt/step-00000120`);
      const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
      if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) throw new UsageError(`--temperature must be a number >= 0, got '${values.temperature}'`);
      const c = await checkpointPolicy(dir, { seed, ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxNewTokens: maxTokens } : {}) });
      policy = c.policy;
      promptStyle ??= c.promptStyle;
      policyMaxTokens = c.maxNewTokens;
    } else {
      policy = createPolicy(values.policy, { games, seed, ...(values['force-think'] ? { openai: { prefill: THINK_PREFIX } } : {}) });
    }
    const answerTokens = maxTokens ?? policyMaxTokens;
    try {
      if (policy instanceof OpenAIPolicy) {
        // Fail fast with the server's own words when it is unreachable or rejects us.
        const models = await policy.listModels();
        if (!models.includes(policy.model)) {
          console.error(`marshal eval: warning: ${policy.baseUrl} lists ${models.length ? models.join(', ') : 'no models'}, not '${policy.model}'`);
        }
      }
      const quiet = Boolean(values.quiet || values.json);
      let bar: Progress | undefined;
      const report = await runEval(policy, {
        cells,
        gamesPerSeat,
        seed,
        nashConv: !values['no-nash-conv'],
        nashConvSamples: nashSamples,
        ...(answerTokens !== undefined ? { sampling: { maxTokens: answerTokens } } : {}),
        ...(promptStyle ? { promptStyle } : {}),
        ...(concurrency !== undefined ? { maxConcurrentGames: concurrency } : {}),
        ...(values['request-seeds'] ? { requestSeeds: true } : {}),
        onProgress: (done, total) => (bar ??= new Progress('eval games', total, { quiet })).update(done),
      });
      bar?.done();
      const json = {
        policy: report.policy,
        seed: report.seed,
        games_per_seat: report.games_per_seat,
        results: report.results,
        nash_conv: report.nash_conv,
        seconds: report.seconds,
      };
      if (out) {
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'results.json'), JSON.stringify(json, null, 2) + '\n');
        if (values.transcripts) writeFileSync(join(out, 'transcripts.jsonl'), report.episodes.map(transcriptLine).join(''));
      }
      if (values.json) console.log(JSON.stringify(json, null, 2));
      else printTable(report.policy, report.results, report.seconds);
      const played = report.results.reduce((n, r) => n + r.games, 0);
      const errors = report.results.reduce((n, r) => n + r.errors, 0);
      if (played > 0 && errors === played) {
        const first = report.episodes.find((e) => e.error)?.error ?? 'unknown error';
        console.error(`marshal eval: every game failed with a policy error; first: ${first}`);
        return 1;
      }
      return 0;
    } finally {
      await policy.close?.();
    }
  },
};

function printTable(policy: string, rows: readonly EvalRow[], seconds: number): void {
  console.log(`policy ${policy}`);
  console.log(
    table(
      ['game', 'opponent', 'seat', 'games', 'win', 'draw', 'loss', 'mean return', '95% CI', 'invalid', 'turns', 'tokens', 'score', 'NashConv', 'wins taken (random)', 'threats parried (random)', 'other stops'],
      rows.map((r) => [
        r.game,
        r.opponent,
        r.seat,
        r.games,
        r.win,
        r.draw,
        r.loss,
        fmt(r.mean_return),
        `±${fmt(r.ci95)}`,
        `${fmt(100 * r.invalid_rate, 1)}%`,
        fmt(r.mean_turns, 1),
        fmt(r.mean_response_tokens, 0),
        r.score === null ? '-' : fmt(r.score, 1),
        r.nash_conv === null ? '-' : fmt(r.nash_conv, 4),
        r.tactics ? `${r.tactics.wins_taken}/${r.tactics.win_chances} (${fmt(r.tactics.wins_by_chance, 1)})` : '-',
        r.tactics ? `${r.tactics.threats_parried}/${r.tactics.threats} (${fmt(r.tactics.parries_by_chance, 1)})` : '-',
        Object.entries(r.stop_reasons)
          .filter(([k, v]) => k !== 'finished' && v > 0)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || '-',
      ]),
    ),
  );
  console.log(`${fmt(seconds, 2)} s`);
}
