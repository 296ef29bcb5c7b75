/**
 * @file The policy spec grammar, in one frozen registry: what `--policy` accepts.
 *
 * | spec                         | policy                                                                         |
 * |------------------------------|--------------------------------------------------------------------------------|
 * | `random`                     | scripted: uniform over legal actions, answering in the text format              |
 * | `minimax[:D]`                | scripted: alpha-beta (perfect-information games; depth D for Connect Four)      |
 * | `mcts:N[:R[:C]]`             | scripted: UCT with N simulations, R rollouts per leaf, exploration C            |
 * | `nash`                       | scripted: the Nash policy (Kuhn analytic, Leduc saved equilibrium)              |
 * | `faulty:<rate>:<spec>`       | `<spec>` with a share `rate` of its answers malformed, illegal or over-long (rate/3 each) |
 * | `openai:<model>@<base-url>`  | an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama); key from `OPENAI_API_KEY` |
 *
 * Scripted specs wrap the agent of the same spec (src/agents/registry.ts) in a `ScriptedPolicy`; when the
 * games to play are given, the spec is checked against each (e.g. `nash` only for poker, `mcts` only for
 * perfect-information games). The model name may contain `:` (Ollama tags); the first `@` ends it.
 *
 * @example
 * createPolicy('mcts:100');
 * createPolicy('faulty:0.3:random', { seed: 7 });
 * createPolicy('openai:Qwen/Qwen3-4B@http://localhost:8000/v1', { openai: { prefill: '<think>\n' } });
 */
import { AGENTS, createAgent } from '../agents/registry.js';
import type { Game } from '../games/game.js';
import { UsageError, choices } from '../util/errors.js';
import { FaultyPolicy } from './faulty.js';
import { OpenAIPolicy, type OpenAIPolicyOptions } from './openai.js';
import { ScriptedPolicy } from './scripted.js';
import type { Policy } from './types.js';

/** Context for building a policy from a spec. */
export interface PolicyBuildOptions {
  /** Games the policy will play; scripted specs are validated against each. */
  readonly games?: readonly Game[];
  /** Seed of fault draws (`faulty`) and the initial seed of scripted agents (default 0). */
  readonly seed?: number;
  /** Extra options of `openai` policies (everything but `baseUrl` and `model`). Default `onError: 'response'`. */
  readonly openai?: Partial<Omit<OpenAIPolicyOptions, 'baseUrl' | 'model'>>;
}

/** One form of the grammar. */
export interface PolicySpec {
  /** The form, e.g. `faulty:<rate>:<spec>`. */
  readonly spec: string;
  readonly description: string;
  /** Builds the policy from the text after `name:` (empty when none); throws UsageError for bad input. */
  create(rest: string, full: string, opts: PolicyBuildOptions): Policy;
}

const SCRIPTED = ['random', 'greedy', 'minimax', 'mcts', 'nash'] as const;

function scripted(name: (typeof SCRIPTED)[number]): PolicySpec {
  const agentSpec = AGENTS[name].spec;
  return {
    spec: agentSpec,
    description: `scripted: ${AGENTS[name].description}`,
    create(_rest, full, opts) {
      let agent;
      try {
        for (const game of opts.games ?? []) createAgent(full, game); // validation only
        const [, ...args] = full.split(':');
        agent = AGENTS[name].create(args, opts.games?.[0] as Game);
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError(`policy '${full}': ${e.message}`);
        throw e;
      }
      const policy = new ScriptedPolicy(agent, { name: agent.name });
      policy.reset(opts.seed ?? 0);
      return policy;
    },
  };
}

export const POLICIES: Readonly<Record<string, PolicySpec>> = Object.freeze({
  random: scripted('random'),
  greedy: scripted('greedy'),
  minimax: scripted('minimax'),
  mcts: scripted('mcts'),
  nash: scripted('nash'),
  faulty: {
    spec: 'faulty:<rate>:<spec>',
    description: 'another spec with a share <rate> in [0, 1] of its answers malformed, illegal or over-long',
    create(rest, full, opts) {
      const colon = rest.indexOf(':');
      if (colon < 0) throw new UsageError(`policy '${full}': expected faulty:<rate>:<spec>, e.g. faulty:0.3:random`);
      const rateText = rest.slice(0, colon);
      const rate = Number(rateText);
      if (rateText.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
        throw new UsageError(`policy '${full}': <rate> must be a number in [0, 1], got '${rateText}'`);
      }
      const inner = createPolicy(rest.slice(colon + 1), opts);
      return FaultyPolicy.fromRate(inner, rate, opts.seed ?? 0);
    },
  },
  openai: {
    spec: 'openai:<model>@<base-url>',
    description: 'an OpenAI-compatible chat-completions server, e.g. openai:Qwen/Qwen3-4B@http://localhost:8000/v1',
    create(rest, full, opts) {
      const at = rest.indexOf('@');
      const model = at < 0 ? '' : rest.slice(0, at).trim();
      const baseUrl = at < 0 ? '' : rest.slice(at + 1).trim().replace(/\/+$/, '');
      if (!model || !baseUrl) {
        throw new UsageError(`policy '${full}': expected openai:<model>@<base-url>, e.g. openai:Qwen/Qwen3-4B@http://localhost:8000/v1`);
      }
      let url: URL;
      try {
        url = new URL(baseUrl);
      } catch {
        throw new UsageError(`policy '${full}': '${baseUrl}' is not a URL (expected e.g. http://localhost:8000/v1)`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`policy '${full}': the base URL must be http:// or https://, got '${url.protocol}'`);
      }
      return new OpenAIPolicy({ onError: 'response', ...opts.openai, baseUrl, model });
    },
  },
});

/** Every form of the grammar, for help texts and errors. */
export const POLICY_SPECS: readonly PolicySpec[] = Object.freeze(Object.values(POLICIES));

/** Builds a policy from its spec; bad specs throw a UsageError listing the valid forms. */
export function createPolicy(spec: string, opts: PolicyBuildOptions = {}): Policy {
  const full = spec.trim();
  const colon = full.indexOf(':');
  const name = colon < 0 ? full : full.slice(0, colon);
  const def = Object.hasOwn(POLICIES, name) ? POLICIES[name] : undefined;
  if (!def) {
    throw new UsageError(`unknown policy '${spec}'; valid policies: ${choices(POLICY_SPECS.map((p) => p.spec))}`);
  }
  return def.create(colon < 0 ? '' : full.slice(colon + 1), full, opts);
}
