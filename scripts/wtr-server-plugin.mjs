// web-test-runner plugin: lets browser tests start and stop a reference server on 127.0.0.1 through
// `executeServerCommand` from '@web/test-runner-commands'. Filled in by the adapter work.
export function serverPlugin() {
  return { name: 'bm-server' };
}
