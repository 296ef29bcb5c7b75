/**
 * @file From sampled token ids to the reply's text: incremental detokenization (one text piece per token,
 * so a stream's chunks concatenate to exactly the non-streamed text), stop strings (the text is cut
 * before the first one, tokens after the one that completed it are dropped, as vLLM does), the finish
 * reason, and each token's text and raw bytes for `logprobs`.
 *
 * Pieces follow vLLM's incremental detokenizer: a token whose text is not complete yet (a UTF-8
 * character split across byte-level tokens decodes to U+FFFD) gets an empty piece and its text comes
 * with a later token. Special tokens (`<|im_end|>`, ...) are skipped in the text, kept in the ids.
 *
 * @example
 * const c = finishCompletion(tok, [261, 266, 270], [-1, -2, -0.5], { stop: [' wor'], stopTokenIds: new Set([270]) });
 * c.text;          // 'hello'
 * c.tokens;        // [261, 266]  (the token that completed ' wor' is the last one kept)
 * c.finishReason;  // 'stop'; c.stopReason === ' wor'
 */
import { CHAR_TO_BYTE } from './byte_level.js';
import type { Tokenizer } from './tokenizer.js';

/** A finished completion, ready to be written out. */
export interface Completion {
  /** Generated token ids (stop token included when one ended the row; cut after a stop string). */
  tokens: number[];
  /** log p of each kept token under the model (same length as `tokens`). */
  logprobs: number[];
  /** The reply text (special tokens skipped, cut before a stop string). */
  text: string;
  /** Per token, the text it adds (`pieces.join('') === text`); '' for special or incomplete tokens. */
  pieces: string[];
  /** 'stop' (stop token or stop string) or 'length' (max_tokens reached). */
  finishReason: 'stop' | 'length';
  /** What stopped it: the stop string, the stop token id, or null (length). vLLM's `stop_reason`. */
  stopReason: string | number | null;
}

/** Options of `finishCompletion`. */
export interface FinishOptions {
  /** Stop strings. */
  stop: readonly string[];
  /** Token ids that end a row (the sampler's `stopTokenIds`). */
  stopTokenIds: ReadonlySet<number>;
}

/**
 * `tok.decode(ids, { skipSpecial: true })` with ids the tokenizer does not know left out: a model's
 * vocabulary is often padded beyond its tokenizer's (Qwen3: 151 936 rows, 151 669 tokens), and such
 * ids decode to nothing, as in vLLM.
 */
export function decodeText(tok: Tokenizer, ids: readonly number[]): string {
  const known = ids.every((id) => id < tok.vocabSize) ? ids : ids.filter((id) => id < tok.vocabSize);
  return tok.decode(known, { skipSpecial: true });
}

/** Text pieces per token such that their concatenation is `decodeText(tok, tokens)`. */
export function textPieces(tok: Tokenizer, tokens: readonly number[]): string[] {
  const pieces: string[] = [];
  let prefixOffset = 0;
  let readOffset = 0;
  let prefixText = '';
  for (let i = 0; i < tokens.length; i++) {
    const newText = decodeText(tok, tokens.slice(prefixOffset, i + 1));
    if (newText.length > prefixText.length && newText.startsWith(prefixText) && !newText.endsWith('\uFFFD')) {
      pieces.push(newText.slice(prefixText.length));
      prefixOffset = readOffset;
      readOffset = i + 1;
      prefixText = decodeText(tok, tokens.slice(prefixOffset, readOffset));
    } else {
      pieces.push('');
    }
  }
  const full = decodeText(tok, tokens);
  const joined = pieces.join('');
  if (pieces.length > 0) {
    if (full.startsWith(joined)) pieces[pieces.length - 1] += full.slice(joined.length);
    else {
      // The tokenizer's decoding is not incremental (it depends on later tokens): give all text to the last token.
      pieces.fill('');
      pieces[pieces.length - 1] = full;
    }
  }
  return pieces;
}

/** Applies stop strings and works out the finish reason of one sampled row. */
export function finishCompletion(tok: Tokenizer, tokens: readonly number[], logprobs: readonly number[], opts: FinishOptions): Completion {
  let pieces = textPieces(tok, tokens);
  let text = pieces.join('');
  let keep = tokens.length;
  let stopReason: string | number | null = null;
  let best: { idx: number; end: number; s: string } | null = null;
  for (const s of opts.stop) {
    const idx = text.indexOf(s);
    if (idx < 0) continue;
    const end = idx + s.length;
    if (!best || end < best.end || (end === best.end && idx < best.idx)) best = { idx, end, s };
  }
  if (best) {
    let pos = 0;
    keep = 0;
    const clipped: string[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      clipped.push(p.slice(0, Math.max(0, best.idx - pos)));
      pos += p.length;
      keep = i + 1;
      if (pos >= best.end) break;
    }
    pieces = clipped;
    text = text.slice(0, best.idx);
    stopReason = best.s;
  } else if (tokens.length > 0 && opts.stopTokenIds.has(tokens[tokens.length - 1])) {
    stopReason = tokens[tokens.length - 1];
  }
  return {
    tokens: tokens.slice(0, keep),
    logprobs: logprobs.slice(0, keep),
    text,
    pieces,
    finishReason: stopReason === null ? 'length' : 'stop',
    stopReason,
  };
}

const utf8 = new TextEncoder();

/** Each token's display text and raw bytes (for `logprobs.content[].token` / `.bytes`), cached per id. */
export class TokenTable {
  private readonly texts = new Map<number, string>();
  private readonly bytesById = new Map<number, number[]>();
  private readonly added: ReadonlySet<string>;

  constructor(private readonly tok: Tokenizer) {
    this.added = new Set(tok.specialTokens.keys());
  }

  /** The token decoded on its own (special tokens as their text; a partial UTF-8 character as U+FFFD; '' for ids beyond the tokenizer). */
  text(id: number): string {
    let t = this.texts.get(id);
    if (t === undefined) {
      t = id < this.tok.vocabSize ? this.tok.decode([id]) : '';
      this.texts.set(id, t);
    }
    return t;
  }

  /** The token's raw UTF-8 bytes: byte-level vocabularies map back exactly, others through `text`. */
  bytes(id: number): number[] {
    let b = this.bytesById.get(id);
    if (b === undefined) {
      const sym = id < this.tok.vocabSize ? this.tok.idToToken(id) : undefined;
      const byteLevel = sym !== undefined && !this.added.has(sym) && sym.length > 0 && [...sym].every((c) => CHAR_TO_BYTE.has(c));
      b = byteLevel ? [...sym!].map((c) => CHAR_TO_BYTE.get(c)!) : Array.from(utf8.encode(this.text(id)));
      this.bytesById.set(id, b);
    }
    return b;
  }
}
