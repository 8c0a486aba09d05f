// Sends one write to the API, retrying what is worth retrying. Every write carries an
// Idempotency-Key, so a retry after a lost response can never store a batch twice.

export interface WriteRequest {
  method: "POST" | "PUT" | "GET";
  url: string;
  token: string;
  /** Absent for a read. */
  body?: string;
  /** Absent for dry runs, which store nothing and so have nothing to deduplicate. */
  idempotencyKey?: string;
}

export interface RetryOptions {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1), for jitter; injectable so tests are deterministic. */
  random: () => number;
  onRetry?: (message: string) => void;
  maxTries?: number;
  timeoutMs?: number;
}

export interface ProblemField {
  pointer?: string;
  detail?: string;
}

/** A 4xx answer that retrying cannot fix: the request itself is wrong (RFC 9457 problem details). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ProblemField[];

  constructor(status: number, detail: string, errors: ProblemField[]) {
    super(`${status}: ${detail}`);
    this.name = "ApiProblem";
    this.status = status;
    this.detail = detail;
    this.errors = errors;
  }
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

export interface Answer {
  body: unknown;
  /** The API replayed an earlier answer to the same Idempotency-Key: nothing was written now. */
  replayed: boolean;
}

/**
 * Sends the request; returns the parsed JSON body of the first 2xx answer. Reads go through here too:
 * a read answers 503 with Retry-After while a deferred recompute is still being settled.
 */
export async function sendWithRetry(request: WriteRequest, options: RetryOptions): Promise<Answer> {
  const maxTries = options.maxTries ?? 6;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let retryAfter: string | null = null;
    try {
      const response = await options.fetch(request.url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${request.token}`,
          ...(request.body !== undefined && { "content-type": "application/json" }),
          ...(request.idempotencyKey && { "idempotency-key": request.idempotencyKey }),
        },
        ...(request.body !== undefined && { body: request.body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
      });
      const text = await response.text();
      if (response.ok) {
        const replayed = response.headers.get("idempotent-replayed") === "true";
        return { body: text === "" ? {} : JSON.parse(text), replayed };
      }
      if (!isRetryable(response.status)) throw toProblem(response.status, response.statusText, text);
      failure = `${response.status} ${response.statusText}`.trim();
      retryAfter = response.headers.get("retry-after");
    } catch (error) {
      if (error instanceof ApiProblem || error instanceof SyntaxError) throw error;
      // fetch rejects on refused connections, resets and our own timeout: all worth another try.
      failure = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= maxTries)
      throw new Error(`${request.method} ${request.url} gave up after ${attempt} tries: ${failure}`);
    const delay = retryDelayMs(attempt, retryAfter, options.random);
    options.onRetry?.(`${failure}; try ${attempt + 1}/${maxTries} in ${(delay / 1000).toFixed(1)}s`);
    await options.sleep(delay);
  }
}

/**
 * 429 and 5xx are the server asking for patience. 409 is retried too: the API answers it only
 * while an earlier request with the same Idempotency-Key is still running, such as one whose
 * response was lost to a timeout, so waiting and replaying returns that request's answer.
 */
function isRetryable(status: number): boolean {
  return status === 429 || status === 409 || status >= 500;
}

/**
 * Exponential backoff with jitter, never shorter than the server's Retry-After (seconds or an
 * HTTP date). Taking the longer of the two matters for 409: the API says "Retry-After: 1" while
 * an abandoned request's lease (15 s) runs out, and six one-second tries would give up too soon.
 * The base of 1 s gives five waits of 15 to 31 s in all.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  // "Equal jitter": at least half the ceiling, so clients that failed together spread out.
  const backoff = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(backoff, retryAfterMs(retryAfter));
}

function retryAfterMs(header: string | null): number {
  const text = header?.trim() ?? "";
  if (text === "") return 0;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}

function toProblem(status: number, statusText: string, text: string): ApiProblem {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; title?: unknown; errors?: unknown };
    const detail = String(problem.detail ?? problem.title ?? statusText);
    const errors = Array.isArray(problem.errors) ? (problem.errors as ProblemField[]) : [];
    return new ApiProblem(status, detail, errors);
  } catch {
    return new ApiProblem(status, text.slice(0, 500) || statusText, []);
  }
}
