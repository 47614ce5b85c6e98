// @hpke/common keeps a guarded `import('crypto')` for Node; in the browser it is never reached. The build points
// that import here, so no Node built-in is pulled in.
export const webcrypto = globalThis.crypto;
