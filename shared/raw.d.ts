// Vite's `?raw` imports (used by tests to embed the demo CSVs): the file's text as a string.
declare module "*?raw" {
  const text: string;
  export default text;
}
