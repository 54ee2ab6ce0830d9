export { heatmapLoss } from './heatmapLoss';
export { geometryLoss } from './geometryLoss';
export { g2rlLoss, type G2rlLossArgs } from './g2rlLoss';
export { intensityLoss } from './intensityLoss';
