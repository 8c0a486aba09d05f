// Packs a replayed history into as few batches as it can. The API refuses a key twice in one batch,
// and a key's values must land in the order they were observed; rows of different keys need no order,
// so a later change of one key may share a batch with an earlier change of another.

import type { Replay } from "./replay.ts";
import type { FlowsFile, ReplayFlow } from "./types.ts";

/**
 * As few batches as possible: the most-changed key's number of changes, or the rows over the size,
 * whichever is more. Keys with several rows go round-robin, longest first, each row to a later batch
 * than the one before it (round-robin always takes the least-loaded batches, so loads stay within one
 * of each other); keys with one row then fill the batches up to an even load in time order, so most
 * of a batch is one stretch of the history. Within a batch rows keep their time order.
 */
export function packBatches<T>(rows: readonly T[], keyOf: (row: T) => string, size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a whole number, not ${size}`);
  const chains = new Map<string, number[]>();
  rows.forEach((row, position) => {
    const key = keyOf(row);
    const chain = chains.get(key) ?? [];
    chains.set(key, chain);
    chain.push(position);
  });
  let longest = 0;
  for (const chain of chains.values()) longest = Math.max(longest, chain.length);
  const count = Math.max(longest, Math.ceil(rows.length / size));
  const batches: number[][] = Array.from({ length: count }, () => []);
  let cursor = 0;
  const multiple = [...chains.values()].filter((chain) => chain.length > 1);
  for (const chain of multiple.sort((a, b) => b.length - a.length)) {
    const targets = chain.map((_, j) => (cursor + j) % count).sort((a, b) => a - b);
    for (const [j, position] of chain.entries()) batches[targets[j] as number]?.push(position);
    cursor = (cursor + chain.length) % count;
  }
  const even = (index: number) => Math.floor(rows.length / count) + (index < rows.length % count ? 1 : 0);
  let index = 0;
  for (const chain of chains.values()) {
    if (chain.length > 1) continue;
    while ((batches[index]?.length ?? 0) >= even(index)) index++;
    batches[index]?.push(chain[0] as number);
  }
  return batches.map((batch) => batch.sort((a, b) => a - b).map((position) => rows[position] as T));
}

export function flowKey(row: { fund: string; date: string; source?: string | undefined }): string {
  return `${row.fund}|${row.date}|${row.source ?? ""}`;
}

/** A replay as one file of flows (seeds travel with it and are written with the events). */
export function replayFile(replay: Replay, batchSize: number): FlowsFile {
  const batches = packBatches<ReplayFlow>(replay.rows, flowKey, batchSize);
  return {
    kind: "flows",
    rows: batches.flat(),
    warnings: replay.warnings,
    batches,
    ...(replay.seeds.length > 0 && { seeds: replay.seeds }),
  };
}
