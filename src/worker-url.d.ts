/** `import url from './x.ts?worker&url'`: the built worker script's URL (Vite; the test runner serves the same). */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
