/**
 * @file `EnginePolicy`: the `Policy` interface over a `TrainingEngine`, a tokenizer and the MARSHAL chat template.
 *
 * Each request's chat is rendered with the MARSHAL template plus the forced "<think>\n" prefix and all
 * requests are sampled in one batched `engine.sample` call. The sampled ids are kept, never re-tokenized:
 * when a later request's chat contains an assistant message this policy produced, the message is rendered
 * from its cached ids (`tokens` field of the chat template), so a trajectory's training sequence is the
 * exact concatenation of prompt ids and sampled ids, turn by turn (chats are append-only).
 *
 * A request that carries `sampling.seed` (the rollout's `requestSeeds` option derives one from its game's seed
 * and turn) is sampled from its own stream (the engine's `rowSeeds`), so its answer does not depend on what
 * else is in the batch: the same game plays the same way whichever games run beside it. Requests without a
 * seed draw from the policy's batch seed, as before.
 *
 * A request's `sampling.stop` strings end its answer as they do on vLLM: the text is cut before the first one
 * (special tokens skipped), the ids after the token that completed it, and the finish reason is 'stop'.
 *
 * A request whose prompt plus the batch's new tokens no longer fits the model's context (`maxPositions`) is
 * answered with an `error` response of its own (counted in `overflows`) and the rest of the batch is sampled:
 * the engine would refuse the whole batch, and the rollout runner would then stop every game in it.
 *
 * @example
 * const policy = new EnginePolicy({ engine, tokenizer, maxNewTokens: 64 });
 * const [r] = await policy.generate([{ messages: [{ role: 'user', content: 'Your move.' }] }]);
 * r.text.startsWith('<think>\n'); r.tokenIds; r.logprobs; r.weightVersion;
 */
import type { TrainingEngine } from '../model/engine.js';
import { MARSHAL_THINK_PREFIX, renderChatTokens, type ChatMessage as TemplateMessage } from '../model/io/chat_template.js';
import { finishCompletion } from '../model/io/detok.js';
import { specialTokenId, type Tokenizer } from '../model/io/tokenizer.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../policy/types.js';
import { Rng } from '../util/rng.js';

/** Options of `EnginePolicy`. */
export interface EnginePolicyOptions {
  /** The model, reached only through the step-level interface. */
  readonly engine: TrainingEngine;
  /** Tokenizer with the `<|im_start|>` / `<|im_end|>` special tokens. */
  readonly tokenizer: Tokenizer;
  /** Default most tokens per response (a request's `sampling.maxTokens` overrides it). */
  readonly maxNewTokens: number;
  /** Default temperature (default 1). */
  readonly temperature?: number;
  /** Default nucleus mass (default 1). */
  readonly topP?: number;
  /** Default top-k, 0 or -1 = off (default 0). */
  readonly topK?: number;
  /** Seed of the first batch; each `generate` call uses the next seed (see `seed`). Default 0. */
  readonly seed?: number;
  /** Name reported as `Policy.name`. Default 'engine'. */
  readonly name?: string;
}

/** A `Policy` that samples from a `TrainingEngine`. */
export class EnginePolicy implements Policy {
  readonly name: string;
  /** Seed of the next `generate` batch; part of the trainer's resumable state. */
  seed: number;
  private readonly opts: EnginePolicyOptions;
  private readonly imEnd: number;
  /** Requests answered with an `error` response because their chat did not fit the model's context. */
  overflows = 0;
  /** Sampled ids (generated part, stop token included) by the assistant text they decode to. */
  private readonly sampled = new Map<string, number[]>();

  constructor(opts: EnginePolicyOptions) {
    this.opts = opts;
    this.name = opts.name ?? 'engine';
    this.seed = opts.seed ?? 0;
    this.imEnd = specialTokenId(opts.tokenizer, '<|im_end|>');
  }

  /** Prompt ids of one request: the chat rendered with cached sampled ids for this policy's own answers. */
  promptIds(req: PolicyRequest): number[] {
    const messages: TemplateMessage[] = req.messages.map((m) => {
      const tokens = m.role === 'assistant' ? this.sampled.get(m.content) : undefined;
      return tokens ? { role: m.role, content: m.content, tokens } : { role: m.role, content: m.content };
    });
    return renderChatTokens(this.opts.tokenizer, messages, { template: 'marshal', addGenerationPrompt: true }).ids;
  }

  /** Forgets cached sampled ids (call between rollout batches to bound memory). */
  clearCache(): void {
    this.sampled.clear();
  }

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    if (requests.length === 0) return [];
    const prompts = requests.map((r) => this.promptIds(r));
    // The engine samples a batch with its largest maxTokens, so every prompt must leave room for that.
    const maxNewTokens = Math.max(1, ...requests.map((r) => r.sampling?.maxTokens ?? this.opts.maxNewTokens));
    const limit = this.opts.engine.config.maxPositions;
    const out: PolicyResponse[] = new Array(requests.length);
    const fit: number[] = [];
    prompts.forEach((p, i) => {
      if (p.length + maxNewTokens <= limit) return void fit.push(i);
      this.overflows++;
      out[i] = { text: '', finishReason: 'error', error: `the chat (${p.length} tokens) plus ${maxNewTokens} new tokens exceeds the model's context of ${limit} positions` };
    });
    if (fit.length === 0) return out;
    const s0 = requests[fit[0]!]!.sampling;
    const topK = s0?.topK ?? this.opts.topK ?? 0;
    const seed = this.seed;
    this.seed = (this.seed + 1) >>> 0;
    let rowSeeds: number[] | undefined;
    if (fit.some((i) => requests[i]!.sampling?.seed !== undefined)) {
      const draw = new Rng(seed);
      rowSeeds = fit.map((i) => requests[i]!.sampling?.seed ?? draw.u32());
    }
    const res = await this.opts.engine.sample(fit.map((i) => prompts[i]!), {
      maxNewTokens,
      temperature: s0?.temperature ?? this.opts.temperature ?? 1,
      topP: s0?.topP ?? this.opts.topP ?? 1,
      topK: topK < 0 ? 0 : topK,
      stopTokenIds: [this.imEnd],
      seed,
      ...(rowSeeds ? { rowSeeds } : {}),
    });
    fit.forEach((i, k) => {
      let ids = res.tokens[k]!;
      let logprobs = res.logprobs[k]!;
      let finishReason: 'stop' | 'length' = res.stopReasons[k] === 'stop' ? 'stop' : 'length';
      let text: string;
      const stop = requests[i]!.sampling?.stop;
      if (stop && stop.length > 0) {
        // As vLLM: the text ends before the first stop string, the ids after the token that completed it.
        const c = finishCompletion(this.opts.tokenizer, ids, logprobs, { stop, stopTokenIds: new Set([this.imEnd]) });
        [ids, logprobs, finishReason, text] = [c.tokens, c.logprobs, c.finishReason, MARSHAL_THINK_PREFIX + c.text];
      } else {
        const body = ids.length > 0 && ids[ids.length - 1] === this.imEnd ? ids.slice(0, -1) : ids;
        text = MARSHAL_THINK_PREFIX + this.opts.tokenizer.decode(body);
      }
      this.sampled.set(text, ids);
      out[i] = {
        text,
        tokenIds: ids,
        logprobs,
        finishReason,
        promptTokens: prompts[i]!.length,
        completionTokens: ids.length,
        weightVersion: res.weightVersion,
      } satisfies PolicyResponse;
    });
    return out;
  }
}
