import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tinyTokenizerJson } from './fixtures.js';
import { HfTokenizer } from './tokenizer_hf.js';
import { TokenTable, finishCompletion, textPieces } from './detok.js';

const tok = HfTokenizer.fromJson(tinyTokenizerJson());
const IM_END = 270;

test('textPieces: one piece per token, a split UTF-8 character arrives with its last byte', () => {
  // 'é' is bytes C3 A9; ids 0..255 are the bytes in the tiny tokenizer
  const ids = [261, 0x20, 0xc3, 0xa9, 266, IM_END];
  const pieces = textPieces(tok, ids);
  assert.deepEqual(pieces, ['hello', ' ', '', 'é', ' world', '']);
  assert.equal(pieces.join(''), tok.decode(ids, { skipSpecial: true }));
});

test('finishCompletion: stop string cuts the text and the tokens after the one that completed it', () => {
  const c = finishCompletion(tok, [261, 266, IM_END], [-1, -2, -0.5], { stop: [' wor'], stopTokenIds: new Set([IM_END]) });
  assert.equal(c.text, 'hello');
  assert.deepEqual(c.tokens, [261, 266]);
  assert.deepEqual(c.logprobs, [-1, -2]);
  assert.deepEqual(c.pieces, ['hello', '']);
  assert.equal(c.finishReason, 'stop');
  assert.equal(c.stopReason, ' wor');
});

test('finishCompletion: the stop string that completes first wins; stop token and length reasons', () => {
  const ids = [261, 266]; // 'hello world'
  const c = finishCompletion(tok, ids, [-1, -1], { stop: ['lo w', 'll'], stopTokenIds: new Set() });
  assert.equal(c.text, 'he'); // 'll' ends at 4, 'lo w' at 7
  assert.equal(c.stopReason, 'll');
  assert.deepEqual(c.tokens, [261]);
  const s = finishCompletion(tok, [261, IM_END], [-1, -1], { stop: [], stopTokenIds: new Set([IM_END]) });
  assert.deepEqual([s.text, s.finishReason, s.stopReason, s.tokens.length], ['hello', 'stop', IM_END, 2]);
  const l = finishCompletion(tok, [261, 266], [-1, -1], { stop: ['xyz'], stopTokenIds: new Set([IM_END]) });
  assert.deepEqual([l.text, l.finishReason, l.stopReason], ['hello world', 'length', null]);
});

test('TokenTable: byte-level tokens map back to their raw bytes, special tokens to their text', () => {
  const t = new TokenTable(tok);
  assert.deepEqual(t.bytes(266), [...Buffer.from(' world')]);
  assert.deepEqual(t.bytes(0xc3), [0xc3]);
  assert.equal(t.text(0xc3), '\uFFFD');
  assert.equal(t.text(IM_END), '<|im_end|>');
  assert.deepEqual(t.bytes(IM_END), [...Buffer.from('<|im_end|>')]);
});

test('ids beyond the tokenizer (a padded model vocabulary) decode to nothing', () => {
  assert.deepEqual(textPieces(tok, [261, 280, 266]), ['hello', '', ' world']);
  const t = new TokenTable(tok);
  assert.equal(t.text(280), '');
  assert.deepEqual(t.bytes(280), []);
});
