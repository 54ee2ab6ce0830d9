import * as tf from '@tensorflow/tfjs';

/**
 * Name of a fused Adam kernel (`@g2rl/backend-native` registers it for its `native` backend):
 * inputs `variable, gradient, m, v`; attrs `learningRate, beta1, beta2, epsilon,
 * firstCorrection, secondCorrection` → `[variable', m', v']`, with the same float32
 * arithmetic as the ops below. Used when the active backend has it; not a dependency.
 */
export const FUSED_ADAM_KERNEL = 'G2rlAdamUpdate';
/**
 * The same for every variable of a step in one call (`@g2rl/backend-native`): inputs
 * `variable0, gradient0, m0, v0, variable1, …`; attrs `count` and the ones above →
 * `[variable0', m0', v0', variable1', …]`. Preferred over {@link FUSED_ADAM_KERNEL} when registered.
 */
export const FUSED_ADAM_MANY_KERNEL = 'G2rlAdamUpdateMany';

/** Adam's hyper-parameters (Kingma & Ba 2015; tfjs/Keras defaults). */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** A variable to optimise, under a key that is stable across processes and trainers. */
export interface KeyedVariable {
  /** e.g. 'backbone/stem_conv/kernel' (tfjs' own variable names get `_1` suffixes) */
  key: string;
  variable: tf.Variable;
}

/** Adam's state as plain data: step count and first/second moments per variable key. */
export interface AdamState {
  step: number;
  learningRate: number;
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

/**
 * Adam with a state that can be saved and restored bit-exactly: tf.train.adam keeps β^t as
 * a float32 product that `setWeights` recomputes with `pow`, so a resumed run drifts from
 * an uninterrupted one; here the bias corrections come from the step count in float64.
 *
 * Update of variable w with gradient g at step t (1-based):
 * `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `w ← w − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)`.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  step = 0;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamOptions) {
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
    Adam.checkLearningRate(learningRate);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  static checkLearningRate(learningRate: number): void {
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
      throw new RangeError(`learningRate: expected a finite number ≥ 0, got ${String(learningRate)}`);
    }
  }

  /** Applies one step; `gradients` are keyed by tf variable name (as `tf.variableGrads` gives). */
  apply(variables: KeyedVariable[], gradients: tf.NamedTensorMap): void {
    this.step += 1;
    const t = this.step;
    const firstCorrection = 1 - this.beta1 ** t;
    const secondCorrection = 1 - this.beta2 ** t;
    const many = tf.getKernel(FUSED_ADAM_MANY_KERNEL, tf.getBackend()) != null;
    const fused = many || tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) != null;
    const attrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      firstCorrection,
      secondCorrection,
    };
    tf.tidy(() => {
      // every float32 variable's step in one kernel, in the order given
      const batched: { variable: tf.Variable; slot: { m: tf.Variable; v: tf.Variable } }[] = [];
      const inputs: tf.NamedTensorMap = {};
      for (const { key, variable } of variables) {
        const gradient = gradients[variable.name];
        if (gradient == null) continue;
        const slot = this.slotFor(key, variable);
        if (many && variable.dtype === 'float32' && gradient.dtype === 'float32') {
          const k = batched.length;
          Object.assign(inputs, { [`variable${k}`]: variable, [`gradient${k}`]: gradient, [`m${k}`]: slot.m, [`v${k}`]: slot.v });
          batched.push({ variable, slot });
          continue;
        }
        if (fused && variable.dtype === 'float32' && gradient.dtype === 'float32') {
          // One kernel instead of the ~12 ops below; same arithmetic, results assigned alike.
          const inputs = { variable, gradient, m: slot.m, v: slot.v };
          const [w, m, v] = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs) as tf.Tensor[];
          slot.m.assign(m!);
          slot.v.assign(v!);
          variable.assign(w!);
          continue;
        }
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const update = tf.div(tf.div(m, firstCorrection), tf.add(tf.sqrt(tf.div(v, secondCorrection)), this.epsilon));
        variable.assign(tf.sub(variable, tf.mul(update, this.learningRate)));
      }
      if (batched.length > 0) {
        const outs = tf.engine().runKernel(FUSED_ADAM_MANY_KERNEL, inputs, { ...attrs, count: batched.length }) as tf.Tensor[];
        batched.forEach(({ variable, slot }, k) => {
          slot.m.assign(outs[3 * k + 1]!);
          slot.v.assign(outs[3 * k + 2]!);
          variable.assign(outs[3 * k]!);
        });
      }
    });
  }

  private slotFor(key: string, variable: tf.Variable) {
    let slot = this.moments.get(key);
    if (!slot) {
      slot = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) }));
      this.moments.set(key, slot);
    }
    return slot;
  }

  /** A copy of the state as plain data (typed arrays). */
  getState(): AdamState {
    return {
      step: this.step,
      learningRate: this.learningRate,
      moments: [...this.moments].map(([name, { m, v }]) => ({
        name,
        shape: [...m.shape],
        m: (m.dataSync() as Float32Array).slice(),
        v: (v.dataSync() as Float32Array).slice(),
      })),
    };
  }

  /** Restores a state from {@link getState}; moments are keyed by variable name. */
  setState(state: AdamState): void {
    this.disposeMoments();
    this.step = state.step;
    this.learningRate = state.learningRate;
    for (const { name, shape, m, v } of state.moments) {
      this.moments.set(
        name,
        tf.tidy(() => ({
          m: tf.variable(tf.tensor(m, shape, 'float32'), false),
          v: tf.variable(tf.tensor(v, shape, 'float32'), false),
        })),
      );
    }
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  dispose(): void {
    this.disposeMoments();
  }
}
