// PadV2 (constant padding, any rank ≤ 8; float32, int32, bool): the output filled with the
// constant, then x's innermost rows copied into place.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

export function padV2(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.x!;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const paddings = attrs.paddings as [number, number][];
  const constantValue = Number(attrs.constantValue ?? 0);
  const values = backend.data.get(x.dataId)?.values;
  const rank = x.shape.length;
  const typed = values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array;
  if (!typed || rank === 0 || rank > 8 || !['float32', 'int32', 'bool'].includes(x.dtype)) return cpuKernel('PadV2', args);
  if (paddings.length !== rank || paddings.some(([b, a]) => !(b >= 0 && a >= 0))) {
    throw new Error(`@g2rl/backend-native PadV2: paddings must be ${rank} non-negative [before, after] pairs, got ${JSON.stringify(paddings)}`);
  }
  const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  const length = sizeOf(outShape);
  let out: Float32Array | Int32Array | Uint8Array;
  let fill: Float32Array | Int32Array | Uint8Array;
  if (values instanceof Float32Array) {
    out = outputArray(backend, length);
    fill = Float32Array.of(constantValue);
  } else if (values instanceof Int32Array) {
    out = new Int32Array(length);
    fill = Int32Array.of(constantValue);
  } else {
    out = new Uint8Array(length);
    fill = Uint8Array.of(constantValue ? 1 : 0);
  }
  addon.pad(values, out, Int32Array.from(x.shape), Int32Array.from(paddings, (p) => p[0]), Int32Array.from(paddings, (p) => p[1]), fill);
  return backend.makeTensorInfo(outShape, x.dtype, out);
}
