// A tiny stand-in for the aumflow API on 127.0.0.1: it records every request and answers as the
// write endpoints do, including Idempotency-Key replays, unless a test scripts another answer.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  url: string;
  key: string;
  authorization: string;
  body: string;
}

export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Returns a scripted answer, "destroy" to drop the connection, or undefined for the default. */
export type Script = (request: Received, index: number) => Scripted | "destroy" | undefined;

export interface FakeApi {
  url: string;
  received: Received[];
  script: Script;
  close(): Promise<void>;
}

export async function startFakeApi(): Promise<FakeApi> {
  const replays = new Map<string, { body: string; answer: unknown }>();
  const api: FakeApi = { url: "", received: [], script: () => undefined, close: async () => {} };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: Received = {
      method: req.method ?? "",
      url: req.url ?? "",
      key: String(req.headers["idempotency-key"] ?? ""),
      authorization: String(req.headers.authorization ?? ""),
      body: Buffer.concat(chunks).toString("utf8"),
    };
    api.received.push(request);
    const scripted = api.script(request, api.received.length - 1);
    if (scripted === "destroy") return req.socket.destroy();
    if (scripted) return send(res, scripted.status, scripted.body ?? {}, scripted.headers);
    const seen = request.key === "" ? undefined : replays.get(request.key);
    if (seen && seen.body === request.body)
      return send(res, 200, seen.answer, { "idempotent-replayed": "true" });
    if (seen) return send(res, 422, { status: 422, detail: "Idempotency-Key reused with another body" });
    const answer = { inserted: countRows(request.body), restated: 0, unchanged: 0, data_version: 1 };
    if (request.key !== "") replays.set(request.key, { body: request.body, answer });
    send(res, 200, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}

/** Rows in a write body: the length of its one array, or 1 for a fund's PUT. */
export function countRows(body: string): number {
  const rows = Object.values(JSON.parse(body) as Record<string, unknown>).find(Array.isArray);
  return rows ? rows.length : 1;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type, ...headers });
  res.end(JSON.stringify(body));
}
