// Reading the API's answers, or the same answers saved as files (AUMFLOW_EXPORT_DIR), for the site's
// loaders (data.ts, daily.ts): a busy API (503, 429) is waited out, an unreachable one named.
import { readFile } from "node:fs/promises";
import path from "node:path";

/** Reads one document's bytes: the daily rows are kept as the API wrote them (see rowsBytes). */
export type Reader = (document: string) => Promise<Uint8Array>;

export function fromDirectory(dir: string): Reader {
  return async (document) => {
    const file = path.join(dir, `${document}.json`);
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`cannot read ${file} (AUMFLOW_EXPORT_DIR): ${(error as Error).message}`);
    }
  };
}

export function parse(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (error) {
    throw new Error(`${what}: not JSON (${(error as Error).message})`);
  }
}

export function fromApi(api: string): Reader {
  return async (document) => new Uint8Array(await (await get(`${api}/v1/${document}`)).arrayBuffer());
}

export async function getJson(url: string): Promise<unknown> {
  return (await get(url)).json();
}

/**
 * How often a build waits out a busy API: 503 while a large write's figures are being recomputed, 429
 * when rate limited. Each wait is the answer's Retry-After (2 s when it gives none).
 */
const BUSY_RETRIES = 30;

export async function get(url: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: "application/json" } });
    } catch (error) {
      throw new Error(
        `cannot reach ${url}: ${(error as Error).message}. Start the API (npm start) or set AUMFLOW_API / AUMFLOW_EXPORT_DIR.`,
      );
    }
    if ((response.status === 503 || response.status === 429) && attempt < BUSY_RETRIES) {
      const seconds = Number(response.headers.get("retry-after")) || 2;
      await response.body?.cancel();
      console.log(`aumflow: ${url} answered ${response.status}; asking again in ${seconds} s`);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
    return response;
  }
}

export async function forEachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
