// @g2rl/backend-native: a tfjs backend named 'native' whose hot kernels (convolutions,
// matmuls, batch norm, element-wise ops, reductions, nearest resize) run in a oneDNN/OpenMP
// Node-API addon on every core. Importing this module never fails: without the addon,
// isNativeAvailable() is false and registerNativeBackend() throws the reason.
export {
  NATIVE_BACKEND_NAME,
  NativeBackend,
  isNativeAvailable,
  nativeKernels,
  nativeStatus,
  registerNativeBackend,
} from './backend.js';
export { ADAM_UPDATE_KERNEL, ADAM_UPDATE_MANY_KERNEL } from './kernels/adam.js';
export { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from './kernels/batch-norm-train.js';
export { nativePrecision, precisionFromEnv, setNativePrecision, type NativePrecision } from './precision.js';
export { loadAddon, type NativeAddon } from './addon.js';
export { NATIVE_ENVIRONMENT_DEFAULTS, prepareNativeEnvironment } from './environment.js';
export { describePeaks, measurePeaks, type Peak, type PeakKind } from './peak.js';
