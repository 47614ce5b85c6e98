// `npm run analyze` regenerates custom-elements.json from the JSDoc blocks of our elements.
// The test run regenerates it into .tmp/ and fails when the committed file differs.

/** Events are declared by `@event` in JSDoc; drop the unnamed duplicates found at `dispatchEvent` calls. */
function documentedEventsOnly() {
  return {
    name: 'bm-documented-events-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.events) declaration.events = declaration.events.filter((event) => event.name);
        }
      }
    },
  };
}

export default {
  globs: ['src/components/**/*.component.ts', 'src/bm-secure-chat.ts'],
  exclude: ['**/*.test.ts', '**/*.styles.ts'],
  outdir: process.env.BM_CEM_OUTDIR ?? '.',
  litelement: true,
  // package.json names the committed manifest; the freshness check must not rewrite it.
  packagejson: false,
  plugins: [documentedEventsOnly()],
};
