// A small closed-loop load generator: N keep-alive connections, each sending its next GET as soon as
// the previous answer is read, for a fixed time. Latencies are kept whole, so p50 and p99 are exact.
// (autocannon would do; this keeps the bench free of another dependency.)
import http from "node:http";

export interface LoadResult {
  path: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 200, and failed connections. */
  errors: number;
  bytesPerAnswer: number;
}

function get(agent: http.Agent, url: URL): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    // As browsers and `curl --compressed` do; bytes are counted as sent, compressed or not.
    const request = http.get(url, { agent, headers: { "accept-encoding": "gzip, br" } }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number;
}

export async function runLoad(
  base: string,
  path: string,
  options: { connections: number; seconds: number; warmupRequests?: number },
): Promise<LoadResult> {
  const url = new URL(path, base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  try {
    for (let i = 0; i < (options.warmupRequests ?? 50); i++) await get(agent, url);
    const latencies: number[] = [];
    let errors = 0;
    let bytes = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const connection = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          const answer = await get(agent, url);
          if (answer.status !== 200) errors += 1;
          bytes += answer.bytes;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - sent);
      }
    };
    await Promise.all(Array.from({ length: options.connections }, connection));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      path,
      connections: options.connections,
      seconds,
      requests: latencies.length,
      requestsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      errors,
      bytesPerAnswer: latencies.length === 0 ? 0 : Math.round(bytes / latencies.length),
    };
  } finally {
    agent.destroy();
  }
}
