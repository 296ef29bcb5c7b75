/**
 * @file Model configuration of the Qwen3-layout decoder, its size presets, and the mapping to and from
 * a Hugging Face `config.json` (Qwen3ForCausalLM field names).
 *
 * @example
 * import { preset, fromHfConfig, toHfConfig, countParams } from './config.js';
 * const cfg = preset('small');              // the reference model of the speed bar
 * countParams(cfg);                         // 4,459,264
 * fromHfConfig(toHfConfig(cfg));            // round-trips
 */
import { UsageError, choices } from '../util/errors.js';

/** Hyper-parameters of a Qwen3-style decoder-only transformer. */
export interface ModelConfig {
  /** Vocabulary size (rows of the embedding and of the LM head). HF: vocab_size. */
  vocabSize: number;
  /** Model width d_model. HF: hidden_size. */
  hiddenSize: number;
  /** Width of the SwiGLU MLP. HF: intermediate_size. */
  intermediateSize: number;
  /** Number of decoder layers. HF: num_hidden_layers. */
  numLayers: number;
  /** Query heads. HF: num_attention_heads. */
  numHeads: number;
  /** Key/value heads (grouped-query attention; divides numHeads). HF: num_key_value_heads. */
  numKvHeads: number;
  /** Width of one head (Qwen3 decouples it from hiddenSize/numHeads). HF: head_dim. */
  headDim: number;
  /** Epsilon of every RMSNorm. HF: rms_norm_eps. */
  rmsNormEps: number;
  /** RoPE base. HF: rope_theta. */
  ropeTheta: number;
  /** LM head shares the embedding matrix (no lm_head.weight tensor). HF: tie_word_embeddings. */
  tieWordEmbeddings: boolean;
  /** Longest supported sequence (RoPE table size). HF: max_position_embeddings. */
  maxPositions: number;
}

/** Names of the size presets. */
export type PresetName = 'tiny' | 'small' | 'base';

const PRESETS: Record<PresetName, ModelConfig> = {
  // ~0.12M parameters: for tests.
  tiny: {
    vocabSize: 256, hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 4, numKvHeads: 2,
    headDim: 16, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, maxPositions: 4096,
  },
  // The reference model of the speed bar (vocab 512, d 256, 4 layers, 4 heads, MLP 1024), untied head.
  small: {
    vocabSize: 512, hiddenSize: 256, intermediateSize: 1024, numLayers: 4, numHeads: 4, numKvHeads: 4,
    headDim: 64, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: false, maxPositions: 4096,
  },
  // ~25.7M parameters.
  base: {
    vocabSize: 4096, hiddenSize: 512, intermediateSize: 1408, numLayers: 8, numHeads: 8, numKvHeads: 4,
    headDim: 64, rmsNormEps: 1e-6, ropeTheta: 1000000, tieWordEmbeddings: true, maxPositions: 4096,
  },
};

/** A copy of a preset, optionally with fields overridden (e.g. a tokenizer's vocabSize). */
export function preset(name: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  if (!(name in PRESETS)) throw new UsageError(`unknown model preset '${name}'; expected one of ${choices(Object.keys(PRESETS))}`);
  return validateConfig({ ...PRESETS[name as PresetName], ...overrides });
}

/** Throws a UsageError naming the first inconsistent field; returns the config. */
export function validateConfig(c: ModelConfig): ModelConfig {
  const ints: (keyof ModelConfig)[] = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim', 'maxPositions'];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new UsageError(`model config: ${k} must be a positive integer, got ${String(v)}`);
  }
  if (c.numHeads % c.numKvHeads !== 0) throw new UsageError(`model config: numHeads ${c.numHeads} is not a multiple of numKvHeads ${c.numKvHeads}`);
  if (c.headDim % 2 !== 0) throw new UsageError(`model config: headDim ${c.headDim} must be even (RoPE)`);
  if (!(c.rmsNormEps > 0)) throw new UsageError(`model config: rmsNormEps must be positive, got ${c.rmsNormEps}`);
  if (!(c.ropeTheta > 0)) throw new UsageError(`model config: ropeTheta must be positive, got ${c.ropeTheta}`);
  if (typeof c.tieWordEmbeddings !== 'boolean') throw new UsageError('model config: tieWordEmbeddings must be a boolean');
  return c;
}

/** Reads a Hugging Face Qwen3 config.json object. Missing optional fields get Qwen3 defaults. */
export function fromHfConfig(j: Record<string, unknown>): ModelConfig {
  const num = (k: string, dflt?: number): number => {
    const v = j[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number') throw new UsageError(`config.json: field '${k}' missing or not a number`);
    return v;
  };
  const hidden = num('hidden_size');
  const heads = num('num_attention_heads');
  return validateConfig({
    vocabSize: num('vocab_size'),
    hiddenSize: hidden,
    intermediateSize: num('intermediate_size'),
    numLayers: num('num_hidden_layers'),
    numHeads: heads,
    numKvHeads: num('num_key_value_heads', heads),
    headDim: num('head_dim', hidden / heads),
    rmsNormEps: num('rms_norm_eps', 1e-6),
    ropeTheta: num('rope_theta', 10000),
    tieWordEmbeddings: typeof j.tie_word_embeddings === 'boolean' ? j.tie_word_embeddings : false,
    maxPositions: num('max_position_embeddings', 4096),
  });
}

/** A Hugging Face Qwen3 config.json object for this config. */
export function toHfConfig(c: ModelConfig): Record<string, unknown> {
  return {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    tie_word_embeddings: c.tieWordEmbeddings,
    max_position_embeddings: c.maxPositions,
    hidden_act: 'silu',
    attention_bias: false,
    torch_dtype: 'float32',
  };
}

/** The Hugging Face tensor names and shapes this config has, in a fixed order. */
export function paramShapes(c: ModelConfig): Array<[string, number[]]> {
  const d = c.hiddenSize, hd = c.headDim;
  const out: Array<[string, number[]]> = [['model.embed_tokens.weight', [c.vocabSize, d]]];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}.`;
    out.push(
      [p + 'input_layernorm.weight', [d]],
      [p + 'self_attn.q_proj.weight', [c.numHeads * hd, d]],
      [p + 'self_attn.k_proj.weight', [c.numKvHeads * hd, d]],
      [p + 'self_attn.v_proj.weight', [c.numKvHeads * hd, d]],
      [p + 'self_attn.o_proj.weight', [d, c.numHeads * hd]],
      [p + 'self_attn.q_norm.weight', [hd]],
      [p + 'self_attn.k_norm.weight', [hd]],
      [p + 'post_attention_layernorm.weight', [d]],
      [p + 'mlp.gate_proj.weight', [c.intermediateSize, d]],
      [p + 'mlp.up_proj.weight', [c.intermediateSize, d]],
      [p + 'mlp.down_proj.weight', [d, c.intermediateSize]],
    );
  }
  out.push(['model.norm.weight', [d]]);
  if (!c.tieWordEmbeddings) out.push(['lm_head.weight', [c.vocabSize, d]]);
  return out;
}

/** Total number of parameters. */
export function countParams(c: ModelConfig): number {
  let n = 0;
  for (const [, s] of paramShapes(c)) n += s.reduce((a, b) => a * b, 1);
  return n;
}
