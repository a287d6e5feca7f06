export * from './network.js';
export * from './security.js';
export * from './storage.js';
export * from './data.js';
export * from './edge.js';
export * from './observability.js';
export * from './endpoints.js';
