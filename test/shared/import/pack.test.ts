import { describe, expect, it } from "vitest";
import { packBatches } from "../../../shared/import/pack.ts";

const key = (row: string) => row.slice(0, 1);

describe("packBatches", () => {
  it("puts a late, often-changed key in every batch rather than adding batches for it", () => {
    // First-fit in time order would fill the first batch with a1..d1 and need five batches for e.
    const rows = ["a1", "b1", "c1", "d1", "e1", "e2", "e3", "f1"];
    const batches = packBatches(rows, key, 3);
    expect(batches).toHaveLength(3);
    expect(batches.map((batch) => batch.filter((row) => row.startsWith("e")))).toEqual([
      ["e1"],
      ["e2"],
      ["e3"],
    ]);
    expect(batches.flat().sort()).toEqual([...rows].sort());
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(3);
      expect(new Set(batch.map(key)).size).toBe(batch.length);
    }
  });

  it("keeps time order within a batch and copes with nothing and with one row a batch", () => {
    expect(packBatches([], key, 10)).toEqual([]);
    expect(packBatches(["a1", "a2", "b1"], key, 1)).toEqual([["a1"], ["a2"], ["b1"]]);
    expect(packBatches(["b1", "a1", "a2"], key, 10)).toEqual([["b1", "a1"], ["a2"]]);
    expect(() => packBatches(["a1"], key, 0)).toThrow(/batch size/);
  });
});
