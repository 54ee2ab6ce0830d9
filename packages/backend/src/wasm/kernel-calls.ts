// Small helpers for kernels that run on the wasm backend and call its other kernels
// directly (not through tf ops: a kernel must not record onto the gradient tape).
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Runs the kernel currently registered as `kernelName` for wasm and returns its output. */
export function callWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel == null) {
    throw new Error(`@g2rl/backend: the wasm backend has no '${kernelName}' kernel registered`);
  }
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/**
 * wasm's own kernel config for `kernelName` with `kernelFunc` in place of its kernel
 * function (wasm's setup and dispose kept: the replacement falls back to the original).
 */
export function replaceKernelFunc(original: KernelConfig, kernelFunc: (args: never) => unknown, kernelName = original.kernelName): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/** The same data seen with another shape (no copy; the caller must not dispose it). */
export function viewAs(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Frees an intermediate made inside a kernel. */
export function release(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * A Float32Array over the whole wasm heap. Take it AFTER the last allocation: growing
 * the heap detaches views made before.
 */
export function heapF32(backend: BackendWasm): Float32Array {
  return new Float32Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer);
}

/** Index (in float32 elements) of a tensor's first value inside `heapF32(backend)`. */
export function heapIndex(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data == null) throw new Error('@g2rl/backend: tensor data is not on the wasm backend');
  return data.memoryOffset / 4;
}

/**
 * A tensor over part of another's memory (`shape` at float32 index `start` of the heap),
 * for passing a slice to another kernel without copying. Read-only; free it with
 * `releaseView`, never with `release` (that would free the owner's memory).
 */
export function heapView(backend: BackendWasm, shape: number[], start: number): TensorInfo {
  return backend.makeOutput(shape, 'float32', start * 4);
}

/** Forgets a `heapView` without freeing the memory it points into. */
export function releaseView(backend: BackendWasm, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  if (data == null) return;
  (backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}
