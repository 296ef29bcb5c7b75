/**
 * @file A small byte-level BPE for models trained from scratch: train merges on a corpus (our game
 * transcripts) up to a target vocabulary size, and emit the result AS a Hugging Face `tokenizer.json` in
 * Qwen's layout, so `HfTokenizer` loads it like any HF tokenizer and HF tools read it too.
 *
 * Layout of the vocabulary: ids 0..255 are the 256 bytes (id = byte value; no unknown token is ever
 * needed), then one id per learned merge, then the added tokens (`CHATML_SPECIAL_TOKENS` by default).
 * Training pre-splits text with Qwen's pattern (merges never cross words), strips the added tokens from
 * the corpus, and repeatedly merges the most frequent adjacent pair (ties: the smallest pair of ids), so
 * the same corpus always gives the same tokenizer. Words are counted once per distinct word and pair counts
 * are updated incrementally, so a few MB of transcripts train in about a second.
 *
 * @example
 * const json = trainBpeTokenizer(transcripts, { vocabSize: 512 });
 * const tok = HfTokenizer.fromJson(json);
 * tok.vocabSize; // 512 (fewer when the corpus runs out of pairs seen twice)
 */
import { UsageError } from '../../util/errors.js';
import { BYTE_TO_CHAR, PRETOKENIZE_REGEX, QWEN_PRETOKENIZE_PATTERN } from './byte_level.js';
import { CHATML_SPECIAL_TOKENS } from './tokenizer.js';

/** An added token: matched literally in text before BPE; `special` ones are dropped by `decode(skipSpecial)`. */
export interface AddedTokenSpec {
  /** The token's text, e.g. `<|im_end|>`. */
  content: string;
  /** Whether decoding with `skipSpecial` drops it. */
  special: boolean;
}

/** Parameters of `byteLevelBpeJson`. */
export interface ByteLevelBpeSpec {
  /** Merges in priority order, as pairs of byte-level token strings (`['Ġ', 't']`). */
  merges: readonly (readonly [string, string])[];
  /** Added tokens, given ids after the merged tokens in this order. */
  addedTokens?: readonly AddedTokenSpec[];
  /** Normalizer: 'NFC' as Qwen (text is NFC-normalized before encoding), or null (default: bytes kept exactly). */
  normalizer?: 'NFC' | null;
}

/**
 * A `tokenizer.json` object in Qwen2/Qwen3's layout for a byte-level BPE with the given merges.
 * A merge whose result repeats an earlier token reuses that token's id.
 */
export function byteLevelBpeJson(spec: ByteLevelBpeSpec): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  let next = 0;
  for (let b = 0; b < 256; b++) vocab[BYTE_TO_CHAR[b]] = next++;
  for (const [a, b] of spec.merges) {
    if (!(a in vocab) || !(b in vocab)) throw new UsageError(`BPE merge ${JSON.stringify([a, b])} uses a token that is not yet in the vocabulary`);
    if (!(a + b in vocab)) vocab[a + b] = next++;
  }
  const added = (spec.addedTokens ?? CHATML_SPECIAL_TOKENS).map((t) => ({
    id: next++,
    content: t.content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: t.special,
  }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: spec.normalizer === 'NFC' ? { type: 'NFC' } : null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN_PRETOKENIZE_PATTERN }, behavior: 'Isolated', invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: spec.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** Options of `trainBpeTokenizer`. */
export interface TrainBpeOptions {
  /** Target vocabulary size including the 256 bytes and the added tokens (e.g. 512). */
  vocabSize: number;
  /** Added tokens (default `CHATML_SPECIAL_TOKENS`); removed from the corpus before counting. */
  addedTokens?: readonly AddedTokenSpec[];
  /** Stop early when the best pair occurs fewer times than this (default 2). */
  minFrequency?: number;
  /**
   * ASCII characters that never take part in a merge, so each stays a token of its own wherever it appears
   * (default none). For boards and cards (`X_O`, `RY/12`) this gives one token per cell or symbol, at the
   * same place in every position, where plain BPE merges whatever neighbours happen to be frequent.
   */
  isolate?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PAIR = 1 << 20; // pair key = left * PAIR + right; ids stay far below 2^20

/** Trains a byte-level BPE on `corpus` and returns its `tokenizer.json` object (see the file comment). */
export function trainBpeTokenizer(corpus: string | Iterable<string>, opts: TrainBpeOptions): Record<string, unknown> {
  const addedTokens = opts.addedTokens ?? CHATML_SPECIAL_TOKENS;
  const minFrequency = opts.minFrequency ?? 2;
  if (!Number.isSafeInteger(opts.vocabSize) || opts.vocabSize < 256 + addedTokens.length || opts.vocabSize >= PAIR) {
    throw new UsageError(`BPE vocabSize must be an integer from ${256 + addedTokens.length} (bytes + added tokens), got ${opts.vocabSize}`);
  }
  const targetMerges = opts.vocabSize - 256 - addedTokens.length;
  const isolated = new Uint8Array(256);
  for (const ch of opts.isolate ?? '') {
    const code = ch.codePointAt(0)!;
    if (code > 0x7f) throw new UsageError(`BPE isolate: '${ch}' is not an ASCII character (only single-byte characters can be kept out of merges)`);
    isolated[code] = 1;
  }

  // Count distinct words (pre-tokenized pieces), with added tokens cut out of the text.
  const splitter = addedTokens.length ? new RegExp(addedTokens.map((t) => escapeRegex(t.content)).join('|'), 'g') : null;
  const wordCounts = new Map<string, number>();
  const texts = typeof corpus === 'string' ? [corpus] : corpus;
  for (const text of texts) {
    for (const segment of splitter ? text.split(splitter) : [text]) {
      for (const m of segment.matchAll(PRETOKENIZE_REGEX)) wordCounts.set(m[0], (wordCounts.get(m[0]) ?? 0) + 1);
    }
  }
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [w, c] of wordCounts) {
    words.push([...encoder.encode(w)]);
    counts.push(c);
  }

  // Pair statistics: occurrence counts (weighted by word count) and which words contain each pair.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: number): void => {
    const w = words[wi];
    for (let i = 0; i + 1 < w.length; i++) {
      if (isolated[w[i]] || isolated[w[i + 1]]) continue; // byte ids < 256; merged ids never hold an isolated byte
      const key = w[i] * PAIR + w[i + 1];
      const c = (pairCount.get(key) ?? 0) + sign * counts[wi];
      if (c === 0) pairCount.delete(key);
      else pairCount.set(key, c);
      if (sign > 0) {
        let s = pairWords.get(key);
        if (!s) pairWords.set(key, (s = new Set()));
        s.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);

  const tokenStr: string[] = BYTE_TO_CHAR.slice();
  const idOf = new Map<string, number>(tokenStr.map((s, i) => [s, i]));
  const merges: [string, string][] = [];
  let distinctTokens = 256;
  while (distinctTokens - 256 < targetMerges) {
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, c] of pairCount) {
      if (c > bestCount || (c === bestCount && key < bestKey)) {
        bestKey = key;
        bestCount = c;
      }
    }
    if (bestKey < 0 || bestCount < minFrequency) break;
    const left = Math.floor(bestKey / PAIR);
    const right = bestKey % PAIR;
    const merged = tokenStr[left] + tokenStr[right];
    let id = idOf.get(merged);
    if (id === undefined) {
      id = tokenStr.length;
      tokenStr.push(merged);
      idOf.set(merged, id);
      distinctTokens++;
    }
    merges.push([tokenStr[left], tokenStr[right]]);
    const affected = [...pairWords.get(bestKey)!];
    pairWords.delete(bestKey);
    pairCount.delete(bestKey);
    for (const wi of affected) {
      const w = words[wi];
      let found = false;
      for (let i = 0; i + 1 < w.length; i++) if (w[i] === left && w[i + 1] === right) found = true;
      if (!found) continue;
      addPairs(wi, -1);
      const out: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === left && w[i + 1] === right) {
          out.push(id);
          i++;
        } else out.push(w[i]);
      }
      words[wi] = out;
      addPairs(wi, 1);
    }
  }
  return byteLevelBpeJson({ merges, addedTokens });
}
