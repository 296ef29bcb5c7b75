/**
 * @file A checkpoint of the embedded model as a `Policy`, with the prompt style and answer length it was
 * trained with, so that `marshal eval --policy checkpoint:DIR` plays it the way it learned to play.
 *
 * The prompt style and the most new tokens per answer come from the checkpoint's own record (`extra`:
 * `prompt_style`, and `max_new_tokens` or, for a pretrained base, `settings.maxNewTokens`), else from its run's
 * `config.json` (the folder above a `step-N` checkpoint), else `compact` and 24: every embedded model is
 * pretrained on compact prompts (`marshal pretrain`), whose answers are about 8 tokens.
 *
 * @example
 * const { policy, promptStyle } = await checkpointPolicy('runs/ttt/step-00000120', { temperature: 1, seed: 0 });
 * await runEval(policy, { promptStyle, cells: [{ game: 'tic_tac_toe', opponent: 'random' }] });
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PromptStyle } from '../protocol/types.js';
import { UsageError } from '../util/errors.js';
import { EnginePolicy } from './engine_policy.js';
import { loadEngineCheckpoint, policyTokenizer } from './pretrain.js';

/** Sampling of a checkpoint policy. */
export interface CheckpointPolicyOptions {
  /** Softmax temperature (0 = greedy); default 1, as in training. */
  readonly temperature?: number;
  /** Sampling seed (default 0). */
  readonly seed?: number;
  /** Most new tokens per answer; default: what the checkpoint was trained with. */
  readonly maxNewTokens?: number;
  /** The policy's name in results (default `checkpoint:<dir>`). */
  readonly name?: string;
}

/** The policy, and the prompt style and answer length the checkpoint expects. */
export interface CheckpointPolicy {
  readonly policy: EnginePolicy;
  readonly promptStyle: PromptStyle;
  readonly maxNewTokens: number;
}

function readRunConfig(dir: string): { promptStyle?: unknown; sampling?: { maxNewTokens?: unknown } } {
  const path = join(dirname(dir), 'config.json');
  if (!existsSync(path)) return {};
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return json !== null && typeof json === 'object' ? (json as { promptStyle?: unknown }) : {};
  } catch {
    return {};
  }
}

/** Loads checkpoint `dir` (weights and tokenizer) as a sampling policy; see the file comment. */
export async function checkpointPolicy(dir: string, o: CheckpointPolicyOptions = {}): Promise<CheckpointPolicy> {
  if (!existsSync(dir)) throw new UsageError(`checkpoint '${dir}' does not exist`);
  const { engine, tokenizer, extra } = await loadEngineCheckpoint(dir);
  if (!tokenizer) throw new UsageError(`checkpoint ${dir} has no tokenizer.json; only checkpoints made by marshal pretrain or train can play`);
  const run = readRunConfig(dir);
  const settings = (extra.settings ?? {}) as { maxNewTokens?: unknown };
  const style = extra.prompt_style ?? run.promptStyle ?? 'compact';
  if (style !== 'compact' && style !== 'reference') throw new UsageError(`checkpoint ${dir}: unknown prompt style ${JSON.stringify(style)}`);
  const recorded = extra.max_new_tokens ?? settings.maxNewTokens ?? run.sampling?.maxNewTokens;
  const maxNewTokens = o.maxNewTokens ?? (typeof recorded === 'number' && recorded > 0 ? recorded : 24);
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new UsageError(`temperature must be a finite number >= 0, got ${temperature}`);
  const policy = new EnginePolicy({
    engine, tokenizer: policyTokenizer(tokenizer), maxNewTokens, temperature, seed: o.seed ?? 0, name: o.name ?? `checkpoint:${dir}`,
  });
  return { policy, promptStyle: style, maxNewTokens };
}
