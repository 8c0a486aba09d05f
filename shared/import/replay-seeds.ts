// When each seed of a replay was first public: a Seed cell the log never touched was in the first
// capture; one it filled in was seen at that change.

import type { FarsideTable } from "./farside-table.ts";
import type { LogChange } from "./revision-log.ts";
import type { SeedEvent } from "./types.ts";

export function seedObservedAt(
  seeds: readonly SeedEvent[],
  tables: readonly FarsideTable[],
  assetOf: ReadonlyMap<FarsideTable, string>,
  log: readonly LogChange[],
  firstObservedAt: string,
): SeedEvent[] {
  const lastChange = new Map<string, string>();
  for (const change of log) {
    if (change.date !== null) continue;
    lastChange.set(`${change.asset}|${change.column}`, change.time);
    lastChange.set(`${change.asset}|*`, change.time);
  }
  return seeds.map((seed) => {
    const table = tables.find((candidate) => candidate.tickers.includes(seed.fund));
    const asset = table ? assetOf.get(table) : undefined;
    // A derived seed rests on the whole row (its Total and every other cell): it stands from the
    // row's last change, not before, when the remainder could still have been something else.
    const cell = seed.derived ? "*" : seed.fund;
    const observed = asset === undefined ? undefined : lastChange.get(`${asset}|${cell}`);
    return { ...seed, observed_at: observed ?? firstObservedAt };
  });
}
