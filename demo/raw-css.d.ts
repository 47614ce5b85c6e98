// Vite's `?raw` imports: the file's text (the hostile-CMS page shows its theme author's CSS).
declare module '*.css?raw' {
  const text: string;
  export default text;
}
