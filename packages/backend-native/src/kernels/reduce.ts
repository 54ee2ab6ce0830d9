// Sum, Mean, Max and Min over one contiguous run of axes (e.g. all but the channel axis for a
// batch-norm statistic, or the trailing axes for a per-sample loss). The input is viewed as
// P×R×Q and reduced to P×Q; other axis sets run the `cpu` kernel.
import { util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernel } from './util.js';

const REDUCE_OPS: Record<string, number> = { Sum: 0, Mean: 1, Max: 2, Min: 3 };

/** P, R, Q and the output shape for reducing `axes` of `shape`, or null if not contiguous. */
export function reducePlan(
  shape: readonly number[],
  axis: number | number[] | undefined | null,
  keepDims: boolean,
): { P: number; R: number; Q: number; outShape: number[] } | null {
  const axes = [...new Set(util.parseAxisParam(axis ?? (null as unknown as number), [...shape]))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) return null;
  const P = sizeOf(shape.slice(0, first));
  const R = sizeOf(shape.slice(first, last + 1));
  const Q = sizeOf(shape.slice(last + 1));
  if (R === 0) return null;
  const outShape = keepDims
    ? shape.map((d, i) => (i >= first && i <= last ? 1 : d))
    : shape.filter((_, i) => i < first || i > last);
  return { P, R, Q, outShape };
}

function reduceKernel(kernelName: string): NativeKernel {
  const op = REDUCE_OPS[kernelName]!;
  return (args, addon: NativeAddon): TensorInfo | TensorInfo[] => {
    const { backend, inputs } = args;
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const x = floatValues(backend, inputs.x);
    // Max names its axes `reductionIndices`; Sum, Mean and Min name them `axis`.
    const axis = (kernelName === 'Max' ? attrs.reductionIndices : attrs.axis) as number[];
    if (inputs.x?.dtype === 'int32' && kernelName !== 'Mean') {
      // int32 (e.g. a sum of one-hot rows): int32 out, as the cpu kernel gives. The data may
      // be a Float32Array: the cpu OneHot kernel stores its int32 output that way.
      const values = backend.data.get(inputs.x.dataId)?.values;
      const typed = values instanceof Int32Array || values instanceof Float32Array;
      const intPlan = typed ? reducePlan(inputs.x.shape, axis, Boolean(attrs.keepDims)) : null;
      if (!intPlan) return cpuKernel(kernelName, args);
      const out = new Int32Array(intPlan.P * intPlan.Q);
      addon.reduceInt(op, values as Int32Array | Float32Array, out, intPlan.P, intPlan.R, intPlan.Q);
      return backend.makeTensorInfo(intPlan.outShape, 'int32', out);
    }
    const plan = x ? reducePlan(inputs.x!.shape, axis, Boolean(attrs.keepDims)) : null;
    if (!x || !plan) return cpuKernel(kernelName, args);
    const out = outputArray(backend, plan.P * plan.Q);
    addon.reduce(op, x, out, plan.P, plan.R, plan.Q);
    return floatTensor(backend, plan.outShape, out);
  };
}

export function reduceKernels(): Record<string, NativeKernel> {
  const kernels: Record<string, NativeKernel> = {};
  for (const name of Object.keys(REDUCE_OPS)) kernels[name] = reduceKernel(name);
  return kernels;
}
