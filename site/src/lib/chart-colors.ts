// The charts' colours, which the pages' legends, tables and notes use too.

/** Mid-tone colours that keep 3:1 contrast on both the light and the dark background. */
export const COLOR = {
  line: "#4269d0",
  flow: "#4269d0",
  market: "#d9730d",
  other: "#8a8f98",
  fee: "#9a5cd6",
  income: "#2a9d8f",
  distribution: "#c2477f",
  inflow: "#2e9e5b",
  outflow: "#e0474c",
  missing: "#8a8f98",
};

/** For stacked series: Observable's palette without its lightest members. */
export const SERIES = [
  "#4269d0",
  "#d9730d",
  "#2e9e5b",
  "#e0474c",
  "#9a5cd6",
  "#6cc5b0",
  "#9c6b4e",
  "#ff8ab7",
];
export const REST_COLOR = "#8a8f98";
