import { defineConfig, type UserConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies ?? {});
const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/**
 * Two library builds, chosen by `--mode`:
 * - `embed` (default): dist/bm-secure-chat.js, everything bundled (Lit included). Lazily loaded chunks sit
 *   beside it and are imported relative to it, so the folder works from any path or CDN.
 * - `lib`: dist/index.js for people who bundle themselves; dependencies stay imports. Minified too (with source
 *   maps), so that what a bundler that does not minify ships is small, and the size budget measures it.
 */
export default defineConfig(({ mode }): UserConfig => {
  const embed = mode !== 'lib';
  const entry: Record<string, string> = embed
    ? { 'bm-secure-chat': src('embed.ts') }
    : { index: src('index.ts') };
  return {
    publicDir: false,
    // Relative URLs for what the code itself names (the file worker): the folder works from any path or CDN.
    base: './',
    // Lit's own minifier for the markup and CSS inside html`` and css`` templates, which a JS minifier leaves
    // as written (indentation, comments).
    // keepClosingSlash: an svg`` template of several shapes (an icon's circle and path) has no <svg> around it
    // in its own text, so the minifier reads it as HTML, where `<circle />` may lose its slash; Lit then parses
    // `<circle><path>` inside an <svg>, where the path becomes the circle's child and is never drawn.
    plugins: [
      {
        ...minifyHtmlLiterals({ failOnError: true, options: { minifyOptions: { keepClosingSlash: true } } }),
        enforce: 'post' as const,
      },
    ],
    // The file worker (src/engine/security/file-worker.ts) is a module worker: its own file beside the chunks.
    worker: { format: 'es' },
    define: embed ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
    resolve: {
      conditions: ['production', 'browser', 'module', 'import', 'default'],
      alias: { crypto: src('utils/node-crypto-shim.ts') },
    },
    build: {
      target: 'es2022',
      outDir: 'dist',
      assetsDir: 'chunks',
      emptyOutDir: false,
      sourcemap: true,
      minify: true,
      reportCompressedSize: false,
      lib: {
        entry,
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rollupOptions: {
        // Code the entry shares with a lazy chunk (AdapterError, for one) stays in the entry, which the chunk then
        // imports, instead of becoming a third file that every page must download before the widget runs.
        preserveEntrySignatures: embed ? 'allow-extension' : 'strict',
        external: embed
          ? []
          : (id: string) => dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`)),
        output: {
          chunkFileNames: embed ? 'chunks/[name]-[hash].js' : '[name].js',
          minify: true,
          // Everything the entry imports statically is one file, the entry itself: without this, Rolldown moves
          // what the entry shares with a lazy chunk (Lit, for one) into a common chunk the entry must load first.
          ...(embed
            ? { codeSplitting: { groups: [{ name: 'bm-secure-chat', tags: ['$initial' as const] }] } }
            : {}),
        },
      },
    },
  };
});
