export * from './types.js';
export * from './controls.js';
export * from './evaluate.js';
export * from './report.js';
