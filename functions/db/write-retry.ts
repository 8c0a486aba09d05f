// D1 retries a read-only query itself when it meets a transient error, never a write: a write batch
// that fails on one is retried here, a few times with backoff. Every write path sends its batch through
// batchWithRetry, so the policy lives in one place.
//
// A retry must store once. A batch is one transaction, so a failure before the commit left nothing and
// the batch runs again as it was. A failure after the commit (the connection lost on the way back) left
// everything: a ledger write then says how to tell (`committed`, a read of the revisions its request id
// wrote) and what to read instead of running it again (`instead`, its counts).

/**
 * The D1 errors whose recommended action is "retry the operation"
 * (https://developers.cloudflare.com/d1/observability/debug-d1/#error-list), and the runtime's own
 * "internal error; reference = …" of a failed call. Overload and timeout resets are not among them:
 * they ask the application for less work, not the same work again.
 */
const TRANSIENT = [
  "Network connection lost",
  "storage caused object to be reset",
  "reset because its code was updated",
  "Cannot resolve D1 DB due to transient issue",
  "Can't read from request stream",
  "internal error; reference",
];

export function isTransientD1Error(error: unknown): boolean {
  const messages = [String(error)];
  if (error instanceof Error && error.cause !== undefined) messages.push(String(error.cause));
  return messages.some((message) => TRANSIENT.some((pattern) => message.includes(pattern)));
}

export interface WriteOnce {
  /** A read answering one row with committed = 1 when an earlier attempt of this batch did commit. */
  committed: D1PreparedStatement;
  /** What to read in place of the batch's results when it did. */
  instead: D1PreparedStatement[];
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the first retry; each further one waits twice as long, with jitter. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const WRITE_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The read that tells whether a ledger write of `requestId` committed: its revisions are there. */
export function revisionsOfRequest(db: D1Database, requestId: string): D1PreparedStatement {
  return db
    .prepare("SELECT EXISTS (SELECT 1 FROM revisions WHERE request_id = ?1) AS committed")
    .bind(requestId);
}

/**
 * db.batch(statements), retried on D1's transient errors. With `once`, a retry first asks whether the
 * failed attempt committed after all, and if so reads `once.instead` rather than writing twice.
 */
export async function batchWithRetry<T = unknown>(
  db: D1Database,
  statements: D1PreparedStatement[],
  once?: WriteOnce,
  policy: RetryPolicy = WRITE_RETRY,
): Promise<D1Result<T>[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.batch<T>(statements);
    } catch (error) {
      if (attempt >= policy.attempts || !isTransientD1Error(error)) throw error;
      const ceiling = policy.baseDelayMs * 2 ** (attempt - 1);
      console.warn(
        JSON.stringify({
          level: "warn",
          message: `D1 write failed with a transient error (attempt ${attempt} of ${policy.attempts}); retrying`,
          error: String(error),
        }),
      );
      await policy.sleep(Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
      if (once && (await once.committed.first<{ committed: number }>())?.committed === 1) {
        return db.batch<T>(once.instead);
      }
    }
  }
}
