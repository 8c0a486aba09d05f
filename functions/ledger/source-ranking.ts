// An admin's ranking of a subject's sources (a fund's, or an asset's prices'): the order the engine
// picks a fund-day's value in (docs/method.md, "One value per fund-day"). A write like any other: a
// revision, and the protocol's data_version, recompute queue and counts (write-protocol.ts).
import { SOURCE_RANK_KIND } from "./kinds.ts";
import { commitWrite, revisionStatement } from "./write-protocol.ts";

export interface SourceRanking {
  subject: string;
  /** The sources the admin ranks, first wins; the others keep their order after them. */
  sources: readonly string[];
  requestId: string;
  recordedAt: string;
}

/** Ranks the subject's sources; the same ranking again changes nothing (changed false: no revision). */
export async function writeSourceRanking(
  db: D1Database,
  write: SourceRanking,
): Promise<{ ranking: string[]; changed: boolean }> {
  const { subject, sources, requestId } = write;
  const { results } = await db
    .prepare("SELECT source FROM source_ranks WHERE subject = ? ORDER BY rank")
    .bind(subject)
    .all<{ source: string }>();
  const old = results.map((row) => row.source);
  const ranking = [...sources, ...old.filter((source) => !sources.includes(source))];
  if (JSON.stringify(ranking) === JSON.stringify(old)) return { ranking, changed: false };
  const stores = [
    db.prepare("DELETE FROM source_ranks WHERE subject = ?").bind(subject),
    ...ranking.map((source, index) =>
      db
        .prepare("INSERT INTO source_ranks (subject, source, rank) VALUES (?, ?, ?)")
        .bind(subject, source, index + 1),
    ),
    revisionStatement(db, SOURCE_RANK_KIND, {
      subject,
      old,
      new: ranking,
      source: "admin",
      recordedAt: write.recordedAt,
      requestId,
    }),
  ];
  await commitWrite(db, { kind: SOURCE_RANK_KIND, requestId, stores, total: 1 });
  return { ranking, changed: true };
}
