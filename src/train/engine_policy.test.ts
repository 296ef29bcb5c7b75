import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedEngine } from '../model/engine.js';
import { preset } from '../model/config.js';
import { trainBpeTokenizer } from '../model/io/tokenizer_bpe.js';
import { HfTokenizer } from '../model/io/tokenizer_hf.js';
import { renderChatTokens } from '../model/io/chat_template.js';
import { EnginePolicy } from './engine_policy.js';

test('EnginePolicy keeps sampled ids: the next prompt extends prompt + sampled ids exactly', async () => {
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('Board: X . O\nYour move.\n<answer>X(1,1)</answer>', { vocabSize: 300 }));
  const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: tok.vocabSize }), seed: 3 });
  const policy = new EnginePolicy({ engine, tokenizer: tok, maxNewTokens: 8, seed: 5 });
  const m1 = [{ role: 'user' as const, content: 'Board: X . O' }];
  const p1 = policy.promptIds({ messages: m1 });
  const [r] = await policy.generate([{ messages: m1 }]);
  assert.ok(r!.text.startsWith('<think>\n'));
  assert.equal(r!.tokenIds!.length, r!.logprobs!.length);
  assert.equal(r!.weightVersion, 0);
  const m2 = [...m1, { role: 'assistant' as const, content: r!.text }, { role: 'user' as const, content: 'Your move.' }];
  const p2 = policy.promptIds({ messages: m2 });
  assert.deepEqual(p2.slice(0, p1.length + r!.tokenIds!.length), [...p1, ...r!.tokenIds!].slice(0, p2.length));
  assert.deepEqual(p2.slice(0, p1.length), p1);
  // same ids as the template renders them from the cached tokens
  const ref = renderChatTokens(tok, m2.map((m, i) => (i === 1 ? { ...m, tokens: r!.tokenIds! } : m)), { template: 'marshal', addGenerationPrompt: true });
  assert.deepEqual(p2, ref.ids);
});

test('EnginePolicy answers only the requests that do not fit the context with errors and samples the rest in order', async () => {
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('Board: X . O\nYour move.\n<answer>X(1,1)</answer>', { vocabSize: 300 }));
  const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: tok.vocabSize, maxPositions: 64 }), seed: 3 });
  const policy = new EnginePolicy({ engine, tokenizer: tok, maxNewTokens: 8, seed: 5 });
  const req = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
  const short = req('Board: X . O');
  const long = req('Your move. '.repeat(40));
  assert.ok(policy.promptIds(long).length + 8 > 64 && policy.promptIds(short).length + 8 <= 64);
  const out = await policy.generate([short, long, short]);
  assert.deepEqual(out.map((r) => r.finishReason === 'error'), [false, true, false]);
  assert.match(out[1]!.error!, /chat \(\d+ tokens\) plus 8 new tokens exceeds the model's context of 64 positions/);
  assert.equal(policy.overflows, 1);
  // the fitting requests are sampled as one batch, as if the long one had not been there
  const alone = new EnginePolicy({ engine, tokenizer: tok, maxNewTokens: 8, seed: 5 });
  const ref = await alone.generate([short, short]);
  assert.deepEqual([out[0]!.tokenIds, out[2]!.tokenIds], [ref[0]!.tokenIds, ref[1]!.tokenIds]);
  assert.equal(policy.seed, 6);
  // a batch where nothing fits consumes no seed
  assert.equal((await policy.generate([long]))[0]!.finishReason, 'error');
  assert.equal(policy.seed, 6);
});

test('EnginePolicy: a request with sampling.seed gets the same answer whatever else is in the batch', async () => {
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('Board: X . O\nYour move.\n<answer>X(1,1)</answer>', { vocabSize: 300 }));
  const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: tok.vocabSize }), seed: 3 });
  const req = (content: string, seed?: number) => ({ messages: [{ role: 'user' as const, content }], ...(seed === undefined ? {} : { sampling: { seed } }) });
  const a = req('Board: X . O', 11);
  const b = req('Your move.', 12);
  const policy = (seed: number) => new EnginePolicy({ engine, tokenizer: tok, maxNewTokens: 12, seed });
  const [alone] = await policy(5).generate([a]);
  const batch = await policy(9).generate([b, req('Board: O', 13), a, req('Board: X')]);
  assert.deepEqual(batch[2]!.tokenIds, alone!.tokenIds); // another position, other neighbours, another batch seed
  assert.deepEqual(batch[2]!.logprobs!.map((x) => x.toFixed(4)), alone!.logprobs!.map((x) => x.toFixed(4)));
  const [bAlone] = await policy(1).generate([b]);
  assert.deepEqual(batch[0]!.tokenIds, bAlone!.tokenIds);
  // without seeds, the batch seed decides: two batch seeds give two answers somewhere in 8 tries
  const unseeded = req('Board: X . O');
  const x = await policy(5).generate(Array(8).fill(unseeded));
  const y = await policy(6).generate(Array(8).fill(unseeded));
  assert.notDeepEqual(x.map((r) => r.tokenIds), y.map((r) => r.tokenIds));
});

test('EnginePolicy honours stop strings as vLLM does: text cut before the first, ids after the token that completed it', async () => {
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('Board: X . O\nYour move.\n<answer>X(1,1)</answer>', { vocabSize: 300 }));
  const engine = new EmbeddedEngine({ config: preset('tiny', { vocabSize: tok.vocabSize }), seed: 3 });
  const policy = new EnginePolicy({ engine, tokenizer: tok, maxNewTokens: 16, seed: 5 });
  const ask = (stop?: string[]) => ({ messages: [{ role: 'user' as const, content: 'Board: X . O' }], sampling: { seed: 21, ...(stop ? { stop } : {}) } });
  const [full] = await policy.generate([ask()]);
  const body = full!.text.slice('<think>\n'.length);
  const at = body.slice(2).search(/[A-Za-z0-9]/) + 2;
  assert.ok(at >= 2, `the sampled answer has a letter to stop at: ${JSON.stringify(body)}`);
  const stop = body[at]!;
  const [cut] = await policy.generate([ask(['never there', stop])]);
  assert.equal(cut!.text, '<think>\n' + body.slice(0, at));
  assert.equal(cut!.finishReason, 'stop');
  const n = cut!.tokenIds!.length;
  assert.ok(n > 0 && n < full!.tokenIds!.length);
  assert.deepEqual(cut!.tokenIds, full!.tokenIds!.slice(0, n));
  assert.equal(cut!.logprobs!.length, n);
  assert.ok(tok.decode(cut!.tokenIds!).includes(stop) && !tok.decode(cut!.tokenIds!.slice(0, -1)).includes(stop));
  // a stop string the answer never contains changes nothing
  const [same] = await policy.generate([ask(['never there'])]);
  assert.deepEqual([same!.text, same!.tokenIds, same!.finishReason], [full!.text, full!.tokenIds, full!.finishReason]);
});
