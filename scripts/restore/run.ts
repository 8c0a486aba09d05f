// The restore as a function: the file checked whole (verify.ts), the target refused unless it is empty
// at the backup's migration level, the rows sent in numbered batches that the API stores exactly once
// (a restore that stopped resumes at the first batch not stored), then the derived figures recomputed.

import { setTimeout as delay } from "node:timers/promises";
import type { Cell, Manifest } from "../../shared/backup.ts";
import { type Client, describeFailure, post } from "../backup/client.ts";
import type { Header } from "../backup/header.ts";
import { createProgress, type OutputStream } from "../import/progress.ts";
import { SETTLE_FUNDS_PER_CALL } from "../import/run.ts";
import { BatchPlan } from "./batches.ts";
import { scan } from "./read.ts";
import { verifyBackup } from "./verify.ts";

export interface RestoreOptions extends Client {
  file: string;
  /** Only read and check the file; write nothing (no API needed). */
  check?: boolean;
  stderr?: OutputStream;
}

export interface RestoreReport {
  file: string;
  header: Header;
  batches: number;
  /** Batches found stored already (a resumed restore). */
  skipped: number;
  checkedOnly: boolean;
  dataVersion?: number;
  funds?: number;
  settleCalls?: number;
}

interface SentBatch {
  seq: number;
  table: string;
  /** Rows of the table before this batch, and in it. */
  offset: number;
  rows: Cell[][];
}

/** Thrown when the restore stops part way: says what is stored and how to go on. */
export class RestoreStopped extends Error {}

const HOW_TO_GET_AN_EMPTY_DATABASE =
  "Restore only into an empty database: in production a new D1 database with the migrations applied " +
  "(wrangler d1 create, wrangler d1 migrations apply --remote, bound to the Worker); locally a product " +
  "started on fresh state with no data loaded (move .wrangler/state aside, then AUMFLOW_DATA=none npm start).";

export async function runRestore(options: RestoreOptions): Promise<RestoreReport> {
  const stderr = options.stderr ?? process.stderr;
  const verified = await verifyBackup(options.file);
  const { header } = verified;
  stderr.write(
    `restore: ${options.file} checked: ${verified.rows} rows in ${header.tables.length} tables, ` +
      `data_version ${header.data_version}, migration ${header.migration}, both checksums hold\n`,
  );
  const base = { file: options.file, header, batches: verified.batches, skipped: 0 };
  if (options.check) return { ...base, checkedOnly: true };

  refuseUnlessEmpty(options, header, await post<Manifest>(options, "/v1/admin/backup"));
  const counts = Object.fromEntries(header.tables.map((table) => [table.name, table.rows]));
  const begun = await post<{ restore: string; next: number; batches: number; resumed: boolean }>(
    options,
    "/v1/admin/restore/begin",
    {
      sha256: header.sha256,
      migrations: header.migrations,
      data_version: header.data_version,
      counts,
      batches: verified.batches,
    },
  );
  if (begun.resumed) stderr.write(`restore: resuming at batch ${begun.next} of ${begun.batches}\n`);

  const progress = createProgress(stderr, verified.batches, verified.rows);
  options.onRetry = (message) => progress.note(`retrying: ${message}`);
  const stored: SentBatch[] = [];
  let skipped = 0;
  const send = async (batch: SentBatch) => {
    if (batch.seq < begun.next) {
      skipped += 1;
      stored.push({ ...batch, rows: [] });
      progress.advance(batch.rows.length);
      return;
    }
    try {
      await post(options, "/v1/admin/restore/batch", {
        restore: begun.restore,
        seq: batch.seq,
        table: batch.table,
        columns: header.tables.find((table) => table.name === batch.table)?.columns,
        rows: batch.rows,
      });
    } catch (error) {
      progress.finish();
      throw new RestoreStopped(stoppedMessage(options, header, verified.batches, stored, batch, error));
    }
    stored.push({ ...batch, rows: [] });
    progress.advance(batch.rows.length);
  };

  const plan = new BatchPlan();
  let table = "";
  let offset = 0;
  let current: SentBatch | null = null;
  const second = await scan(
    options.file,
    () => undefined,
    async (line, bytes) => {
      const value = JSON.parse(line) as Cell[] | { table: string };
      if (!Array.isArray(value)) {
        table = value.table;
        offset = 0;
        return;
      }
      if (plan.add(table, bytes)) {
        if (current) await send(current);
        current = { seq: plan.count - 1, table, offset, rows: [] };
      }
      current?.rows.push(value);
      offset += 1;
    },
  );
  if (current) await send(current);
  progress.finish();
  if (second.sha256 !== header.content_sha256) {
    throw new RestoreStopped(
      `${options.file} changed while it was being restored (its checksum no longer holds): the restore was not ` +
        `finished, and ${options.api} holds a partial one. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
  const finished = await post<{ data_version: number; funds: number }>(options, "/v1/admin/restore/finish", {
    restore: begun.restore,
  });
  stderr.write(`restore: ${verified.rows} rows stored; recomputing ${finished.funds} funds\n`);
  const settleCalls = await settle(options, finished.funds, stderr);
  return {
    ...base,
    skipped,
    checkedOnly: false,
    dataVersion: finished.data_version,
    funds: finished.funds,
    settleCalls,
  };
}

/** Refuses, with nothing written, a target at another migration level, holding data or another restore. */
function refuseUnlessEmpty(options: RestoreOptions, header: Header, target: Manifest): void {
  if (JSON.stringify(target.migrations) !== JSON.stringify(header.migrations)) {
    throw new Error(
      `${options.api} is at migration ${target.migrations.at(-1) ?? "(none)"} (${target.migrations.length} applied), ` +
        `the backup at ${header.migration} (${header.migrations.length}): restore into a database migrated to exactly the backup's level`,
    );
  }
  if (target.restore && target.restore.sha256 !== header.sha256) {
    throw new Error(
      `${options.api} holds another restore in progress (${target.restore.next} of ${target.restore.batches} batches, ` +
        `started ${target.restore.started_at}); nothing was written. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
  if (!target.restore && !target.empty) {
    const filled = target.tables
      .filter((table) => table.rows > 0 && !["meta", "assets"].includes(table.name))
      .map((table) => `${table.name} ${table.rows}`)
      .join(", ");
    throw new Error(
      `${options.api} is not empty (${filled || `data_version ${target.data_version}`}); nothing was written. ${HOW_TO_GET_AN_EMPTY_DATABASE}`,
    );
  }
}

function stoppedMessage(
  options: RestoreOptions,
  header: Header,
  total: number,
  stored: readonly SentBatch[],
  failed: SentBatch,
  error: unknown,
): string {
  const ofTable = header.tables.find((table) => table.name === failed.table)?.rows ?? 0;
  const complete = header.tables
    .slice(
      0,
      header.tables.findIndex((table) => table.name === failed.table),
    )
    .map((table) => table.name);
  const kept =
    stored.length === 0
      ? "No batch is stored"
      : `Batches 0 to ${stored.length - 1} are stored (${complete.join(", ") || "no table"} complete` +
        `${failed.offset > 0 ? `, ${failed.table} up to row ${failed.offset}` : ""})`;
  return (
    `restore stopped at batch ${failed.seq} of ${total} (${failed.table}, rows ${failed.offset + 1}-${failed.offset + failed.rows.length} of ${ofTable}): ` +
    `${describeFailure(error)}\n${kept}; none of batch ${failed.seq}. ${options.api} is not empty now, and its reads ` +
    `show a partial ledger until the restore finishes. Run the same command again to resume at batch ${failed.seq}; ` +
    "if that batch is refused again, restore into a fresh database."
  );
}

/** POST /v1/admin/settle until nothing remains, as the importer's bulk load does. */
async function settle(client: Client, funds: number, stderr: OutputStream): Promise<number> {
  let calls = 0;
  for (;;) {
    calls += 1;
    const { remaining } = await post<{ remaining: number | null }>(
      client,
      `/v1/admin/settle?max_funds=${SETTLE_FUNDS_PER_CALL}`,
    );
    if (remaining === 0) return calls;
    if (remaining === null) await (client.sleep ?? ((ms: number) => delay(ms)))(200);
    else stderr.write(`restore: recomputing, ${remaining} of ${funds} funds left\n`);
  }
}
