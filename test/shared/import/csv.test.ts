import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "../../../shared/import/csv.ts";

describe("parseCsv", () => {
  it("reads quotes, escaped quotes, CRLF and quoted line breaks", () => {
    const table = parseCsv('\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n"two\r\nlines",,\r\n\r\n4,5,6');
    expect(table.header).toEqual(["a", "b", "c"]);
    expect(table.rows).toEqual([
      ["1", 'x, "y"', "3"],
      ["two\r\nlines", "", ""],
      ["4", "5", "6"],
    ]);
    expect(table.lines).toEqual([2, 3, 6]);
  });

  it("refuses what it would have to guess at", () => {
    expect(() => parseCsv("a,b\n1,2,3\n")).toThrow(/line 2: 3 cells/);
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(/line 2: a quote inside/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/text after a closing quote/);
    expect(() => parseCsv('a,b\n1,"never closed\n')).toThrow(/never closed/);
    expect(() => parseCsv("")).toThrow(/empty/);
  });

  it("lets a free-text last column keep unquoted commas when asked to", () => {
    const table = parseCsv("id,note\n1,one, two\n", { freeTextLast: ["note"] });
    expect(table.rows).toEqual([["1", "one, two"]]);
    expect(table.joinedLines).toEqual([2]);
  });
});

describe("toCsv", () => {
  it("quotes only where needed, with CRLF line ends", () => {
    expect(
      toCsv([
        ["a", "b"],
        ["x,y", 'say "hi"'],
        ["line\nbreak", ""],
      ]),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it("neutralises formula triggers but keeps plain numbers", () => {
    const row = ["=SUM(A1)", "+1+1", "-2+3", "@cmd", "\tx", "\rx", "-95.10", "+5", "-", "a=b"];
    expect(toCsv([row])).toBe(`'=SUM(A1),'+1+1,'-2+3,'@cmd,'\tx,"'\rx",-95.10,+5,'-,a=b\r\n`);
  });

  it("round-trips through parseCsv", () => {
    const rows = [
      ["fund", "note"],
      ["IBIT", 'a "quoted", multi\r\nline note'],
    ];
    const { header, rows: body } = parseCsv(toCsv(rows));
    expect([header, ...body]).toEqual(rows);
  });
});
