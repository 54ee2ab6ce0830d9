export * from './backbone/index';
export * from './geometry/index';
