import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedEngine } from '../model/engine.js';
import { fromQwen3Config } from '../model/hf.js';
import { renderChatTokens } from '../model/io/chat_template.js';
import { TINY_QWEN3_CONFIG, randomQwen3Params, tinyTokenizerJson } from '../model/io/fixtures.js';
import { HfTokenizer } from '../model/io/tokenizer_hf.js';
import { OpenAIPolicy } from '../policy/openai.js';
import type { ServeEngine } from './batcher.js';
import { decodeText } from '../model/io/detok.js';
import { createServer, type ServeOptions } from './server.js';

const tok = HfTokenizer.fromJson(tinyTokenizerJson());
const config = fromQwen3Config(TINY_QWEN3_CONFIG); // 256 positions
const engine = new EmbeddedEngine({ config, params: randomQwen3Params(TINY_QWEN3_CONFIG, 3, 0.5), trainable: false });

/** Counts engine.sample calls (and their batch sizes); `hold()` makes calls wait until `release()`. */
class CountingEngine implements ServeEngine {
  readonly calls: number[] = [];
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  constructor(private readonly inner: EmbeddedEngine) {}
  get config() {
    return this.inner.config;
  }
  get weightVersion() {
    return this.inner.weightVersion;
  }
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  async sample(prompts: number[][], params: Parameters<EmbeddedEngine['sample']>[1]) {
    this.calls.push(prompts.length);
    if (this.gate) await this.gate;
    return this.inner.sample(prompts, params);
  }
}

async function withServer(opts: Partial<ServeOptions>, fn: (url: string, eng: CountingEngine) => Promise<void>): Promise<void> {
  const eng = new CountingEngine(engine);
  const server = createServer({ engine: eng, tokenizer: tok, modelName: 'tiny', batchWindowMs: 10, seed: 1, ...opts });
  const url = await server.listen(0);
  try {
    await fn(url, eng);
  } finally {
    eng.release();
    await server.close(2000);
  }
}

async function post(url: string, body: unknown, path = '/v1/chat/completions'): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

const chat = (content: string) => [{ role: 'user' as const, content }];

test('OpenAIPolicy gets completions whose log-probs and token ids match engine.forward', async () => {
  await withServer({ template: 'chatml' }, async (url) => {
    const policy = new OpenAIPolicy({ baseUrl: `${url}/v1`, model: 'tiny', logprobs: true, returnTokenIds: true, maxRetries: 0, sampling: { temperature: 0.8, topP: 1, topK: 0, maxTokens: 12 } });
    assert.deepEqual(await policy.listModels(), ['tiny']);
    const prompts = ['hello world', 'the', 'hello'];
    const out = await policy.generate(prompts.map((p) => ({ messages: chat(p) })));
    for (const [i, r] of out.entries()) {
      const ids = r.tokenIds!;
      assert.ok(ids.length > 0 && ids.length <= 12);
      assert.equal(r.logprobs!.length, ids.length);
      assert.equal(r.completionTokens, ids.length);
      assert.equal(r.weightVersion, 0);
      const prompt = renderChatTokens(tok, chat(prompts[i]), { template: 'chatml', addGenerationPrompt: true }).ids;
      assert.equal(r.promptTokens, prompt.length);
      const [ref] = await engine.forward([[...prompt, ...ids]]);
      const tail = ref.slice(prompt.length - 1);
      for (let t = 0; t < ids.length; t++) assert.ok(Math.abs(tail[t] - r.logprobs![t]) < 1e-4, `token ${t}: ${tail[t]} vs ${r.logprobs![t]}`);
      assert.equal(r.text, decodeText(tok, ids));
    }
  });
});

test('prefill continues the final assistant message (MARSHAL template, forced <think>)', async () => {
  await withServer({ template: 'marshal' }, async (url) => {
    const policy = new OpenAIPolicy({ baseUrl: `${url}/v1`, model: 'tiny', logprobs: true, returnTokenIds: true, prefill: '<think>\n', maxRetries: 0, sampling: { temperature: 0, maxTokens: 6 } });
    const [r] = await policy.generate([{ messages: chat('hello') }]);
    assert.ok(r.text.startsWith('<think>\n'));
    // the prompt the server continued is exactly the MARSHAL generation prompt (which forces "<think>\n")
    const prompt = renderChatTokens(tok, chat('hello'), { template: 'marshal', addGenerationPrompt: true }).ids;
    const direct = await engine.sample([prompt], { maxNewTokens: 6, temperature: 0, stopTokenIds: [270, 268] });
    assert.deepEqual(r.tokenIds, direct.tokens[0]);
    const raw = await post(url, { messages: [...chat('hello'), { role: 'assistant', content: '<think>\n' }], continue_final_message: true, add_generation_prompt: false, max_tokens: 3, temperature: 0, return_token_ids: true });
    assert.deepEqual(raw.json.prompt_token_ids, prompt);
  });
});

test('temperature 0 is deterministic and equals the engine\'s greedy continuation; 8 concurrent requests are batched', async () => {
  await withServer({}, async (url, eng) => {
    const texts = ['hello', 'the world', 'hell', 'or', 'hello hello', 'wor', 'ld', 'the'];
    const body = (t: string) => ({ model: 'tiny', messages: chat(t), temperature: 0, max_tokens: 5 + (t.length % 3), return_token_ids: true });
    const a = await Promise.all(texts.map((t) => post(url, body(t))));
    assert.ok(eng.calls.length < 8, `engine.sample called ${eng.calls.length} times for 8 requests`);
    assert.ok(Math.max(...eng.calls) > 1);
    const b = await Promise.all(texts.map((t) => post(url, body(t))));
    for (const [i, t] of texts.entries()) {
      assert.equal(a[i].status, 200);
      assert.deepEqual(a[i].json.choices[0].message, b[i].json.choices[0].message);
      const prompt = renderChatTokens(tok, chat(t), { template: 'chatml', addGenerationPrompt: true }).ids;
      const solo = await engine.sample([prompt], { maxNewTokens: body(t).max_tokens, temperature: 0, stopTokenIds: [270, 268] });
      assert.deepEqual(a[i].json.choices[0].token_ids, solo.tokens[0]);
      assert.equal(a[i].json.usage.completion_tokens, solo.tokens[0].length);
      assert.equal(a[i].json.usage.total_tokens, prompt.length + solo.tokens[0].length);
    }
  });
});

test('seeded requests at temperature 1 are batched and each gets what its seed gives it alone', async () => {
  await withServer({}, async (url, eng) => {
    const texts = ['hello', 'the world', 'hell', 'or', 'hello hello', 'wor'];
    const body = (t: string, i: number) => ({ model: 'tiny', messages: chat(t), temperature: 1, seed: 100 + i, max_tokens: 6, return_token_ids: true });
    const a = await Promise.all(texts.map((t, i) => post(url, body(t, i))));
    assert.ok(eng.calls.length < texts.length, `engine.sample called ${eng.calls.length} times for ${texts.length} seeded requests`);
    for (const [i, t] of texts.entries()) {
      assert.equal(a[i].status, 200);
      const prompt = renderChatTokens(tok, chat(t), { template: 'chatml', addGenerationPrompt: true }).ids;
      const solo = await engine.sample([prompt], { maxNewTokens: 6, temperature: 1, stopTokenIds: [270, 268], seed: 100 + i });
      assert.deepEqual(a[i].json.choices[0].token_ids, solo.tokens[0], `request ${i}`);
    }
  });
});

test('streaming: SSE chunks concatenate to the non-streamed text for the same seed', async () => {
  await withServer({}, async (url) => {
    const body = { model: 'tiny', messages: chat('hello world'), temperature: 1, seed: 5, max_tokens: 24, logprobs: true, return_token_ids: true };
    const plain = await post(url, body);
    assert.equal(plain.status, 200);
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter((e) => e !== '');
    assert.equal(events[events.length - 1], 'data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    let text = '';
    const ids: number[] = [];
    const lps: number[] = [];
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      for (const ch of c.choices) {
        text += ch.delta.content ?? '';
        ids.push(...(ch.token_ids ?? []));
        lps.push(...(ch.logprobs?.content ?? []).map((e: { logprob: number }) => e.logprob));
      }
    }
    const choice = plain.json.choices[0];
    assert.equal(text, choice.message.content);
    assert.deepEqual(ids, choice.token_ids);
    assert.deepEqual(lps, choice.logprobs.content.map((e: { logprob: number }) => e.logprob));
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks[chunks.length - 2].choices[0].finish_reason, choice.finish_reason);
    assert.deepEqual(chunks[chunks.length - 1].usage, plain.json.usage);
  });
});

test('stop strings cut the text; finish_reason stop', async () => {
  await withServer({}, async (url) => {
    const body = { messages: chat('the'), temperature: 1, seed: 9, max_tokens: 30 };
    const full = (await post(url, body)).json.choices[0];
    assert.deepEqual((await post(url, body)).json.choices[0], full); // same seed, same reply
    const text: string = full.message.content;
    assert.ok(text.length >= 8, `greedy text too short: ${JSON.stringify(text)}`);
    const stop = text.slice(4, 7);
    const cut = (await post(url, { ...body, stop: [stop, 'zzzzzz'] })).json.choices[0];
    assert.equal(cut.message.content, text.slice(0, text.indexOf(stop)));
    assert.equal(cut.finish_reason, 'stop');
    assert.equal(cut.stop_reason, stop);
  });
});

test('errors: 400 naming the field, 404, 405, 413', async () => {
  await withServer({ maxBodyBytes: 4000 }, async (url) => {
    const ok = { messages: chat('hi') };
    const cases: [unknown, string | null][] = [
      ['{not json', null],
      [{}, 'messages'],
      [{ messages: 'hi' }, 'messages'],
      [{ messages: [] }, 'messages'],
      [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
      [{ ...ok, temperature: 'hot' }, 'temperature'],
      [{ ...ok, top_p: 0 }, 'top_p'],
      [{ ...ok, max_tokens: 0 }, 'max_tokens'],
      [{ ...ok, max_tokens: 2.5 }, 'max_tokens'],
      [{ ...ok, max_tokens: 250 }, 'max_tokens'], // prompt + 250 > 256 positions
      [{ messages: chat('zq'.repeat(150)) }, 'messages'], // prompt longer than the model's positions
      [{ ...ok, n: 2 }, 'n'],
      [{ ...ok, top_logprobs: 3 }, 'top_logprobs'],
      [{ ...ok, stop: [1] }, 'stop[0]'],
      [{ ...ok, stream: 'yes' }, 'stream'],
      [{ ...ok, continue_final_message: true }, 'continue_final_message'],
    ];
    for (const [body, param] of cases) {
      const r = await post(url, body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(r.json.error.param, param, JSON.stringify(body).slice(0, 80));
      assert.equal(r.json.error.code, 400);
      if (param) assert.ok(r.json.error.message.includes(`'${param.split('[')[0]}`) || r.json.error.message.includes(param), r.json.error.message);
    }
    const model = await post(url, { ...ok, model: 'gpt-9' });
    assert.equal(model.status, 404);
    assert.match(model.json.error.message, /gpt-9/);
    assert.equal((await fetch(`${url}/v1/nothing`)).status, 404);
    assert.equal((await fetch(`${url}/v1/models/gpt-9`)).status, 404);
    const get = await fetch(`${url}/v1/chat/completions`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await post(url, {}, '/v1/models')).status, 405);
    const big = await post(url, { messages: chat('x'.repeat(5000)) });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 413);
    // the server still works afterwards
    const after = await post(url, { ...ok, max_tokens: 2 });
    assert.equal(after.status, 200);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  });
});

test('a full queue gives 429 with Retry-After; the queued requests are still answered', async () => {
  await withServer({ maxQueue: 2, batchWindowMs: 0 }, async (url, eng) => {
    eng.hold();
    const body = { messages: chat('hello'), max_tokens: 3, temperature: 0 };
    const first = post(url, body);
    while (eng.calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    // the first batch is running (held); the next two wait, the fourth finds the queue full
    const queued = [post(url, { ...body, max_tokens: 4 }), post(url, { ...body, max_tokens: 5 })];
    await new Promise((r) => setTimeout(r, 50));
    const full = await post(url, body);
    assert.equal(full.status, 429);
    assert.equal(full.headers.get('retry-after'), '1');
    assert.match(full.json.error.message, /busy/);
    eng.release();
    const done = await Promise.all([first, ...queued]);
    assert.deepEqual(done.map((d) => d.status), [200, 200, 200]);
    assert.deepEqual(eng.calls, [1, 2]); // the two queued requests ran together
  });
});

test('graceful shutdown answers the queued request, then refuses connections', async () => {
  const eng = new CountingEngine(engine);
  const server = createServer({ engine: eng, tokenizer: tok, modelName: 'tiny', batchWindowMs: 0 });
  const url = await server.listen(0);
  eng.hold();
  const pending = post(url, { messages: chat('hello'), max_tokens: 3 });
  while (eng.calls.length === 0) await new Promise((r) => setTimeout(r, 2));
  const closing = server.close(5000);
  setTimeout(() => eng.release(), 30);
  assert.equal((await pending).status, 200);
  await closing;
  assert.equal(server.http.listening, false);
  assert.equal(server.stats().inflight, 0);
});
