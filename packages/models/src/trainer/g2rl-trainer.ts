import * as tf from '@tensorflow/tfjs';
import { g2rlLoss, geometryLoss, heatmapLoss, intensityLoss } from '@g2rl/losses';
import { type BackboneConfig, type BackbonePreset, resolveBackboneConfig } from '../backbone/config.js';
import { createBackbone } from '../backbone/create-backbone.js';
import {
  DEFAULT_BACKBONE_PRESET,
  DEFAULT_GEOMETRY_DIM,
  DEFAULT_GEOMETRY_LEARNING_RATE,
  DEFAULT_LAMBDA,
  DEFAULT_LEARNING_RATE,
  DEFAULT_PROJECTION_CHANNELS,
} from '../defaults.js';
import { createGeometryEncoder, type GeometryEncoderOptions } from '../geometry/create-geometry-encoder.js';
import { createKnowledgeProjection } from '../projection/create-knowledge-projection.js';
import { seedStream } from '../seeds.js';
import { Adam, type AdamState, type KeyedVariable } from './adam.js';
import { type BatchDimensions, type TrainingBatchArrays, checkTrainingBatch } from './batch.js';
import { type GradientShare, WHOLE_BATCH } from './batch-shards.js';
import { type FlatGradients, gradientLayout, packGradients, unpackGradients } from './flat-gradients.js';
import { DEFAULT_SCHEDULE, type TrainingSchedule, checkSchedule, scheduleAt } from './schedule.js';
import { type NamedArray, keyedTrainableVariables, readModelWeights, writeModelWeights } from './weights-state.js';

/** 'pretrained-frozen' (default, docs/method.md §3): pretrain the encoder, then freeze it. 'joint': train all together. */
export type GeometryMode = 'pretrained-frozen' | 'joint';

/** Options of {@link G2RLTrainer}. */
export interface G2RLTrainerOptions {
  /** backbone preset or config (default 'small') */
  backbone?: BackbonePreset | BackboneConfig;
  /** A: AUs; K = 2A heatmap channels */
  aus: number;
  /** N: landmarks per face (default 68) */
  landmarks?: number;
  /** λ in [0, 1] (default `DEFAULT_LAMBDA` = 0.1); 0 = plain heatmap baseline, the geometry branch never runs */
  lambda?: number;
  /** default 'pretrained-frozen' */
  mode?: GeometryMode;
  /** weight of the auxiliary intensity loss on G in 'joint' mode (default 1) */
  auxiliaryWeight?: number;
  /** Adam learning rate of the backbone and W in the first epoch (default `DEFAULT_LEARNING_RATE` = 1e-3) */
  learningRate?: number;
  /** schedule: 1-based epochs at whose start the learning rate is × `lrDecayFactor` (default none; see {@link TrainingSchedule}) */
  lrDecayEpochs?: readonly number[];
  /** schedule: default 0.1 */
  lrDecayFactor?: number;
  /** schedule: first epochs in which L_G fits only W and does not reach the backbone (default 0) */
  projectionWarmupEpochs?: number;
  /** Adam learning rate of geometry pretraining (default `DEFAULT_GEOMETRY_LEARNING_RATE` = 3e-3) */
  geometryLearningRate?: number;
  /** geometry encoder options except `nodes` (adjacency, widths, D, k, τ) */
  geometry?: Omit<GeometryEncoderOptions, 'nodes' | 'seed' | 'featureWidth'>;
  /** channels of W's 1×1 reduction (default `DEFAULT_PROJECTION_CHANNELS` = 8) */
  projectionChannels?: number;
  /** seed of every initializer (default 0) */
  seed?: number;
}

/** Losses of one training step, as numbers. `lg` is 0 when λ = 0 (the branch is not run). */
export interface TrainStepResult {
  loss: number;
  ls: number;
  lg: number;
  /** the 'joint' mode's auxiliary intensity loss (0 otherwise) */
  li: number;
}

/** Everything needed to resume training bit-exactly, as plain data (typed arrays inside). */
export interface G2RLTrainerState {
  format: 'g2rl-trainer-state/1';
  steps: { train: number; pretrain: number };
  lambda: number;
  mode: GeometryMode;
  /** Whether L_G reached the backbone at the last step (absent in older states: true). */
  geometryReachesBackbone?: boolean;
  models: Record<'backbone' | 'geometryEncoder' | 'projection' | 'intensityHead', NamedArray[]>;
  optimizers: { train: AdamState; pretrain: AdamState };
  /** Per-dimension statistics that standardise the L_G target (see `fitGeometryScale`); absent = raw G. */
  geometryScale?: GeometryScale;
}

/** Which optimisation a data-parallel call is about: geometry pretraining or backbone training. */
export type TrainingPhase = 'pretrain' | 'train';

/** Options of {@link G2RLTrainer.trainGradients} and {@link G2RLTrainer.pretrainGradients}. */
export interface GradientOptions {
  /** the batch's share of the whole batch it is a shard of (default: it is the whole batch) */
  share?: GradientShare;
  /** where to write the flat gradients (default: a new array) */
  into?: Float32Array;
}

/** Per-dimension mean and standard deviation of G over training landmarks (each length D). */
export interface GeometryScale {
  mean: Float32Array;
  std: Float32Array;
}

/** Identity forward, zero gradient (tfjs has no stop-gradient op): B×… → B×…. */
const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * Holds the G2RL training state (docs/method.md §2–4): backbone (image → M, heatmaps), geometry
 * encoder (landmarks → G), knowledge projection W (M → Ĝ), a linear intensity head (G → A
 * intensities, for pretraining), Adam optimizers, λ and step counters.
 *
 * Typical use: `pretrainGeometryStep` for some epochs, then `trainStep` (the encoder is
 * frozen in 'pretrained-frozen' mode), `predict`, and `exportInferenceModel(trainer.backbone, …)`.
 * Batches are plain typed arrays; every tensor is made and disposed inside.
 */
export class G2RLTrainer {
  readonly backbone: tf.LayersModel;
  readonly geometryEncoder: tf.LayersModel;
  readonly projection: tf.LayersModel;
  readonly intensityHead: tf.LayersModel;
  readonly config: BackboneConfig;
  readonly mode: GeometryMode;
  readonly dims: BatchDimensions;
  readonly auxiliaryWeight: number;
  /** Learning rate, λ and projection warm-up by epoch; {@link applySchedule} sets them. */
  readonly schedule: Readonly<TrainingSchedule>;
  private lambdaValue: number;
  private scale: GeometryScale | null = null;
  /**
   * Whether L_G's gradient reaches the backbone (default true). False fits only W (and, in
   * 'joint' mode, the encoder) to the backbone's current features M: used in the schedule's
   * projection warm-up, so that when L_G starts to shape M it does so through a W that already
   * reads M, not through a random one. Part of {@link getState}.
   */
  geometryReachesBackbone = true;
  private readonly trainOptimizer: Adam;
  private readonly pretrainOptimizer: Adam;
  private disposed = false;

  constructor(options: G2RLTrainerOptions) {
    const { aus, landmarks = 68, mode = 'pretrained-frozen', auxiliaryWeight = 1, seed = 0 } = options ?? ({} as G2RLTrainerOptions);
    if (!Number.isInteger(aus) || aus <= 0) throw new RangeError(`G2RLTrainer(aus): expected a positive integer A, got ${String(aus)}`);
    if (!Number.isInteger(landmarks) || landmarks < 2) {
      throw new RangeError(`G2RLTrainer(landmarks): expected an integer N ≥ 2, got ${String(landmarks)}`);
    }
    if (mode !== 'pretrained-frozen' && mode !== 'joint') {
      throw new RangeError(`G2RLTrainer(mode): expected 'pretrained-frozen' or 'joint', got ${JSON.stringify(mode)}`);
    }
    this.config = resolveBackboneConfig(options.backbone ?? DEFAULT_BACKBONE_PRESET);
    this.mode = mode;
    this.auxiliaryWeight = auxiliaryWeight;
    this.schedule = Object.freeze(
      checkSchedule({
        learningRate: options.learningRate ?? DEFAULT_LEARNING_RATE,
        lrDecayEpochs: options.lrDecayEpochs ?? DEFAULT_SCHEDULE.lrDecayEpochs,
        lrDecayFactor: options.lrDecayFactor ?? DEFAULT_SCHEDULE.lrDecayFactor,
        lambda: options.lambda ?? DEFAULT_LAMBDA,
        projectionWarmupEpochs: options.projectionWarmupEpochs ?? DEFAULT_SCHEDULE.projectionWarmupEpochs,
      }),
    );
    this.lambdaValue = this.schedule.lambda;
    const seeds = seedStream(seed);
    const keypoints = 2 * aus;
    // fused batch norms: one kernel each way in training where the backend has them (native, wasm)
    this.backbone = createBackbone(this.config, { keypoints, seed: seeds(), fusedBatchNorm: true });
    const [, height, width, channels] = this.backbone.outputs[0].shape as number[];
    const D = options.geometry?.D ?? DEFAULT_GEOMETRY_DIM;
    this.geometryEncoder = createGeometryEncoder({ ...options.geometry, nodes: landmarks, featureWidth: 2, D, seed: seeds() });
    this.projection = createKnowledgeProjection({
      featureShape: [height, width, channels],
      reducedChannels: options.projectionChannels ?? DEFAULT_PROJECTION_CHANNELS,
      D,
      seed: seeds(),
    });
    const gInput = tf.input({ shape: [D], name: 'G' });
    const intensities = tf.layers
      .dense({ name: 'intensity_head', units: aus, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }) })
      .apply(gInput) as tf.SymbolicTensor;
    this.intensityHead = tf.model({ inputs: gInput, outputs: intensities, name: 'g2rl_intensity_head' });
    this.dims = { inputSize: this.config.inputSize, heatmapSize: height, keypoints, landmarks, aus };
    this.trainOptimizer = new Adam({ learningRate: this.schedule.learningRate });
    this.pretrainOptimizer = new Adam({ learningRate: options.geometryLearningRate ?? DEFAULT_GEOMETRY_LEARNING_RATE });
  }

  private static checkLambda(lambda: number): number {
    if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0 || lambda > 1) {
      throw new RangeError(`G2RLTrainer(lambda): expected a number in [0, 1], got ${String(lambda)}`);
    }
    return lambda;
  }

  /**
   * Sets the learning rate, λ and {@link geometryReachesBackbone} of (0-based) epoch e from
   * {@link schedule}. Idempotent: call it before every `trainStep` (a resumed run then needs
   * nothing else).
   */
  applySchedule(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`G2RLTrainer.applySchedule(epoch): expected an integer ≥ 0, got ${String(epoch)}`);
    const at = scheduleAt(this.schedule, epoch);
    this.setLearningRate(at.learningRate);
    this.lambda = at.lambda;
    this.geometryReachesBackbone = at.geometryReachesBackbone;
  }

  /** λ, the weight of L_G; may change between steps (by hand; {@link applySchedule} keeps it at the schedule's). */
  get lambda(): number {
    return this.lambdaValue;
  }
  set lambda(value: number) {
    this.lambdaValue = G2RLTrainer.checkLambda(value);
  }

  /** Learning rate of `trainStep`, for schedules. */
  get learningRate(): number {
    return this.trainOptimizer.learningRate;
  }
  setLearningRate(learningRate: number): void {
    Adam.checkLearningRate(learningRate);
    this.trainOptimizer.learningRate = learningRate;
  }
  /** Learning rate of `pretrainGeometryStep`. */
  get geometryLearningRate(): number {
    return this.pretrainOptimizer.learningRate;
  }
  setGeometryLearningRate(learningRate: number): void {
    Adam.checkLearningRate(learningRate);
    this.pretrainOptimizer.learningRate = learningRate;
  }

  /** Steps taken so far. */
  get steps(): { train: number; pretrain: number } {
    return { train: this.trainOptimizer.step, pretrain: this.pretrainOptimizer.step };
  }

  /**
   * One step of geometry pretraining: the encoder and the linear intensity head regress the
   * A intensities from the landmarks alone (NaN labels skipped). Returns the masked MSE.
   * Batch: `geometry B×N×2`, `intensities B×A`.
   */
  async pretrainGeometryStep(batch: Pick<TrainingBatchArrays, 'geometry' | 'intensities' | 'batchSize'>): Promise<{ loss: number }> {
    const { value, grads, variables, inputs } = this.pretrainGradientTensors(batch, WHOLE_BATCH);
    try {
      this.pretrainOptimizer.apply(variables, grads);
      return { loss: (await value.data())[0] };
    } finally {
      tf.dispose([value, ...Object.values(grads), ...inputs]);
    }
  }

  /**
   * The gradients of {@link pretrainGeometryStep}'s loss, flat ({@link pretrainVariables}' order),
   * without applying them: one data-parallel replica's part. With `share` the loss is the shard's
   * part of the whole batch's (× its share of the labelled intensities), so the shards' gradients sum
   * to the batch's. Returns that part of the loss too.
   */
  async pretrainGradients(
    batch: Pick<TrainingBatchArrays, 'geometry' | 'intensities' | 'batchSize'>,
    options: GradientOptions = {},
  ): Promise<{ loss: number; gradients: FlatGradients }> {
    const { value, grads, variables, inputs } = this.pretrainGradientTensors(batch, options.share ?? WHOLE_BATCH);
    try {
      const gradients = await packGradients(variables, grads, options.into);
      return { loss: (await value.data())[0], gradients };
    } finally {
      tf.dispose([value, ...Object.values(grads), ...inputs]);
    }
  }

  /** One pretraining Adam step with given flat gradients (e.g. the sum of every replica's {@link pretrainGradients}). */
  applyPretrainGradients(gradients: FlatGradients): void {
    this.applyFlatGradients(this.pretrainOptimizer, this.pretrainVariables(), gradients);
  }

  private applyFlatGradients(optimizer: Adam, variables: KeyedVariable[], gradients: FlatGradients): void {
    this.assertAlive();
    const grads = unpackGradients(variables, gradients);
    try {
      optimizer.apply(variables, grads);
    } finally {
      tf.dispose(Object.values(grads));
    }
  }

  /** The variables geometry pretraining updates, in the order of its flat gradients. */
  pretrainVariables(): KeyedVariable[] {
    return [...keyedTrainableVariables(this.geometryEncoder, 'geometryEncoder'), ...keyedTrainableVariables(this.intensityHead, 'intensityHead')];
  }

  private pretrainGradientTensors(batch: Pick<TrainingBatchArrays, 'geometry' | 'intensities' | 'batchSize'>, share: GradientShare) {
    this.assertAlive();
    const size = checkTrainingBatch(batch as TrainingBatchArrays, this.dims, ['geometry', 'intensities'], 'pretrainGeometryStep');
    const variables = this.pretrainVariables();
    const geometry = tf.tensor3d(batch.geometry, [size, this.dims.landmarks, 2]);
    const intensities = tf.tensor2d(batch.intensities!, [size, this.dims.aus]);
    try {
      const { value, grads } = tf.variableGrads(() => {
        const loss = intensityLoss(this.intensitiesFromGeometry(geometry, true), intensities);
        return share.labelled === 1 ? loss : tf.mul(loss, share.labelled);
      }, variables.map((v) => v.variable));
      return { value, grads, variables, inputs: [geometry, intensities] };
    } catch (error) {
      tf.dispose([geometry, intensities]);
      throw error;
    }
  }

  /** G → predicted intensities (B×A); used by pretraining and the joint auxiliary loss. */
  private intensitiesFromGeometry(geometry: tf.Tensor, training: boolean): tf.Tensor {
    const g = this.geometryEncoder.apply(geometry, { training }) as tf.Tensor;
    return this.intensityHead.apply(g, { training }) as tf.Tensor;
  }

  /** Landmark-only intensity predictions of the (pretrained) geometry branch: B×N×2 → B×A. */
  async predictIntensitiesFromGeometry(geometry: Float32Array, batchSize?: number): Promise<Float32Array> {
    this.assertAlive();
    batchSize = checkTrainingBatch({ geometry, batchSize } as TrainingBatchArrays, this.dims, ['geometry'], 'predictIntensitiesFromGeometry');
    const out = tf.tidy(() => this.intensitiesFromGeometry(tf.tensor3d(geometry, [batchSize, this.dims.landmarks, 2]), false));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }

  /**
   * Makes the L_G target the standardised `(G − μ) / σ`, with μ and σ per dimension of G over
   * the given training landmarks (run through the frozen encoder). Raw G has dimensions of
   * very different spread (a few carry most of the variance), so `‖G − Ĝ‖²` is dominated by
   * them and its size depends on the pretraining; standardised, every dimension counts the
   * same and L_G starts near 1 whatever the encoder, so λ means the same from run to run.
   * σ is floored at 1e-3 of the largest σ so that dead dimensions stay at a zero target.
   * @param geometry B×N×2 landmark features (as in `pretrainGeometryStep`)
   * @returns the statistics (also kept in the trainer's state)
   */
  async fitGeometryScale(geometry: Float32Array, batchSize?: number): Promise<GeometryScale> {
    this.assertAlive();
    const count = checkTrainingBatch({ geometry, batchSize } as TrainingBatchArrays, this.dims, ['geometry'], 'fitGeometryScale');
    const N = this.dims.landmarks;
    const D = this.geometryEncoder.outputs[0].shape[1] as number;
    const sum = new Float64Array(D);
    const sumSquares = new Float64Array(D);
    for (let start = 0; start < count; start += 512) {
      const n = Math.min(512, count - start);
      const g = tf.tidy(() => this.geometryEncoder.apply(tf.tensor3d(geometry.subarray(start * N * 2, (start + n) * N * 2), [n, N, 2]), { training: false }) as tf.Tensor);
      const values = (await g.data()) as Float32Array;
      g.dispose();
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < D; d++) {
          const v = values[i * D + d];
          sum[d] += v;
          sumSquares[d] += v * v;
        }
      }
    }
    const mean = Float32Array.from(sum, (v) => v / count);
    const std = Float32Array.from(sumSquares, (v, d) => Math.sqrt(Math.max(0, v / count - mean[d] * mean[d])));
    const floor = Math.max(1e-12, 1e-3 * Math.max(...std));
    for (let d = 0; d < D; d++) std[d] = Math.max(std[d], floor);
    this.scale = { mean, std };
    return { mean: mean.slice(), std: std.slice() };
  }

  /** The L_G target's standardisation, or null when L_G uses raw G. */
  get geometryScale(): GeometryScale | null {
    return this.scale && { mean: this.scale.mean.slice(), std: this.scale.std.slice() };
  }

  /** The L_G target from G (B×D → B×D): standardised when `fitGeometryScale` has run. */
  private geometryTarget(g: tf.Tensor): tf.Tensor {
    if (!this.scale) return g;
    return tf.div(tf.sub(g, tf.tensor1d(this.scale.mean)), tf.tensor1d(this.scale.std));
  }

  /**
   * One training step on `L = λ·L_G + (1 − λ)·L_S` (+ the auxiliary intensity loss on G in
   * 'joint' mode). Updates the backbone and W (and, in 'joint' mode, the encoder and the
   * intensity head). With λ = 0 only the backbone runs.
   * Batch: `images B×S×S×3`, `heatmaps B×H×W×K`, `weights B×K`, `geometry B×N×2`, and
   * `intensities B×A` in 'joint' mode.
   */
  async trainStep(batch: TrainingBatchArrays): Promise<TrainStepResult> {
    const step = this.trainGradientTensors(batch, WHOLE_BATCH);
    try {
      this.trainOptimizer.apply(step.variables, step.grads);
      return await step.losses();
    } finally {
      step.dispose();
    }
  }

  /**
   * The gradients of {@link trainStep}'s loss, flat ({@link trainVariables}' order), without
   * applying them: one data-parallel replica's part. With `share` each loss term is the shard's
   * part of the whole batch's (L_S × its share of the channel weights, L_G × its share of the
   * samples, the joint L_I × its share of the labelled intensities), so the shards' gradients sum
   * to the batch's — except through batch norm, which normalises by the shard's own statistics
   * (docs/method.md §4). Batch-norm moving statistics are updated from the shard, as in `trainStep`.
   * Returns that part of the losses too.
   */
  async trainGradients(batch: TrainingBatchArrays, options: GradientOptions = {}): Promise<{ losses: TrainStepResult; gradients: FlatGradients }> {
    const step = this.trainGradientTensors(batch, options.share ?? WHOLE_BATCH);
    try {
      const gradients = await packGradients(step.variables, step.grads, options.into);
      return { losses: await step.losses(), gradients };
    } finally {
      step.dispose();
    }
  }

  /** One training Adam step with given flat gradients (e.g. the sum of every replica's {@link trainGradients}). */
  applyTrainGradients(gradients: FlatGradients): void {
    this.assertAlive();
    this.applyFlatGradients(this.trainOptimizer, this.trainVariables(), gradients);
  }

  /**
   * The variables {@link trainStep} updates with the current λ and mode, in the order of its flat
   * gradients: the backbone; W when λ > 0; the encoder and the intensity head in 'joint' mode.
   */
  trainVariables(): KeyedVariable[] {
    const useGeometry = this.lambdaValue > 0;
    const variables: KeyedVariable[] = keyedTrainableVariables(this.backbone, 'backbone');
    if (useGeometry) variables.push(...keyedTrainableVariables(this.projection, 'projection'));
    if (useGeometry && this.mode === 'joint') {
      variables.push(
        ...keyedTrainableVariables(this.geometryEncoder, 'geometryEncoder'),
        ...keyedTrainableVariables(this.intensityHead, 'intensityHead'),
      );
    }
    return variables;
  }

  /**
   * The weights a phase's steps change besides its variables: the batch-norm moving statistics
   * (every non-trainable weight of the models the phase trains), in a fixed order. Data-parallel
   * replicas update them from their own shards and then all take the samples-weighted mean
   * (docs/method.md §4), through {@link readStatistics} / {@link writeStatistics}.
   */
  private statisticsOf(phase: TrainingPhase): tf.LayerVariable[] {
    const models =
      phase === 'pretrain'
        ? [this.geometryEncoder, this.intensityHead]
        : this.mode === 'joint'
          ? [this.backbone, this.projection, this.geometryEncoder, this.intensityHead]
          : [this.backbone, this.projection];
    return models.flatMap((model) => model.nonTrainableWeights);
  }

  /** The phase's statistics ({@link statisticsOf}) as one flat array (into `into` when given). */
  readStatistics(phase: TrainingPhase, into?: Float32Array): Float32Array {
    this.assertAlive();
    const weights = this.statisticsOf(phase);
    const size = weights.reduce((n, w) => n + w.read().size, 0);
    const out = into ?? new Float32Array(size);
    if (out.length < size) throw new RangeError(`G2RLTrainer.readStatistics(into): expected at least ${size} values, got ${out.length}`);
    let offset = 0;
    for (const weight of weights) {
      const values = weight.read().dataSync() as Float32Array;
      out.set(values, offset);
      offset += values.length;
    }
    return out;
  }

  /** Writes the phase's statistics back from a flat array made like {@link readStatistics}'. */
  writeStatistics(phase: TrainingPhase, values: Float32Array): void {
    this.assertAlive();
    let offset = 0;
    for (const weight of this.statisticsOf(phase)) {
      const shape = weight.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      if (offset + size > values.length) throw new RangeError(`G2RLTrainer.writeStatistics(values): too short for ${weight.originalName} (${values.length} values)`);
      tf.tidy(() => {
        weight.write(tf.tensor(values.slice(offset, offset + size), shape, 'float32'));
      });
      offset += size;
    }
  }

  /** Upper bounds of the flat gradients and statistics of either phase (for preallocated buffers). */
  get bufferSizes(): { gradients: number; statistics: number } {
    const models = [this.backbone, this.geometryEncoder, this.projection, this.intensityHead];
    const count = (weights: tf.LayerVariable[]) => weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
    return { gradients: count(models.flatMap((m) => m.trainableWeights)), statistics: count(models.flatMap((m) => m.nonTrainableWeights)) };
  }

  /** The flat gradient size of a phase with the current λ and mode. */
  gradientSize(phase: TrainingPhase): number {
    return gradientLayout(phase === 'pretrain' ? this.pretrainVariables() : this.trainVariables()).size;
  }

  /** The length of {@link readStatistics}' array for a phase. */
  statisticsSize(phase: TrainingPhase): number {
    return this.statisticsOf(phase).reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  }

  /** The loss and its gradients for one batch (or shard); the caller applies or packs them, then disposes. */
  private trainGradientTensors(batch: TrainingBatchArrays, share: GradientShare) {
    this.assertAlive();
    const lambda = this.lambdaValue;
    const useGeometry = lambda > 0;
    const joint = useGeometry && this.mode === 'joint';
    const fields: (keyof TrainingBatchArrays)[] = ['images', 'heatmaps', 'weights'];
    if (useGeometry) fields.push('geometry');
    if (joint) fields.push('intensities');
    const size = checkTrainingBatch(batch, this.dims, fields, 'trainStep');
    const { inputSize: S, heatmapSize: H, keypoints: K, landmarks: N, aus: A } = this.dims;
    const variables = this.trainVariables();
    // A shard's part of the whole batch's loss (× 1 is skipped: a whole batch runs today's ops).
    const scaled = (loss: tf.Tensor, by: number) => (by === 1 ? loss : tf.mul(loss, by));

    const inputs: tf.Tensor[] = [];
    const track = <T extends tf.Tensor>(t: T) => (inputs.push(t), t);
    const parts: { ls?: tf.Tensor; lg?: tf.Tensor; li?: tf.Tensor } = {};
    const dispose = () => tf.dispose([...inputs, ...([parts.ls, parts.lg, parts.li].filter(Boolean) as tf.Tensor[])]);
    try {
      const images = track(tf.tensor4d(batch.images, [size, S, S, 3]));
      const heatmaps = track(tf.tensor4d(batch.heatmaps, [size, H, H, K]));
      const weights = track(tf.tensor2d(batch.weights, [size, K]));
      const geometry = useGeometry ? track(tf.tensor3d(batch.geometry, [size, N, 2])) : null;
      const intensities = joint ? track(tf.tensor2d(batch.intensities!, [size, A])) : null;
      // Frozen encoder: G is a constant target, computed once outside the gradient tape.
      const frozenG = useGeometry && !joint ? track(tf.tidy(() => this.geometryTarget(this.geometryEncoder.apply(geometry!, { training: false }) as tf.Tensor))) : null;

      const { value, grads } = tf.variableGrads(() => {
        const [features, predicted] = this.backbone.apply(images, { training: true }) as tf.Tensor[];
        const ls = scaled(heatmapLoss(predicted, heatmaps, weights), share.heatmap);
        parts.ls = tf.keep(ls);
        if (!useGeometry) return g2rlLoss({ lambda: 0, ls });
        const gHat = this.projection.apply(this.geometryReachesBackbone ? features : stopGradient(features), { training: true }) as tf.Tensor;
        const g = joint ? (this.geometryEncoder.apply(geometry!, { training: true }) as tf.Tensor) : null;
        const lg = scaled(geometryLoss(joint ? this.geometryTarget(g!) : frozenG!, gHat), share.samples);
        parts.lg = tf.keep(lg);
        let total = g2rlLoss({ lambda, ls, lg });
        if (joint) {
          const li = scaled(intensityLoss(this.intensityHead.apply(g!, { training: true }) as tf.Tensor, intensities!), share.labelled);
          parts.li = tf.keep(li);
          total = tf.add(total, tf.mul(li, this.auxiliaryWeight));
        }
        return total as tf.Scalar;
      }, variables.map((v) => v.variable));
      inputs.push(value, ...Object.values(grads));
      return {
        variables,
        grads,
        dispose,
        losses: async (): Promise<TrainStepResult> => {
          const [loss, ls, lg, li] = await Promise.all([value, parts.ls, parts.lg, parts.li].map(async (t) => (t ? (await t.data())[0] : 0)));
          return { loss, ls, lg, li };
        },
      };
    } catch (error) {
      dispose();
      throw error;
    }
  }

  /**
   * Heatmaps for a batch of images (inference mode: batch norm uses its moving statistics).
   * @param images B×S×S×3, RGB in [0, 1]
   * @param batchSize B (default: inferred from the length of `images`)
   * @returns B×H×W×K
   */
  async predict(images: Float32Array, batchSize?: number): Promise<Float32Array> {
    this.assertAlive();
    batchSize = checkTrainingBatch({ images, batchSize } as TrainingBatchArrays, this.dims, ['images'], 'predict');
    const S = this.dims.inputSize;
    const heatmaps = tf.tidy(() => (this.backbone.apply(tf.tensor4d(images, [batchSize, S, S, 3]), { training: false }) as tf.Tensor[])[1]);
    const values = (await heatmaps.data()) as Float32Array;
    heatmaps.dispose();
    return values;
  }

  /** All weights, optimizer moments, step counters, λ, whether L_G reaches the backbone, and mode, as plain data. */
  getState(): G2RLTrainerState {
    this.assertAlive();
    return {
      format: 'g2rl-trainer-state/1',
      steps: this.steps,
      lambda: this.lambdaValue,
      mode: this.mode,
      geometryReachesBackbone: this.geometryReachesBackbone,
      models: {
        backbone: readModelWeights(this.backbone),
        geometryEncoder: readModelWeights(this.geometryEncoder),
        projection: readModelWeights(this.projection),
        intensityHead: readModelWeights(this.intensityHead),
      },
      optimizers: { train: this.trainOptimizer.getState(), pretrain: this.pretrainOptimizer.getState() },
      ...(this.scale ? { geometryScale: this.geometryScale! } : {}),
    };
  }

  /** Restores a state from {@link getState} into a trainer built with the same options. */
  setState(state: G2RLTrainerState): void {
    this.assertAlive();
    if (state?.format !== 'g2rl-trainer-state/1') {
      throw new Error(`G2RLTrainer.setState(state.format): expected 'g2rl-trainer-state/1', got ${JSON.stringify(state?.format)}`);
    }
    if (state.mode !== this.mode) {
      throw new Error(`G2RLTrainer.setState(state.mode): the state is '${state.mode}' but this trainer is '${this.mode}'`);
    }
    writeModelWeights(this.backbone, state.models.backbone, 'G2RLTrainer.setState(models.backbone)');
    writeModelWeights(this.geometryEncoder, state.models.geometryEncoder, 'G2RLTrainer.setState(models.geometryEncoder)');
    writeModelWeights(this.projection, state.models.projection, 'G2RLTrainer.setState(models.projection)');
    writeModelWeights(this.intensityHead, state.models.intensityHead, 'G2RLTrainer.setState(models.intensityHead)');
    this.trainOptimizer.setState(state.optimizers.train);
    this.pretrainOptimizer.setState(state.optimizers.pretrain);
    this.lambdaValue = G2RLTrainer.checkLambda(state.lambda);
    const reaches = state.geometryReachesBackbone ?? true;
    if (typeof reaches !== 'boolean') {
      throw new Error(`G2RLTrainer.setState(geometryReachesBackbone): expected true or false, got ${JSON.stringify(reaches)}`);
    }
    this.geometryReachesBackbone = reaches;
    const scale = state.geometryScale;
    const D = this.geometryEncoder.outputs[0].shape[1] as number;
    if (scale && !(scale.mean?.length === D && scale.std?.length === D)) {
      throw new Error(`G2RLTrainer.setState(geometryScale): expected mean and std of length D = ${D}`);
    }
    this.scale = scale ? { mean: Float32Array.from(scale.mean), std: Float32Array.from(scale.std) } : null;
  }

  /** Frees every tensor the trainer holds. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const model of [this.backbone, this.geometryEncoder, this.projection, this.intensityHead]) model.dispose();
    this.trainOptimizer.dispose();
    this.pretrainOptimizer.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('G2RLTrainer: used after dispose()');
  }
}
