/**
 * @file Reverse-mode autodiff over the kernel `Backend`: tensors, a recording tape, and the fused ops a
 * Qwen3-style transformer needs (embedding, linear, RMSNorm, RoPE, causal GQA attention, SwiGLU,
 * residual add, per-token log-probs).
 *
 * A `Tape` records one backward closure per op when recording is on and an input needs a gradient.
 * `backward(out, seed)` runs them in reverse. Gradients ACCUMULATE into `Tensor.grad`, which for
 * parameters persists across tapes (that is gradient accumulation over micro-batches; the optimizer
 * zeroes it). Intermediate buffers come from a size-bucketed `BufferPool` and go back to it on
 * `dispose()`, so a training loop allocates nothing after its first step and memory stays bounded.
 *
 * @example
 * import { Tape, Tensor } from './autodiff.js';
 * import { getBackend } from './backend/select.js';
 * const tape = new Tape(getBackend());
 * const x = new Tensor([1, 2], new Float32Array([1, 2]));
 * const w = new Tensor([1, 2], new Float32Array([3, 4]), true);
 * const y = tape.linear(x, w);               // [1,1] = 11
 * tape.backward(y, new Float32Array([1]));   // w.grad = [1, 2]
 * tape.dispose();
 */
import type { Backend } from './backend/backend.js';

/** A dense float32 tensor: a shape, its row-major data and (when it needs one) its gradient. */
export class Tensor {
  /** Number of elements (product of `shape`). */
  readonly size: number;
  /** Gradient of the loss w.r.t. `data`, same length; null until some backward writes it. */
  grad: Float32Array | null = null;
  /** Set by a Tape for tensors it created (their buffers return to its pool on dispose). */
  tape: Tape | null = null;
  /** The pool buffer behind `data` (tape tensors only). */
  base: Float32Array | null = null;
  /** Backend-packed copy of a Linear weight for inference (set by Transformer.withPackedWeights). */
  packed: Float32Array | null = null;

  constructor(
    /** Dimensions, outermost first. */
    readonly shape: readonly number[],
    /** Row-major values; its length is at least `size` (pool buffers are exact-length views). */
    readonly data: Float32Array,
    /** Whether gradients flow to this tensor (true for trainable parameters and their descendants). */
    readonly requiresGrad = false,
  ) {
    let s = 1;
    for (const d of shape) s *= d;
    this.size = s;
    if (data.length < s) throw new RangeError(`Tensor: data has ${data.length} elements, shape [${shape}] needs ${s}`);
  }
}

/** Counters of a BufferPool, for leak tests and benchmarks. */
export interface PoolStats {
  /** Buffers currently handed out and not yet released. */
  live: number;
  /** Buffers resting in the pool, ready for reuse. */
  pooled: number;
  /** Bytes held by resting buffers. */
  pooledBytes: number;
  /** Fresh allocations made since the pool was created (stops growing in a steady loop). */
  allocations: number;
}

/**
 * Reuses Float32Arrays across steps. Sizes are rounded up to buckets (8 per power of two) and callers
 * get exact-length views. Resting buffers beyond `maxPooledBytes` are dropped for the GC.
 */
export class BufferPool {
  private free = new Map<number, Float32Array[]>();
  private stats_: PoolStats = { live: 0, pooled: 0, pooledBytes: 0, allocations: 0 };

  constructor(readonly maxPooledBytes = 1 << 30) {}

  private static bucket(n: number): number {
    if (n <= 1024) return Math.max(16, (n + 15) & ~15);
    const p = 2 ** Math.floor(Math.log2(n));
    const step = p / 8;
    return Math.ceil(n / step) * step;
  }

  /** A buffer of at least n elements (contents undefined); returns [view of length n, base]. */
  take(n: number): [Float32Array, Float32Array] {
    const cap = BufferPool.bucket(n);
    const list = this.free.get(cap);
    let base = list?.pop();
    if (base) {
      this.stats_.pooled--;
      this.stats_.pooledBytes -= cap * 4;
    } else {
      base = new Float32Array(cap);
      this.stats_.allocations++;
    }
    this.stats_.live++;
    return [base.length === n ? base : base.subarray(0, n), base];
  }

  /** Returns a base buffer obtained from `take`. */
  give(base: Float32Array): void {
    this.stats_.live--;
    if (this.stats_.pooledBytes + base.length * 4 > this.maxPooledBytes) return;
    let list = this.free.get(base.length);
    if (!list) this.free.set(base.length, (list = []));
    list.push(base);
    this.stats_.pooled++;
    this.stats_.pooledBytes += base.length * 4;
  }

  /** A snapshot of the counters. */
  stats(): PoolStats {
    return { ...this.stats_ };
  }
}

/** The process-wide default pool. */
export const defaultPool = new BufferPool();

/** RoPE cos/sin tables [maxPos, headDim/2], Hugging Face float32 convention. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
  maxPos: number;
}

/** Builds RoPE tables: inv_freq_i = 1/theta^(2i/headDim) in float32, angle = fround(pos·inv_freq). */
export function ropeTables(headDim: number, theta: number, maxPos: number): RopeTables {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  const cos = new Float32Array(maxPos * half);
  const sin = new Float32Array(maxPos * half);
  for (let p = 0; p < maxPos; p++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(p * inv[i]);
      cos[p * half + i] = Math.cos(a);
      sin[p * half + i] = Math.sin(a);
    }
  }
  return { cos, sin, maxPos };
}

/** Records ops and runs their backward pass. Not reusable after `dispose()`. */
export class Tape {
  private backs: Array<() => void> = [];
  private bases = new Set<Float32Array>();
  private lastBase: Float32Array | null = null;

  constructor(
    /** The kernels. */
    readonly be: Backend,
    /** Record backward closures (false = inference: no graph, no saved activations). */
    readonly record = true,
    /** Where intermediate buffers come from. */
    readonly pool: BufferPool = defaultPool,
  ) {}

  /** An uninitialised pooled buffer of n elements, released on dispose. */
  buf(n: number): Float32Array {
    const [view, base] = this.pool.take(n);
    this.bases.add(base);
    this.lastBase = base;
    return view;
  }

  /** A zeroed pooled buffer of n elements. */
  zeros(n: number): Float32Array {
    return this.buf(n).fill(0);
  }

  /** A new tape-owned tensor. */
  tensor(shape: readonly number[], requiresGrad: boolean, data?: Float32Array): Tensor {
    let n = 1;
    for (const d of shape) n *= d;
    const t = new Tensor(shape, data ?? this.buf(n), requiresGrad);
    t.tape = this;
    if (!data) t.base = this.lastBase;
    return t;
  }

  /** The gradient buffer of t, created zeroed on first use (pooled for tape tensors, owned by leaves). */
  gradOf(t: Tensor): Float32Array {
    if (!t.grad) t.grad = t.tape === this ? this.zeros(t.size) : new Float32Array(t.size);
    return t.grad;
  }

  /**
   * For a backward closure that will OVERWRITE the whole gradient: when t has no gradient yet and is
   * this tape's tensor, returns an uninitialised buffer and true (no zero fill needed); otherwise the
   * existing/zeroed gradient and false (the caller must accumulate).
   */
  private gradForWrite(t: Tensor): [Float32Array, boolean] {
    if (!t.grad && t.tape === this) {
      t.grad = this.buf(t.size);
      return [t.grad, true];
    }
    return [this.gradOf(t), false];
  }

  private tracks(...ts: Tensor[]): boolean {
    return this.record && ts.some((t) => t.requiresGrad);
  }

  /** Rows of `table` [V, D] picked by ids: [ids.length, D]. */
  embedding(table: Tensor, ids: Int32Array): Tensor {
    const d = table.shape[1];
    const n = ids.length;
    const g = this.tracks(table);
    const out = this.tensor([n, d], g);
    for (let r = 0; r < n; r++) {
      const id = ids[r];
      if (id < 0 || id >= table.shape[0]) throw new RangeError(`embedding: token id ${id} outside vocab ${table.shape[0]}`);
      out.data.set(table.data.subarray(id * d, id * d + d), r * d);
    }
    if (g) {
      this.backs.push(() => {
        if (!out.grad) return;
        const dt = this.gradOf(table);
        const dy = out.grad;
        for (let r = 0; r < n; r++) {
          const o = ids[r] * d;
          const s = r * d;
          for (let i = 0; i < d; i++) dt[o + i] += dy[s + i];
        }
      });
    }
    return out;
  }

  /** x [n, in] · wᵀ where w is [out, in] (the Hugging Face Linear layout, no bias): [n, out]. */
  linear(x: Tensor, w: Tensor): Tensor {
    const [outF, inF] = w.shape;
    const n = x.size / inF;
    if (!Number.isInteger(n)) throw new RangeError(`linear: input size ${x.size} not a multiple of ${inF}`);
    const g = this.tracks(x, w);
    const y = this.tensor([n, outF], g);
    if (w.packed && this.be.matmulPacked) this.be.matmulPacked(x.data, w.packed, y.data, n, outF, inF, false);
    else this.be.matmul(x.data, w.data, y.data, n, outF, inF, false, true, false);
    if (g) {
      this.backs.push(() => {
        if (!y.grad) return;
        if (x.requiresGrad) {
          const [dx, fresh] = this.gradForWrite(x);
          this.be.matmul(y.grad, w.data, dx, n, inF, outF, false, false, !fresh);
        }
        if (w.requiresGrad) this.be.matmul(y.grad, x.data, this.gradOf(w), outF, inF, n, true, false, true);
      });
    }
    return y;
  }

  /** RMSNorm over the last `w.size` elements of each row of x. */
  rmsnorm(x: Tensor, w: Tensor, eps: number): Tensor {
    const dim = w.size;
    const rows = x.size / dim;
    const g = this.tracks(x, w);
    const y = this.tensor(x.shape, g);
    const rstd = this.buf(rows);
    this.be.rmsnorm(x.data, w.data, y.data, rstd, rows, dim, eps);
    if (g) {
      this.backs.push(() => {
        if (!y.grad) return;
        const dx = x.requiresGrad ? this.gradOf(x) : this.buf(x.size);
        this.be.rmsnormBackward(y.grad, x.data, w.data, rstd, dx, w.requiresGrad ? this.gradOf(w) : null, rows, dim);
      });
    }
    return y;
  }

  /** Rotary embedding of x [rows, heads·headDim] at positions pos[rows]. */
  rope(x: Tensor, pos: Int32Array, heads: number, headDim: number, tables: RopeTables): Tensor {
    const rows = x.size / (heads * headDim);
    for (let r = 0; r < rows; r++) {
      if (pos[r] >= tables.maxPos) throw new RangeError(`rope: position ${pos[r]} beyond table size ${tables.maxPos}`);
    }
    const g = this.tracks(x);
    const y = this.tensor(x.shape, g);
    this.be.rope(x.data, y.data, pos, tables.cos, tables.sin, rows, heads, headDim, false, false);
    if (g) {
      this.backs.push(() => {
        if (!y.grad) return;
        this.be.rope(y.grad, this.gradOf(x), pos, tables.cos, tables.sin, rows, heads, headDim, true, true);
      });
    }
    return y;
  }

  /** Causal GQA attention over `batch` sequences of length `seq` (see Backend.attention for layouts). */
  attention(q: Tensor, k: Tensor, v: Tensor, batch: number, seq: number, heads: number, kvHeads: number, headDim: number): Tensor {
    const scale = 1 / Math.sqrt(headDim);
    const g = this.tracks(q, k, v);
    const out = this.tensor(q.shape, g);
    const probs = g ? this.buf(batch * heads * seq * seq) : null;
    this.be.attention(q.data, k.data, v.data, out.data, probs, batch, seq, heads, kvHeads, headDim, scale);
    if (g && probs) {
      this.backs.push(() => {
        if (!out.grad) return;
        const dq = q.requiresGrad ? this.gradOf(q) : this.zeros(q.size);
        const dk = k.requiresGrad ? this.gradOf(k) : this.zeros(k.size);
        const dv = v.requiresGrad ? this.gradOf(v) : this.zeros(v.size);
        this.be.attentionBackward(out.grad, q.data, k.data, v.data, probs, dq, dk, dv, batch, seq, heads, kvHeads, headDim, scale);
      });
    }
    return out;
  }

  /** silu(gate) ⊙ up. */
  swiglu(gate: Tensor, up: Tensor): Tensor {
    const g = this.tracks(gate, up);
    const out = this.tensor(gate.shape, g);
    this.be.swiglu(gate.data, up.data, out.data, gate.size);
    if (g) {
      this.backs.push(() => {
        if (!out.grad) return;
        const dg = gate.requiresGrad ? this.gradOf(gate) : this.buf(gate.size);
        const du = up.requiresGrad ? this.gradOf(up) : this.buf(up.size);
        this.be.swigluBackward(out.grad, gate.data, up.data, dg, du, gate.size);
      });
    }
    return out;
  }

  /** a + b (same size). */
  add(a: Tensor, b: Tensor): Tensor {
    if (a.size !== b.size) throw new RangeError(`add: sizes ${a.size} and ${b.size} differ`);
    const g = this.tracks(a, b);
    const out = this.tensor(a.shape, g);
    const n = a.size;
    const o = out.data, x = a.data, y = b.data;
    for (let i = 0; i < n; i++) o[i] = x[i] + y[i];
    if (g) {
      this.backs.push(() => {
        const dy = out.grad;
        if (!dy) return;
        for (const t of [a, b]) {
          if (!t.requiresGrad) continue;
          const [dt, fresh] = this.gradForWrite(t);
          if (fresh) dt.set(dy.subarray(0, n));
          else for (let i = 0; i < n; i++) dt[i] += dy[i];
        }
      });
    }
    return out;
  }

  /** Per-row log-softmax of logits [rows, vocab] gathered at targets: [rows]. */
  logprobs(logits: Tensor, targets: Int32Array): Tensor {
    return this.logprobsLse(logits, targets).out;
  }

  /**
   * `logprobs` plus the entropy −Σ p log p of each row's softmax: [rows]. The entropy reuses the row
   * log-sum-exps the backend computed for the log-probs (one more pass over the logits); its gradient
   * ∂H/∂z_j = −p_j (log p_j + H) is accumulated into the logits' gradient.
   */
  logprobsEntropy(logits: Tensor, targets: Int32Array): { logprobs: Tensor; entropy: Tensor } {
    const { out: logprobs, lse, rows, vocab } = this.logprobsLse(logits, targets);
    const g = this.tracks(logits);
    const entropy = this.tensor([rows], g);
    const z = logits.data;
    for (let r = 0; r < rows; r++) {
      const o = r * vocab;
      let h = 0;
      for (let j = 0; j < vocab; j++) {
        const lp = z[o + j] - lse[r];
        h -= Math.exp(lp) * lp;
      }
      entropy.data[r] = h;
    }
    if (g) {
      this.backs.push(() => {
        if (!entropy.grad) return;
        const dz = this.gradOf(logits);
        for (let r = 0; r < rows; r++) {
          const gr = entropy.grad[r];
          if (gr === 0) continue;
          const o = r * vocab;
          const h = entropy.data[r];
          for (let j = 0; j < vocab; j++) {
            const lp = z[o + j] - lse[r];
            dz[o + j] -= gr * Math.exp(lp) * (lp + h);
          }
        }
      });
    }
    return { logprobs, entropy };
  }

  /** The log-probs op with the row log-sum-exps it computed (kept for the backward pass). */
  private logprobsLse(logits: Tensor, targets: Int32Array): { out: Tensor; lse: Float32Array; rows: number; vocab: number } {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = logits.size / vocab;
    if (targets.length !== rows) throw new RangeError(`logprobs: ${targets.length} targets for ${rows} rows`);
    const g = this.tracks(logits);
    const out = this.tensor([rows], g);
    const lse = this.buf(rows);
    this.be.logprobs(logits.data, targets, out.data, lse, rows, vocab);
    if (g) {
      this.backs.push(() => {
        if (!out.grad) return;
        this.be.logprobsBackward(out.grad, logits.data, targets, lse, this.gradOf(logits), rows, vocab);
      });
    }
    return { out, lse, rows, vocab };
  }

  /** Picks rows of x [rows, d] by index: [idx.length, d] (used to take the last position of each prompt). */
  gatherRows(x: Tensor, idx: Int32Array): Tensor {
    const d = x.shape[x.shape.length - 1];
    const g = this.tracks(x);
    const out = this.tensor([idx.length, d], g);
    for (let r = 0; r < idx.length; r++) out.data.set(x.data.subarray(idx[r] * d, idx[r] * d + d), r * d);
    if (g) {
      this.backs.push(() => {
        if (!out.grad) return;
        const dx = this.gradOf(x);
        for (let r = 0; r < idx.length; r++) {
          for (let i = 0; i < d; i++) dx[idx[r] * d + i] += out.grad[r * d + i];
        }
      });
    }
    return out;
  }

  /** Seeds out.grad with `seed` (∂L/∂out) and runs every recorded backward closure in reverse. */
  backward(out: Tensor, seed: Float32Array): void {
    if (!this.record) throw new Error('backward on a tape that does not record');
    if (seed.length !== out.size) throw new RangeError(`backward: seed has ${seed.length} elements, output ${out.size}`);
    this.gradOf(out).set(seed);
    for (let i = this.backs.length - 1; i >= 0; i--) this.backs[i]();
    this.backs.length = 0;
  }

  /** Number of recorded backward closures (0 after backward or dispose). */
  get recorded(): number {
    return this.backs.length;
  }

  /**
   * Inference only (a tape that does not record): returns these tape tensors' buffers to the pool
   * now, so a long forward pass reuses a few buffers instead of holding every activation.
   * No-op on a recording tape (backward still needs them). The tensors must not be used afterwards.
   */
  free(...ts: Tensor[]): void {
    if (this.record) return;
    for (const t of ts) {
      const b = t.base;
      if (t.tape !== this || !b || !this.bases.has(b)) continue;
      this.bases.delete(b);
      this.pool.give(b);
      t.base = null;
    }
  }

  /** Returns every pooled buffer; tensors made by this tape must not be used afterwards. */
  dispose(): void {
    for (const b of this.bases) this.pool.give(b);
    this.bases.clear();
    this.backs.length = 0;
  }
}
