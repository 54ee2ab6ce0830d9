// Tile (x of any float32 shape up to rank 8, repeated `reps` times per axis). The batch-norm
// gradient of tfjs tiles a per-channel vector 1×1×1×C to B×H×W×C, one of the larger costs
// of a training step on the JS `cpu` kernel.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

export function tile(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const reps = ((args.attrs ?? {}) as Record<string, unknown>).reps as number[];
  const x = floatValues(backend, inputs.x);
  const shape = inputs.x!.shape;
  if (!x || shape.length === 0 || shape.length > 8 || reps.length !== shape.length) return cpuKernel('Tile', args);
  const outShape = shape.map((d, i) => d * reps[i]!);
  const out = outputArray(backend, sizeOf(outShape));
  addon.tile(x, out, Int32Array.from(shape), Int32Array.from(reps));
  return floatTensor(backend, outShape, out);
}
