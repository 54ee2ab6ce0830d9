// TopK (float32, sorted) along the last axis: the k-nearest-neighbour choice of the geometry
// encoder's adjacency (B×N×N). Same order as the cpu kernel (larger first, ties by lower
// index); rows with NaN or a repeated infinity, int32 input and `sorted: false` run the cpu
// kernel, whose order there is its own.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

export function topK(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const shape = inputs.x!.shape;
  const k = Number(attrs.k);
  const n = shape[shape.length - 1] ?? 0;
  if (!x || attrs.sorted === false || shape.length === 0 || n === 0 || !(k >= 0 && k <= n)) return cpuKernel('TopK', args);
  const rows = x.length / n;
  const values = outputArray(backend, rows * k);
  const indices = new Int32Array(rows * k);
  if (!addon.topk(x, values, indices, n, k)) return cpuKernel('TopK', args);
  const outShape = [...shape.slice(0, -1), k];
  return [floatTensor(backend, outShape, values), backend.makeTensorInfo(outShape, 'int32', indices)];
}
