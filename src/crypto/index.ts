// The crypto layer: pure functions over Web Crypto, no DOM, loaded lazily as its own chunk.
export * from './errors.js';
export * from './encoding.js';
export * from './suite.js';
export * from './primitives.js';
export * from './keys.js';
export * from './device-list.js';
export * from './epoch.js';
export * from './envelope.js';
export * from './padding.js';
export * from './replay.js';
export * from './safety-number.js';
export * from './recovery.js';
export * from './chunked.js';
export * from './strip-metadata.js';
export * from './device-link.js';
