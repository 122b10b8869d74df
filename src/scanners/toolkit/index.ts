// The scanner toolkit: what every provider scanner needs around its SDK.
export * from './abort.js';
export * from './faults.js';
export * from './fetch.js';
export * from './limit.js';
export * from './streams.js';
export * from './options.js';
export * from './pacer.js';
export * from './pagination.js';
export * from './retry.js';
export * from './tally.js';
export * from './owner.js';
export * from './window.js';
