export {
  initBackend,
  resolvePreference,
  BACKEND_ORDER,
  type BackendChoice,
  type BackendPreference,
  type InitBackendOptions,
  type InitBackendResult,
} from './init-backend.js';
export { registerWasmTrainingKernels, wasmFmaEnabled, WASM_FMA_KERNELS, WASM_TRAINING_KERNELS } from './wasm/register.js';
export { wasmBinaryFolder } from './wasm-paths.js';
export { planAxis, phaseFilter, type AxisPhasePlan } from './wasm/phase-plan.js';
export { phaseGrid, writePhaseTensor, writeGridColumns, writeGridGradient, type ConvGeometry, type PhaseGrid } from './wasm/phase-grid.js';
export { transpose2d } from './wasm/transpose2d.js';
export { tileInto } from './wasm/tile.js';
export { setMaxIm2colValues } from './wasm/conv2d-backprop-filter.js';
