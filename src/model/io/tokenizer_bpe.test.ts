import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../util/rng.js';
import { byteLevelBpeJson, trainBpeTokenizer } from './tokenizer_bpe.js';
import { HfTokenizer } from './tokenizer_hf.js';

/** Pseudo game transcripts in the MARSHAL chat layout (seeded). */
function transcripts(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const words = ('the opponent could win if I do not block that line so taking a corner first keeps options open ' +
    'while the center square controls both diagonals and every row column threat must be answered before my own fork ' +
    'wins draw lose player one two three four five six seven eight nine because therefore however').split(' ');
  const out: string[] = [];
  for (let g = 0; g < n; g++) {
    let text = '<|im_start|>user\nGAME RULES:\nTic-Tac-Toe on a 3x3 board.\n\n';
    for (let t = 1; t <= 5; t++) {
      const board = Array.from({ length: 9 }, () => rng.pick(['X', 'O', '.'])).join('');
      text += `Information of Turn-${t}:\n\nGAME STATE:\n${board.slice(0, 3)}\n${board.slice(3, 6)}\n${board.slice(6)}\n\n`;
      text += `LEGAL ACTIONS:\n<X${rng.int(9)}>, <X${rng.int(9)}>.\n\n<|im_end|><|im_start|>assistant\n<think>\n${Array.from({ length: 12 }, () => rng.pick(words)).join(' ')}.</think><answer><X${rng.int(9)}></answer><|im_end|>`;
    }
    out.push(text);
  }
  return out;
}

test('learns the textbook merges of a tiny corpus, most frequent pair first, ties to the smallest ids', () => {
  const json = trainBpeTokenizer(['aaabdaaabac'], { vocabSize: 400 }) as { model: { merges: string[]; vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
  // aa (4) first; then ab and (aa,a) tie at 2 and ab has the smaller ids; then aa+ab (2); the rest occur once.
  assert.deepEqual(json.model.merges, ['a a', 'a b', 'aa ab']);
  assert.equal(json.model.vocab.aaab, 258);
  assert.deepEqual(json.added_tokens.map((t) => [t.id, t.content]), [[259, '<|endoftext|>'], [260, '<|im_start|>'], [261, '<|im_end|>'], [262, '<think>'], [263, '</think>']]);
  const tok = HfTokenizer.fromJson(json);
  assert.equal(tok.vocabSize, 264);
  assert.deepEqual(tok.encode('aaabdaaabac'), [258, 100, 258, 97, 99]);
});

test('trains to the target size on transcripts, deterministically, never learning added tokens', () => {
  const corpus = transcripts(300, 1);
  const t0 = performance.now();
  const json = trainBpeTokenizer(corpus, { vocabSize: 512 });
  const ms = performance.now() - t0;
  assert.equal(JSON.stringify(trainBpeTokenizer(corpus, { vocabSize: 512 })), JSON.stringify(json));
  assert.notEqual(JSON.stringify(trainBpeTokenizer(transcripts(300, 2), { vocabSize: 512 })), JSON.stringify(json));
  const tok = HfTokenizer.fromJson(json);
  assert.equal(tok.vocabSize, 512);
  assert.equal(tok.specialTokens.get('<|im_end|>'), 509);
  const vocab = (json as { model: { vocab: Record<string, number> } }).model.vocab;
  assert.ok(!Object.keys(vocab).some((t) => t.includes('im_') || t.includes('think')), 'added tokens were cut out of the corpus');
  let bytes = 0;
  let tokens = 0;
  for (const text of transcripts(20, 3)) {
    const ids = tok.encode(text);
    assert.equal(tok.decode(ids), text);
    bytes += Buffer.byteLength(text);
    tokens += ids.length;
  }
  assert.ok(bytes / tokens > 3, `compression ${bytes / tokens} bytes per token`);
  assert.ok(ms < 3000, `training took ${ms} ms`);
});

test('round-trips arbitrary text exactly (no normalizer) and rejects bad sizes and merges', () => {
  const tok = HfTokenizer.fromJson(trainBpeTokenizer('the cat sat on the mat; the end', { vocabSize: 300 }));
  for (const s of ['Cafe\u0301 vs Café', '\u0000\u0001\t\r\n', '🎲🎲 x', 'the the']) assert.equal(tok.decode(tok.encode(s)), s);
  assert.throws(() => trainBpeTokenizer('x', { vocabSize: 260 }), /vocabSize must be an integer from 261/);
  assert.throws(() => byteLevelBpeJson({ merges: [['ab', 'c']] }), /BPE merge \["ab","c"\] uses a token that is not yet in the vocabulary/);
});

test('isolated characters never merge: every board cell is one token, at the same place in every position', () => {
  const boards = ['___\n_X_\nO__\n', 'XXO\n_O_\nX__\n', 'OX_\nXXO\n___\n'];
  const corpus = Array.from({ length: 50 }, () => boards.join('the board\n')).join('');
  const plain = HfTokenizer.fromJson(trainBpeTokenizer(corpus, { vocabSize: 320 }));
  const cells = HfTokenizer.fromJson(trainBpeTokenizer(corpus, { vocabSize: 320, isolate: 'XO_' }));
  const pieces = (tok: HfTokenizer, s: string): string[] => tok.encode(s).map((id) => tok.decode([id]));
  for (const b of boards) {
    assert.deepEqual(pieces(cells, b), [...b.replace(/\n/g, '')].flatMap((c, i) => (i % 3 === 2 ? [c, '\n'] : [c])));
    assert.equal(cells.decode(cells.encode(b)), b);
  }
  // Without isolation BPE merges frequent neighbours, so a board is fewer tokens whose count varies with the position.
  assert.ok(boards.some((b) => pieces(plain, b).length < 12), 'plain BPE merges board characters');
  // Other text still merges: 'the board' is fewer tokens than characters.
  assert.ok(cells.encode('the board').length < 'the board'.length);
  assert.throws(() => trainBpeTokenizer('x', { vocabSize: 300, isolate: 'é' }), /not an ASCII character/);
});
