// Identity (tf.clone: tfjs-core clones every tensor it saves for the backward pass) and
// same-dtype Cast for wasm WITHOUT copying: tensors are immutable, so the output shares
// the input's buffer and bumps its reference count — what wasm's own Reshape and the cpu
// backend's Identity already do. wasm's kernels copy the whole buffer each time (≈370
// clones of activations per training step of the `small` preset).
import { Cast, Identity, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceKernelFunc } from './kernel-calls.js';

/** The same buffer under a new reference (string tensors go to `original`). */
function share(original: KernelConfig, kernelName: string): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap }) => {
    const { inputs: { x }, backend, attrs } = args;
    const sameDtype = kernelName === Identity || attrs.dtype === x.dtype;
    if (x.dtype === 'string' || x.dtype === 'complex64' || !sameDtype) return original.kernelFunc(args as never);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return replaceKernelFunc(original, kernelFunc, kernelName);
}

/** Identity and Cast configs wrapping wasm's. */
export function sharingConfigs(identity: KernelConfig, cast: KernelConfig): KernelConfig[] {
  return [share(identity, Identity), share(cast, Cast)];
}

export const SHARING_KERNELS = [Identity, Cast] as const;
