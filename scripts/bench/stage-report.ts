// What a bench stage gives the report: the aims judged on its figures and the rows it prints, with
// the number formats every stage's rows share.
import type { BenchResult } from "./report.ts";

/** A stage that failed keeps its error instead of figures, so one failure never hides the rest. */
export type Stage<T> = T | { error: string } | { skipped: string };

export interface Aim {
  name: string;
  aim: string;
  value: string;
  met: boolean | null;
}

/** A printed row: measure, figure, baseline, ratio. */
export type Row = [string, string, string, string];

export interface StageReport<T> {
  /** Aims stated for the full universe (1,000 funds, 10 years) are only judged on a full run. */
  aims(figures: T, result: BenchResult): Aim[];
  rows(figures: T): Row[];
}

export function figures<T extends object>(stage: Stage<T> | undefined): T | null {
  if (!stage || "error" in stage || "skipped" in stage) return null;
  return stage as T;
}

export const count = (value: number) => Math.round(value).toLocaleString("en-US");
export const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
export const ratio = (value: number) => value.toFixed(value < 0.01 ? 4 : 2);
