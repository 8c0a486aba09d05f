// Pure helpers for comparing the API's answers, shared by the Worker tests (in workerd) and the Node
// tests: nothing here touches a runtime.

/**
 * A fund's days_version says when its rows were last computed, and a restore computes them again:
 * it is the one field that differs, by design.
 */
export function withoutComputeStamps(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body, (key, value) => (key === "days_version" ? undefined : value)));
}

/** A flow's value as a revision (GET /v1/revisions) records it, before or after. */
export const flowValue = (usd: string | null, status: string) => ({ net_flow_usd: usd, units: null, status });
