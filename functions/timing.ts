// Server-Timing (W3C) on the write and settle answers: where a request spent its time (the ledger
// write, fund recomputes, group sums, the summary), so a bulk load can be profiled from the client.
// In production a Worker's clock only moves across I/O, which is exactly what these spans wait on.

export class Timings {
  readonly spans = new Map<string, number>();

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.spans.set(name, (this.spans.get(name) ?? 0) + Date.now() - started);
    }
  }

  header(): string {
    return [...this.spans].map(([name, ms]) => `${name};dur=${ms}`).join(", ");
  }
}
