// How backup and restore talk to the admin API: one POST, retried while retrying can help, and a
// refusal told as the API's own detail, field by field.

import { setTimeout as delay } from "node:timers/promises";
import { ApiProblem, retryDelayMs } from "../import/http.ts";
import { messageOf } from "../lib/cli.ts";

export interface Client {
  api: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (message: string) => void;
}

/**
 * POSTs to the API and returns the JSON answer. Network failures, 429 and 5xx are retried with backoff
 * (at least the server's Retry-After); any other refusal is thrown as ApiProblem with the API's detail,
 * at once: a 409 here means "not in this state", which waiting does not change.
 */
export async function post<T>(client: Client, pathAndQuery: string, body?: unknown): Promise<T> {
  const fetcher = client.fetch ?? fetch;
  const sleep = client.sleep ?? ((ms: number) => delay(ms));
  const url = `${client.api}${pathAndQuery}`;
  const maxTries = 8;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let retryAfter: string | null = null;
    try {
      const response = await fetcher(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${client.token}`,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      if (response.status !== 429 && response.status < 500) throw problemOf(response.status, text);
      failure = `${response.status} ${response.statusText}`.trim();
      retryAfter = response.headers.get("retry-after");
    } catch (error) {
      if (error instanceof ApiProblem || error instanceof SyntaxError) throw error;
      failure = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= maxTries) throw new Error(`POST ${url} gave up after ${attempt} tries: ${failure}`);
    const wait = retryDelayMs(attempt, retryAfter, Math.random);
    client.onRetry?.(`${failure}; try ${attempt + 1}/${maxTries} in ${(wait / 1000).toFixed(1)}s`);
    await sleep(wait);
  }
}

function problemOf(status: number, text: string): ApiProblem {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; errors?: unknown };
    const errors = Array.isArray(problem.errors)
      ? (problem.errors as { pointer?: string; detail?: string }[])
      : [];
    return new ApiProblem(status, String(problem.detail ?? text), errors);
  } catch {
    return new ApiProblem(status, text.slice(0, 500), []);
  }
}

export function describeFailure(error: unknown): string {
  if (error instanceof ApiProblem) {
    const fields = error.errors.map((field) => `\n  ${field.pointer ?? ""}: ${field.detail ?? ""}`).join("");
    return `${error.status}: ${error.detail}${fields}`;
  }
  return messageOf(error);
}
