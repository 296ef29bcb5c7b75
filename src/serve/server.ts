/**
 * @file `marshal serve`'s HTTP server: an OpenAI-compatible chat-completions API over an engine and a
 * tokenizer, on node:http.
 *
 * Routes: `POST /v1/chat/completions` (JSON reply, or server-sent events with `stream: true` ending in
 * `data: [DONE]`), `GET /v1/models`, `GET /v1/models/{id}`, `GET /health`. Chats are rendered with the
 * ChatML or MARSHAL template (`src/model/io/chat_template.ts`) straight to token ids, as training renders
 * them; `continue_final_message: true, add_generation_prompt: false` continues the last assistant
 * message (the client's forced `<think>\n` prefix). Replies carry usage counts, `weight_version`, with
 * `logprobs: true` the model's log-prob of every generated token (`choices[0].logprobs.content[]` with
 * `token`, `logprob`, `bytes`, `top_logprobs: []`), and with `return_token_ids: true` the generated ids
 * (`choices[0].token_ids`) and the prompt ids (`prompt_token_ids`), as vLLM does. Log-probs are the
 * model's own (temperature 1, untruncated), the quantity importance ratios need.
 *
 * Errors are OpenAI error bodies: 400 naming the field (bad JSON, missing messages, wrong types, unknown
 * role, max_tokens out of range, prompt longer than the model's positions), 404 (route, model), 405
 * (method; `Allow` header), 413 (body over `maxBodyBytes`), 429 (queue full; `Retry-After`), 503
 * (shutting down), 500 (engine failure). Concurrent requests are batched on the engine (`batcher.ts`).
 *
 * The engine runs in this process: a batch holds the event loop while it samples, so a stream's chunks
 * are all written once its batch is done (the format is the streaming one; the timing is not), and
 * `/health` answers between batches. `close()` shuts down gracefully: no new connections, requests
 * already queued are answered, new requests on open connections get 503, then connections close.
 *
 * @example
 * const server = createServer({ engine, tokenizer, modelName: 'ttt-step-100', template: 'marshal' });
 * const url = await server.listen(8000, '127.0.0.1');     // 'http://127.0.0.1:8000'
 * // curl $url/v1/chat/completions -d '{"messages":[{"role":"user","content":"hi"}],"max_tokens":16}'
 * await server.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderChatTokens, type ChatTemplate } from '../model/io/chat_template.js';
import { specialTokenId, type Tokenizer } from '../model/io/tokenizer.js';
import { UsageError } from '../util/errors.js';
import { Batcher, type BatcherStats, type ServeEngine } from './batcher.js';
import { TokenTable, finishCompletion, type Completion } from '../model/io/detok.js';
import { HttpError, parseChatRequest, type ChatRequest } from './protocol.js';

/** Options of `createServer`. */
export interface ServeOptions {
  /** The model (an `EmbeddedEngine`, or anything with `config`, `weightVersion` and `sample`). */
  engine: ServeEngine;
  /** Its tokenizer; must have `<|im_start|>` and `<|im_end|>`. */
  tokenizer: Tokenizer;
  /** The model id clients send and `/v1/models` lists. */
  modelName: string;
  /** Chat template (default 'chatml'; our trained checkpoints use 'marshal'). */
  template?: ChatTemplate;
  /** Most requests waiting for the engine (default 256); more get 429. */
  maxQueue?: number;
  /** Largest request body in bytes (default 4 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /** Most requests per engine call (default 32). */
  maxBatch?: number;
  /** How long to gather requests before sampling, in ms (default 5). */
  batchWindowMs?: number;
  /** `max_tokens` when a request has none (default 1024; always capped by the positions left after the prompt). */
  defaultMaxTokens?: number;
  /** Token ids that end a reply (default: `<|im_end|>` and `<|endoftext|>` where the tokenizer has them). */
  stopTokenIds?: readonly number[];
  /** Seed of the seeds drawn for requests without one (default: time-based). */
  seed?: number;
  /** One line per request and per server error (default: none). */
  log?: (line: string) => void;
}

/** Counters of a running server. */
export interface ServerStats extends BatcherStats {
  /** Requests answered (any status). */
  requests: number;
  /** Responses still being written. */
  inflight: number;
}

/** A chat-completions server. */
export interface ChatServer {
  /** The underlying node:http server. */
  readonly http: Server;
  /** Starts listening (port 0 = any free port); resolves with the base URL, e.g. `http://127.0.0.1:8000`. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Graceful shutdown: stops accepting connections, answers what is queued, refuses new requests with
   * 503, and closes connections; after `graceMs` (default 30 000) it fails what still waits and drops connections.
   */
  close(graceMs?: number): Promise<void>;
  /** Queue and request counters. */
  stats(): ServerStats;
}

/** The body size above which a too-large body is not even drained (the connection is closed at once). */
const DRAIN_CAP = 64 << 20;

/** Creates the server (not yet listening). Throws `UsageError` when the tokenizer does not fit the engine. */
export function createServer(o: ServeOptions): ChatServer {
  const { engine, tokenizer: tok, modelName } = o;
  const template: ChatTemplate = o.template ?? 'chatml';
  const maxBodyBytes = o.maxBodyBytes ?? 4 << 20;
  const defaultMaxTokens = o.defaultMaxTokens ?? 1024;
  const maxPositions = engine.config.maxPositions;
  if (!modelName) throw new UsageError('serve: the model name is empty');
  if (tok.vocabSize > engine.config.vocabSize) {
    throw new UsageError(`serve: the tokenizer has ${tok.vocabSize} tokens but the model only ${engine.config.vocabSize}: they do not belong together`);
  }
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) throw new UsageError(`serve: defaultMaxTokens must be a positive integer, got ${defaultMaxTokens}`);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new UsageError(`serve: maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  specialTokenId(tok, '<|im_start|>');
  specialTokenId(tok, '<|im_end|>');
  const stopTokenIds = o.stopTokenIds ?? ['<|im_end|>', '<|endoftext|>'].map((t) => tok.specialTokens.get(t)).filter((id): id is number => id !== undefined);
  const stopSet = new Set(stopTokenIds);
  const batcher = new Batcher({ engine, stopTokenIds, maxBatch: o.maxBatch, batchWindowMs: o.batchWindowMs, maxQueue: o.maxQueue, seed: o.seed });
  const table = new TokenTable(tok);
  const created = Math.floor(Date.now() / 1000);
  const inflight = new Set<ServerResponse>();
  let requests = 0;
  let draining = false;

  const modelCard = () => ({ id: modelName, object: 'model', created, owned_by: 'marshal', max_model_len: maxPositions });

  function promptIds(req: ChatRequest): number[] {
    const msgs = req.messages.map((m) => ({ role: m.role, content: m.content }));
    if (req.continueFinalMessage) {
      const r = renderChatTokens(tok, msgs, { template });
      return r.ids.slice(0, r.spans[r.spans.length - 1].end);
    }
    return renderChatTokens(tok, msgs, { template, addGenerationPrompt: req.addGenerationPrompt }).ids;
  }

  async function chat(req: IncomingMessage, res: ServerResponse, started: number): Promise<string> {
    const body = await readBody(req, maxBodyBytes);
    const r = parseChatRequest(body);
    if (r.model !== undefined && r.model !== modelName) {
      throw new HttpError(404, `the model '${r.model}' does not exist; this server serves '${modelName}'`, 'model');
    }
    const prompt = promptIds(r);
    if (prompt.length >= maxPositions) {
      throw new HttpError(400, `'messages': the prompt is ${prompt.length} tokens; the model's context is ${maxPositions} positions, which leaves no room to generate`, 'messages');
    }
    const room = maxPositions - prompt.length;
    if (r.maxTokens !== undefined && r.maxTokens > room) {
      throw new HttpError(400, `'max_tokens' is ${r.maxTokens} but the prompt (${prompt.length} tokens) leaves ${room} of the model's ${maxPositions} positions`, 'max_tokens');
    }
    const maxNewTokens = r.maxTokens ?? Math.min(defaultMaxTokens, room);
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableEnded) abort.abort(new Error('client went away'));
    };
    res.on('close', onClose);
    const pending = batcher.submit({ prompt, maxNewTokens, temperature: r.temperature, topP: r.topP, topK: r.topK, seed: r.seed, signal: abort.signal });
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const now = Math.floor(Date.now() / 1000);
    if (r.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: draining ? 'close' : 'keep-alive' });
      res.flushHeaders();
    }
    let row;
    try {
      row = await pending;
    } catch (e) {
      if (!r.stream || abort.signal.aborted) throw e;
      const err = e instanceof HttpError ? e : new HttpError(500, `sampling failed: ${(e as Error).message}`);
      res.end(`data: ${JSON.stringify(err.body())}\n\ndata: [DONE]\n\n`);
      return `${err.status} stream error: ${err.message}`;
    } finally {
      res.off('close', onClose);
    }
    const c = finishCompletion(tok, row.tokens, row.logprobs, { stop: r.stop, stopTokenIds: stopSet });
    const usage = { prompt_tokens: prompt.length, completion_tokens: c.tokens.length, total_tokens: prompt.length + c.tokens.length };
    const base = { id, created: now, model: modelName };
    if (r.stream) writeStream(res, r, c, base, usage, row.weightVersion);
    else {
      sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: c.text },
            logprobs: r.logprobs ? { content: c.tokens.map((t, i) => logprobEntry(t, c.logprobs[i])) } : null,
            finish_reason: c.finishReason,
            stop_reason: c.stopReason,
            ...(r.returnTokenIds ? { token_ids: c.tokens } : {}),
          },
        ],
        usage,
        ...(r.returnTokenIds ? { prompt_token_ids: prompt } : {}),
        weight_version: row.weightVersion,
      });
    }
    return `200 prompt=${prompt.length} completion=${c.tokens.length} batch=${row.batchSize} ${c.finishReason} ${Date.now() - started} ms`;
  }

  function logprobEntry(t: number, lp: number) {
    return { token: table.text(t), logprob: lp, bytes: table.bytes(t), top_logprobs: [] as never[] };
  }

  function writeStream(res: ServerResponse, r: ChatRequest, c: Completion, base: object, usage: object, weightVersion: number): void {
    const send = (chunk: object): boolean => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...chunk, weight_version: weightVersion })}\n\n`);
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
    for (let i = 0; i < c.tokens.length; i++) {
      if (c.pieces[i] === '' && !r.logprobs && !r.returnTokenIds) continue;
      send({
        choices: [
          {
            index: 0,
            delta: { content: c.pieces[i] },
            logprobs: r.logprobs ? { content: [logprobEntry(c.tokens[i], c.logprobs[i])] } : null,
            finish_reason: null,
            ...(r.returnTokenIds ? { token_ids: [c.tokens[i]] } : {}),
          },
        ],
      });
    }
    send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: c.finishReason, stop_reason: c.stopReason }] });
    if (r.includeUsage) send({ choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    inflight.add(res);
    res.on('close', () => {
      inflight.delete(res);
      requests++;
    });
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    let outcome = '';
    try {
      const allow = (allowed: string): void => {
        if (method !== allowed) throw new HttpError(405, `method ${req.method} is not allowed on ${path}; use ${allowed}`, null, { allow: allowed === 'GET' ? 'GET, HEAD' : allowed });
      };
      if (path === '/health') {
        allow('GET');
        if (draining) throw new HttpError(503, 'the server is shutting down');
        sendJson(res, 200, { status: 'ok', model: modelName, ...batcher.stats() });
      } else if (path === '/v1/models') {
        allow('GET');
        sendJson(res, 200, { object: 'list', data: [modelCard()] });
      } else if (path.startsWith('/v1/models/')) {
        allow('GET');
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        if (id !== modelName) throw new HttpError(404, `the model '${id}' does not exist; this server serves '${modelName}'`, 'model');
        sendJson(res, 200, modelCard());
      } else if (path === '/v1/chat/completions') {
        allow('POST');
        if (draining) throw new HttpError(503, 'the server is shutting down', null, { connection: 'close' });
        outcome = await chat(req, res, started);
      } else {
        throw new HttpError(404, `no route ${req.method} ${path}; routes: POST /v1/chat/completions, GET /v1/models, GET /health`);
      }
    } catch (e) {
      let err: HttpError;
      if (e instanceof HttpError) err = e;
      else if (e instanceof UsageError) err = new HttpError(400, e.message);
      else {
        err = new HttpError(500, `internal error: ${(e as Error)?.message ?? String(e)}`);
        o.log?.(`error: ${(e as Error)?.stack ?? String(e)}`);
      }
      outcome = `${err.status} ${err.message}`;
      if (!res.headersSent && !res.destroyed) sendJson(res, err.status, err.body(), err.headers);
      else if (!res.writableEnded) res.end();
    }
    o.log?.(`${req.method} ${path} ${outcome || res.statusCode}`);
  }

  const http = createHttpServer((req, res) => void handle(req, res));
  http.keepAliveTimeout = 65_000;

  return {
    http,
    listen(port = 8000, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (e: Error): void => reject(new UsageError(`serve: cannot listen on ${host}:${port}: ${e.message}`));
        http.once('error', onError);
        http.listen(port, host, () => {
          http.off('error', onError);
          const a = http.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          resolve(`http://${h}:${a.port}`);
        });
      });
    },
    async close(graceMs = 30_000) {
      draining = true;
      const closed = new Promise<void>((resolve) => {
        if (!http.listening) resolve();
        else http.close(() => resolve());
      });
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const drained = (async () => {
        await batcher.idle();
        while (inflight.size > 0) await new Promise((r) => setTimeout(r, 5));
      })();
      const how = await Promise.race([drained.then(() => 'drained' as const), grace]);
      clearTimeout(timer);
      if (how === 'timeout') {
        batcher.rejectWaiting(new HttpError(503, 'the server is shutting down'));
        http.closeAllConnections();
      } else http.closeIdleConnections();
      await closed;
    },
    stats: () => ({ ...batcher.stats(), requests, inflight: inflight.size }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request body as text; 413 beyond `limit` bytes (the body is still drained so the client sees the reply). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = (n: number): HttpError =>
    new HttpError(413, `the request body is ${n} bytes or more; the limit is ${limit} bytes`, null, n > DRAIN_CAP ? { connection: 'close' } : {});
  if (declared > DRAIN_CAP) {
    req.resume();
    return Promise.reject(tooLarge(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > DRAIN_CAP && !done) {
        done = true;
        reject(tooLarge(size));
      }
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (size > limit) reject(tooLarge(size));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}
