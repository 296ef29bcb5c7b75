/**
 * @file The request queue of `marshal serve`: requests that arrive within a short window, or wait while a
 * batch runs, are sampled together in one `engine.sample` call.
 *
 * The engine takes one set of sampling parameters per call, so a batch holds requests whose parameters
 * agree (temperature, top-p, top-k), the oldest waiting request always going in the next batch.
 * `max_tokens` may differ: the batch samples up to the largest and each row is cut back to its own
 * limit (a row's first k tokens do not depend on the limit), as long as the longest prompt plus that
 * largest limit fits the model's `maxPositions`. Greedy requests (temperature 0) ignore seed, top-p and
 * top-k, so all of them batch together. Seeds are per row (the engine's `rowSeeds`): a request with a seed
 * draws from that seed's stream wherever it sits in whatever batch, so "same seed, same result" holds
 * whatever the load, and seeded requests batch like any others; a request without one gets a seed the
 * queue draws.
 *
 * At most `maxQueue` requests wait (not counting the running batch); beyond that `submit` throws
 * `HttpError` 429. A request whose client went away before its batch started is dropped.
 *
 * @example
 * const q = new Batcher({ engine, stopTokenIds: [270], maxBatch: 32, batchWindowMs: 5, maxQueue: 256 });
 * const r = await q.submit({ prompt: [269, 117], maxNewTokens: 16, temperature: 0, topP: 1, topK: 0 });
 * r.tokens; r.logprobs; r.weightVersion;
 */
import { Rng } from '../util/rng.js';
import { HttpError } from './protocol.js';

/** What the queue needs of an engine (`TrainingEngine` and `EmbeddedEngine` have it). */
export interface ServeEngine {
  /** Model limits: `maxPositions` bounds prompt + new tokens, `vocabSize` bounds token ids. */
  readonly config: { readonly maxPositions: number; readonly vocabSize: number };
  /** Version of the weights (reported with every reply). */
  readonly weightVersion: number;
  /** Samples continuations of token-id prompts with one set of parameters (see `src/model/sampler.ts`). */
  sample(
    prompts: number[][],
    params: { maxNewTokens: number; temperature?: number; topP?: number; topK?: number; stopTokenIds?: readonly number[]; seed?: number },
  ): Promise<{ tokens: number[][]; logprobs: number[][]; weightVersion: number }>;
}

/** One request's sampling job. */
export interface SampleJob {
  /** Prompt token ids (non-empty). */
  prompt: number[];
  /** Most new tokens for this request (prompt.length + maxNewTokens ≤ maxPositions). */
  maxNewTokens: number;
  /** Temperature (0 = greedy). */
  temperature: number;
  /** Nucleus mass. */
  topP: number;
  /** Top-k, 0 = off. */
  topK: number;
  /** Seed; undefined = any. */
  seed?: number;
  /** Aborted when the client goes away; a job not yet started is then dropped. */
  signal?: AbortSignal;
}

/** One request's sampled row. */
export interface SampleRow {
  /** New token ids (the stop token included when one ended the row). */
  tokens: number[];
  /** The model's log-prob of each new token. */
  logprobs: number[];
  /** Weight version that produced them. */
  weightVersion: number;
  /** Number of requests sampled in the same engine call (this one included). */
  batchSize: number;
}

/** Options of `Batcher`. */
export interface BatcherOptions {
  /** The model. */
  engine: ServeEngine;
  /** Token ids that end a row (e.g. `<|im_end|>`, `<|endoftext|>`). */
  stopTokenIds: readonly number[];
  /** Most requests per engine call (default 32). */
  maxBatch?: number;
  /** How long to wait for more requests before starting a batch, in ms (default 5). */
  batchWindowMs?: number;
  /** Most requests waiting (default 256); more get 429. */
  maxQueue?: number;
  /** Seed of the seeds drawn for unseeded batches (default: time-based). */
  seed?: number;
}

/** Counters of the queue. */
export interface BatcherStats {
  /** Requests waiting. */
  waiting: number;
  /** Requests in the running batch. */
  running: number;
  /** Engine calls made. */
  batches: number;
  /** Requests sampled. */
  sampled: number;
  /** Requests refused with 429. */
  rejected: number;
}

interface Pending {
  job: SampleJob;
  key: string;
  resolve: (r: SampleRow) => void;
  reject: (e: unknown) => void;
}

/** Groups concurrent requests into batched engine calls. */
export class Batcher {
  private readonly engine: ServeEngine;
  private readonly stopTokenIds: readonly number[];
  private readonly maxBatch: number;
  private readonly windowMs: number;
  private readonly maxQueue: number;
  private readonly rng: Rng;
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private counters = { batches: 0, sampled: 0, rejected: 0 };

  constructor(o: BatcherOptions) {
    this.engine = o.engine;
    this.stopTokenIds = [...o.stopTokenIds];
    this.maxBatch = o.maxBatch ?? 32;
    this.windowMs = o.batchWindowMs ?? 5;
    this.maxQueue = o.maxQueue ?? 256;
    this.rng = new Rng(o.seed ?? Date.now() * 1000 + process.pid);
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    if (!(this.windowMs >= 0)) throw new RangeError(`batchWindowMs must be ≥ 0, got ${this.windowMs}`);
    if (!Number.isInteger(this.maxQueue) || this.maxQueue < 0) throw new RangeError(`maxQueue must be a non-negative integer, got ${this.maxQueue}`);
  }

  /** Queues a job; resolves with its row. Throws `HttpError` 429 at once when the queue is full. */
  submit(job: SampleJob): Promise<SampleRow> {
    if (this.queue.length >= this.maxQueue) {
      this.counters.rejected++;
      throw new HttpError(429, `the server is busy: ${this.queue.length} requests are waiting (limit ${this.maxQueue}); retry later`, null, { 'retry-after': '1' });
    }
    const greedy = job.temperature === 0;
    const key = greedy ? 'greedy' : `t=${job.temperature} p=${job.topP} k=${job.topK}`;
    return new Promise<SampleRow>((resolve, reject) => {
      this.queue.push({ job, key, resolve, reject });
      this.schedule();
    });
  }

  /** Queue counters. */
  stats(): BatcherStats {
    return { waiting: this.queue.length, running: this.running, ...this.counters };
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails every waiting request with `err` (e.g. a 503 at shutdown). */
  rejectWaiting(err: unknown): void {
    for (const p of this.queue.splice(0)) p.reject(err);
    this.checkIdle();
  }

  private schedule(): void {
    if (this.running > 0 || this.timer !== null || this.queue.length === 0) return;
    // The window also lets requests that arrived while a (synchronous) batch ran be read off their sockets.
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, this.queue.length >= this.maxBatch ? 0 : this.windowMs);
  }

  private checkIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** The oldest live request and the compatible ones that fit with it, removed from the queue. */
  private take(): Pending[] {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i];
      if (p.job.signal?.aborted) {
        this.queue.splice(i, 1);
        p.reject(p.job.signal.reason ?? new Error('request aborted'));
      }
    }
    if (this.queue.length === 0) return [];
    const first = this.queue[0];
    const batch = [first];
    const limit = this.engine.config.maxPositions;
    let longest = first.job.prompt.length;
    let most = first.job.maxNewTokens;
    for (let i = 1; i < this.queue.length && batch.length < this.maxBatch; i++) {
      const p = this.queue[i];
      if (p.key !== first.key) continue;
      const l = Math.max(longest, p.job.prompt.length);
      const m = Math.max(most, p.job.maxNewTokens);
      if (l + m > limit) continue;
      batch.push(p);
      longest = l;
      most = m;
    }
    const taken = new Set(batch);
    const rest = this.queue.filter((p) => !taken.has(p));
    this.queue.length = 0;
    this.queue.push(...rest);
    return batch;
  }

  private async runBatch(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) {
      this.checkIdle();
      return;
    }
    this.running = batch.length;
    const j = batch[0].job;
    const maxNewTokens = Math.max(...batch.map((p) => p.job.maxNewTokens));
    const rowSeeds = j.temperature === 0 ? undefined : batch.map((p) => p.job.seed ?? this.rng.u32());
    try {
      this.counters.batches++;
      const out = await this.engine.sample(
        batch.map((p) => p.job.prompt),
        { maxNewTokens, temperature: j.temperature, topP: j.topP, topK: j.topK, stopTokenIds: this.stopTokenIds, seed: 0, ...(rowSeeds ? { rowSeeds } : {}) },
      );
      this.counters.sampled += batch.length;
      batch.forEach((p, i) => {
        const n = p.job.maxNewTokens;
        p.resolve({ tokens: out.tokens[i].slice(0, n), logprobs: out.logprobs[i].slice(0, n), weightVersion: out.weightVersion, batchSize: batch.length });
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.running = 0;
      this.schedule();
      this.checkIdle();
    }
  }
}
