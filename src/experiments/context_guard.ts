/**
 * @file A `Policy` wrapper that answers requests whose chat no longer fits the model's context with an
 * `error` response for that game alone, instead of letting the engine reject the whole batch.
 *
 * The engine refuses a batch in which any prompt plus the tokens to generate exceeds `maxPositions`, and the
 * rollout runner then stops every game of that batch. Held-out games (Connect Four's multi-turn chats reach
 * ~2,300 tokens with a tokenizer trained on other games) would otherwise lose unrelated games too. Games
 * stopped here count as `errors` in the evaluation rows (left out of win/draw/loss and the score) and are
 * counted in `overflows`.
 *
 * @example
 * const guarded = new ContextGuard(enginePolicy, engine.config.maxPositions, 24);
 * await runEval(guarded, { ... });
 * guarded.overflows;   // requests refused
 */
import type { Policy, PolicyRequest, PolicyResponse } from '../policy/types.js';

/** What the guard needs of the wrapped policy: its prompt ids for a request. */
export interface PromptMeasuringPolicy extends Policy {
  promptIds(req: PolicyRequest): number[];
}

/** See the file comment. */
export class ContextGuard implements Policy {
  readonly name: string;
  /** Requests answered with an error because they did not fit. */
  overflows = 0;

  constructor(
    private readonly inner: PromptMeasuringPolicy,
    private readonly maxPositions: number,
    private readonly defaultMaxTokens: number,
  ) {
    this.name = inner.name;
  }

  async generate(requests: readonly PolicyRequest[], opts?: { signal?: AbortSignal }): Promise<PolicyResponse[]> {
    const out: PolicyResponse[] = new Array(requests.length);
    const fit: number[] = [];
    // The engine samples a batch with its largest maxTokens, so every prompt must leave room for that.
    const maxTokens = Math.max(1, ...requests.map((r) => r.sampling?.maxTokens ?? this.defaultMaxTokens));
    requests.forEach((r, i) => {
      const len = this.inner.promptIds(r).length;
      if (len + maxTokens > this.maxPositions) {
        this.overflows++;
        out[i] = { text: '', finishReason: 'error', error: `the chat (${len} tokens) plus ${maxTokens} new tokens exceeds the model's context of ${this.maxPositions} positions` };
      } else {
        fit.push(i);
      }
    });
    if (fit.length > 0) {
      const res = await this.inner.generate(fit.map((i) => requests[i]!), opts);
      fit.forEach((i, k) => (out[i] = res[k]!));
    }
    return out;
  }
}
