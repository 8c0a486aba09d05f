// The bench's stages, each named here and nowhere else: in the order the result holds and the report
// prints them, with what each runs on (so the bench knows what to prepare) and how it reports. The
// result's type, its "not selected" placeholders, --only and the report all come from this table.
import { backfillReport, engineReport, ingestReport, restatementReport } from "./report-compute.ts";
import { readsReport, siteReport, soakReport } from "./report-serve.ts";
import type { StageReport } from "./stage-report.ts";

/**
 * "this process": the engine alone, no server. "universe": servers of its own, fed the synthetic
 * universe. "loaded server": the one server the backfill loads, which the later stages then measure.
 * "demo product": a product of its own on the demo sample, alone on the machine.
 */
type RunsOn = "this process" | "universe" | "loaded server" | "demo product";

export interface StageDescriptor<T> extends StageReport<T> {
  runsOn: RunsOn;
  /** Whether a --quick run has it without --only naming it. */
  inQuick: boolean;
}

const stage = <T>(runsOn: RunsOn, report: StageReport<T>, inQuick = true): StageDescriptor<T> => ({
  ...report,
  runsOn,
  inQuick,
});

export const STAGES = {
  engine: stage("this process", engineReport),
  ingest: stage("universe", ingestReport),
  backfill: stage("loaded server", backfillReport),
  restatement: stage("loaded server", restatementReport),
  reads: stage("loaded server", readsReport),
  site: stage("loaded server", siteReport),
  // The soak takes minutes: a quick run (the tests') has it only when --only names it.
  soak: stage("demo product", soakReport, false),
};

export type StageName = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

/** Each stage's figures, as its descriptor reports them. */
export type StageFigures = {
  [Name in StageName]: (typeof STAGES)[Name] extends StageDescriptor<infer T> ? T : never;
};

/** The names of the stages that run on `runsOn`. */
export const stagesOn = (runsOn: RunsOn): StageName[] =>
  STAGE_NAMES.filter((name) => STAGES[name].runsOn === runsOn);
