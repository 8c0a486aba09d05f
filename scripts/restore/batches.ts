// Which rows of a backup travel together to POST /v1/admin/restore/batch. The check of the file and
// the restore itself plan the same batches from the same lines, so the count the restore announces
// before it sends is the count it sends.

/** Rows per batch, and bytes of their JSON: each batch is one request of at most 5 MiB. */
export const BATCH_ROWS = 5000;
export const BATCH_BYTES = 3_000_000;

/** Which rows travel together: at most BATCH_ROWS rows and BATCH_BYTES of one table in a batch. */
export class BatchPlan {
  count = 0;
  private table = "";
  private rows = 0;
  private bytes = 0;
  /** Adds a row; true when it opens a new batch. */
  add(table: string, bytes: number): boolean {
    const opens = table !== this.table || this.rows >= BATCH_ROWS || this.bytes + bytes > BATCH_BYTES;
    if (opens) {
      this.count += 1;
      this.table = table;
      this.rows = 0;
      this.bytes = 0;
    }
    this.rows += 1;
    this.bytes += bytes;
    return opens;
  }
}
