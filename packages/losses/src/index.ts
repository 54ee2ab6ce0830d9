export { heatmapLoss } from './heatmap-loss.js';
export { geometryLoss } from './geometry-loss.js';
export { g2rlLoss, type G2rlLossArgs } from './g2rl-loss.js';
export { intensityLoss } from './intensity-loss.js';
