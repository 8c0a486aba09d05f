// Access control: every endpoint against every kind of caller, with the exact status expected. Refused
// callers change nothing; no token ever leaves the Worker in a response or a log line, and only
// SHA-256 hashes of tokens are stored.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../../functions/auth.ts";
import { ADMIN, call, FUND, freshTicker, json, putFund } from "../helpers/api.ts";
import { ALL_SCOPES, checkProblem, createToken, storageChecksum } from "../helpers/security.ts";

type Scope = "flows:write" | "prices:write" | "holdings:write" | "funds:write" | "events:write" | "admin";

interface Endpoint {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  scope: Scope;
  /** A token limited to other funds is refused (403): the rows name a fund. */
  namesFund: boolean;
  ok: number;
}

interface Caller {
  kind: string;
  /** The Authorization header; null sends none. */
  authorization: string | null;
}

const mine = freshTicker("M");
const peer = freshTicker("N");
const other = freshTicker("O");
const secrets: string[] = [ADMIN];
let callers: Caller[] = [];
let victims: string[] = [];

/** Live tokens for DELETE /v1/tokens/{id} to aim at: refused callers aim at the first and must leave it live. */
async function makeVictims(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { id, token } = await createToken(["flows:write"]);
    secrets.push(token);
    victims.push(id);
  }
}
let revoking = false;
const victim = () => (revoking ? victims.pop() : victims[0]);

const WRITES: Endpoint[] = [
  {
    name: "PUT /v1/funds/{ticker}",
    method: "PUT",
    path: () => `/v1/funds/${mine}`,
    body: () => FUND,
    scope: "funds:write",
    namesFund: true,
    ok: 200,
  },
  {
    name: "POST /v1/prices",
    method: "POST",
    path: () => "/v1/prices",
    body: () => ({ prices: [{ asset: "BTC", date: "2024-01-11", close_usd: "46000.5" }] }),
    scope: "prices:write",
    namesFund: false,
    ok: 200,
  },
  {
    name: "POST /v1/flows",
    method: "POST",
    path: () => "/v1/flows",
    body: () => ({ flows: [{ fund: mine, date: "2024-01-11", net_flow_usd: "100.00" }] }),
    scope: "flows:write",
    namesFund: true,
    ok: 200,
  },
  {
    name: "POST /v1/holdings",
    method: "POST",
    path: () => "/v1/holdings",
    body: () => ({ holdings: [{ fund: mine, date: "2024-01-11", units: "10" }] }),
    scope: "holdings:write",
    namesFund: true,
    ok: 200,
  },
  {
    name: "POST /v1/events",
    method: "POST",
    path: () => "/v1/events",
    body: () => ({
      events: [{ type: "transfer", date: "2024-01-12", from_fund: mine, to_fund: peer, units: "1" }],
    }),
    scope: "events:write",
    namesFund: true,
    ok: 200,
  },
  {
    name: "POST /v1/tokens",
    method: "POST",
    path: () => "/v1/tokens",
    body: () => ({ name: `made-${freshTicker()}`, scopes: ["flows:write"] }),
    scope: "admin",
    namesFund: false,
    ok: 201,
  },
  {
    name: "DELETE /v1/tokens/{id}",
    method: "DELETE",
    path: () => `/v1/tokens/${victim()}`,
    scope: "admin",
    namesFund: false,
    ok: 200,
  },
  {
    name: "PUT /v1/sources/{subject}",
    method: "PUT",
    path: () => `/v1/sources/${mine}`,
    body: () => ({ sources: ["admin"] }),
    scope: "admin",
    namesFund: false,
    ok: 200,
  },
  {
    name: "POST /v1/admin/recompute",
    method: "POST",
    path: () => "/v1/admin/recompute",
    scope: "admin",
    namesFund: false,
    ok: 200,
  },
  {
    name: "POST /v1/admin/settle",
    method: "POST",
    path: () => "/v1/admin/settle",
    scope: "admin",
    namesFund: false,
    ok: 200,
  },
];

const READS = [
  "/v1/health",
  "/v1/funds",
  `/v1/funds/${mine}`,
  `/v1/funds/${mine}/daily?from=2024-01-10&to=2024-01-20`,
  "/v1/aggregate?by=total",
  `/v1/flows?fund=${mine}`,
  "/v1/revisions",
  "/v1/summary",
  "/v1/export",
  "/v1/openapi.json",
  "/v1/docs",
];

/** The status a caller must get from a write endpoint. */
function expected(caller: Caller, endpoint: Endpoint): number {
  switch (caller.kind) {
    case "no header":
    case "not bearer":
    case "empty bearer":
    case "unknown token":
    case "revoked token":
      return 401;
    case "admin":
      return endpoint.ok;
    case "lacks the scope":
      return 403;
    case "limited to another fund":
      return endpoint.scope === "admin" || endpoint.namesFund ? 403 : endpoint.ok;
    case "limited to this fund":
      return endpoint.scope === "admin" ? 403 : endpoint.ok;
    default:
      throw new Error(caller.kind);
  }
}

/** Every scope but the endpoint's own (all scopes for admin routes). */
const withoutScope = new Map<Scope, string>();

const logged: string[] = [];
const spies: { mockRestore(): void }[] = [];

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[level].bind(console);
    spies.push(
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
        original(...args);
      }),
    );
  }
  await putFund(mine);
  await putFund(peer);
  await putFund(other);
  const revoked = await createToken();
  expect((await json(`/v1/tokens/${revoked.id}`, { method: "DELETE" })).status).toBe(200);
  const otherFund = await createToken(ALL_SCOPES, [other]);
  const thisFund = await createToken(ALL_SCOPES, [mine, peer]);
  for (const scope of [...ALL_SCOPES, "admin"] as Scope[]) {
    const made = await createToken(ALL_SCOPES.filter((candidate) => candidate !== scope));
    withoutScope.set(scope, made.token);
    secrets.push(made.token);
  }
  secrets.push(revoked.token, otherFund.token, thisFund.token);
  callers = [
    { kind: "no header", authorization: null },
    { kind: "not bearer", authorization: `Basic ${btoa(`admin:${ADMIN}`)}` },
    { kind: "empty bearer", authorization: "Bearer " },
    { kind: "unknown token", authorization: "Bearer af_0000000000000000000000000000000000000000000" },
    { kind: "revoked token", authorization: `Bearer ${revoked.token}` },
    { kind: "lacks the scope", authorization: "(per endpoint)" },
    { kind: "limited to another fund", authorization: `Bearer ${otherFund.token}` },
    { kind: "limited to this fund", authorization: `Bearer ${thisFund.token}` },
    { kind: "admin", authorization: `Bearer ${ADMIN}` },
  ];
  victims = [];
  await makeVictims(3);
});

afterAll(() => {
  for (const spy of spies) spy.mockRestore();
});

async function send(
  endpoint: Endpoint,
  caller: Caller,
): Promise<{ status: number; text: string; headers: Headers }> {
  const authorization =
    caller.kind === "lacks the scope" ? `Bearer ${withoutScope.get(endpoint.scope)}` : caller.authorization;
  const headers: Record<string, string> = {};
  if (authorization !== null) headers.authorization = authorization;
  const body = endpoint.body?.();
  const response = await call(endpoint.path(), {
    method: endpoint.method,
    token: null,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** No secret in a response, except the one token POST /v1/tokens hands out once. */
function expectNoSecret(text: string, headers: Headers, handedOut?: string) {
  const visible = `${text}\n${[...headers.entries()].map(([name, value]) => `${name}: ${value}`).join("\n")}`;
  for (const secret of secrets) if (secret !== handedOut) expect(visible).not.toContain(secret);
}

describe("access control matrix", () => {
  it("refuses every write to callers without the right token, with the exact status, changing nothing", async () => {
    const before = await storageChecksum();
    const cells: string[] = [];
    for (const endpoint of WRITES) {
      for (const caller of callers) {
        const status = expected(caller, endpoint);
        if (status < 400) continue;
        const response = await send(endpoint, caller);
        cells.push(`${endpoint.name} as ${caller.kind}: ${response.status}`);
        expect(response.status, `${endpoint.name} as ${caller.kind}: ${response.text}`).toBe(status);
        checkProblem(response.status, response.headers.get("content-type"), response.text);
        if (status === 401) expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
        expectNoSecret(response.text, response.headers);
      }
    }
    expect(cells.length).toBe(74);
    expect(await storageChecksum()).toBe(before);
    const live = await env.DB.prepare("SELECT revoked_at FROM api_tokens WHERE id = ?")
      .bind(victims[0])
      .first<{ revoked_at: string | null }>();
    expect(live).toEqual({ revoked_at: null });
  });

  it("lets every caller with the right token write, with the exact status", async () => {
    revoking = true;
    for (const endpoint of WRITES) {
      for (const caller of callers) {
        const status = expected(caller, endpoint);
        if (status >= 400) continue;
        const response = await send(endpoint, caller);
        expect(response.status, `${endpoint.name} as ${caller.kind}: ${response.text}`).toBe(status);
        const handedOut = status === 201 ? (JSON.parse(response.text) as { token: string }).token : undefined;
        expectNoSecret(response.text, response.headers, handedOut);
        if (handedOut) secrets.push(handedOut);
      }
    }
  });

  it("serves every read to every caller, whatever token it sends", async () => {
    for (const path of READS) {
      for (const caller of callers) {
        const headers: Record<string, string> =
          caller.authorization === null ? {} : { authorization: caller.authorization };
        const response = await call(path, { token: null, headers });
        const text = await response.text();
        expect(response.status, `${path} as ${caller.kind}: ${text.slice(0, 300)}`).toBe(200);
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
        expectNoSecret(text, response.headers);
      }
    }
  });

  it("stores tokens only as SHA-256 hashes and never writes one to a log line", async () => {
    const { results: tokens } = await env.DB.prepare("SELECT token_hash FROM api_tokens").all<{
      token_hash: string;
    }>();
    const hashes = new Set(tokens.map((row) => row.token_hash));
    for (const secret of secrets.filter((secret) => secret !== ADMIN))
      expect(hashes.has(await sha256Hex(secret)), "each provider token is stored by its hash").toBe(true);
    const { results: tables } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    for (const { name } of tables) {
      const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
      for (const secret of secrets) expect(dump, `table ${name}`).not.toContain(secret);
    }
    const kv = await env.KV.list();
    for (const key of kv.keys) {
      const value = (await env.KV.get(key.name)) ?? "";
      for (const secret of secrets) expect(`${key.name} ${value}`).not.toContain(secret);
    }
    for (const line of logged) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
