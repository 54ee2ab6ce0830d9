export * from './image.js';
export * from './points.js';
export * from './affine.js';
export * from './warp.js';
export * from './template.js';
export * from './align.js';
