// Builds the one-tag embed entry, the library entry and its type declarations into dist/.
import { rmSync } from 'node:fs';
import { run } from './lib/run.mjs';

rmSync('dist', { recursive: true, force: true });
await run('npx', ['vite', 'build', '--mode', 'embed', '--logLevel', 'warn']);
await run('npx', ['vite', 'build', '--mode', 'lib', '--logLevel', 'warn']);
await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
console.log('build: dist/bm-secure-chat.js, dist/index.js, dist/types/');
