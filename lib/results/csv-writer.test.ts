import { describe, expect, it } from "vitest";
import { toCsv } from "../amc/sandbox/csv";
import { csvLine, csvStream, neutraliseFormula } from "./csv-writer";

const HOSTILE = ['=HYPERLINK("http://evil.example","click")', "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", "\r=1", "=1"];
const PEOPLE = { neutraliseFormulas: true };

describe("the one CSV writer", () => {
  it("quotes only when needed, doubles quotes, and tells NULL from the empty string", () => {
    expect(csvLine(["a", null, "", 'say "hi"', "x,y", "line\nbreak", "cr\r"])).toBe('a,,"","say ""hi""","x,y","line\nbreak","cr\r"\r\n');
  });

  it("streams a header and batches, reading at most one batch ahead of the client", async () => {
    let pulled = 0;
    async function* batches() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield [[String(i), i % 2 ? null : "v"]];
      }
    }
    const reader = csvStream(["n", "v"], batches(), PEOPLE).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("n,v\r\n");
    // The stream reads at most one batch ahead of the client (its high-water mark), never the rest.
    expect(pulled).toBeLessThanOrEqual(1);
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(pulled).toBe(3);
    expect(rest).toBe("0,v\r\n1,\r\n2,v\r\n");
  });

  it("prefixes formula-like cells with ' for people, and leaves numbers and other text alone", () => {
    for (const v of HOSTILE) expect(neutraliseFormula(v)).toBe(`'${v}`);
    for (const v of ["-3.25", "+1e3", "1e5", "-1E-5", "0012", "-.5", "+7", "3.", "plain", "a=b", " =1", ""]) expect(neutraliseFormula(v)).toBe(v);
    // Not numbers, so neutralised: a bare sign, a sign then letters, an expression.
    for (const v of ["-", "+", "-e5", "-1-1", "-3.25 "]) expect(neutraliseFormula(v)).toBe(`'${v}`);
    expect(csvLine(["=1+1", "-3.25", '=HYPERLINK("x")', "\r=1", null, ""], PEOPLE)).toBe(`'=1+1,-3.25,"'=HYPERLINK(""x"")","'\r=1",,""\r\n`);
  });

  it("neutralises the streamed header and rows when asked, and writes them exact when not", async () => {
    async function* batches() {
      yield [HOSTILE, ["-3.25", "0012", "1e5", null, "", "ok", "x"]];
    }
    const text = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
    const header = ["=cmd", "b", "c", "d", "e", "f", "g"];
    const people = await text(csvStream(header, batches(), PEOPLE));
    expect(people.split("\r\n")[0]).toBe("'=cmd,b,c,d,e,f,g");
    expect(people).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")",'@SUM(1),'+cmd|' /C calc'!A0,'-2+3,'\t=1,"'\r=1",'=1\r\n`);
    expect(people).toContain("-3.25,0012,1e5,,\"\",ok,x\r\n");
    const exact = await text(csvStream(header, batches(), { neutraliseFormulas: false }));
    expect(exact.split("\r\n")[0]).toBe("=cmd,b,c,d,e,f,g");
    expect(exact).toContain(`,@SUM(1),+cmd|' /C calc'!A0,-2+3,\t=1,"\r=1",=1\r\n`);
  });

  it("never neutralises the sandbox's AMC-shaped download: our ingest reads it back exact", () => {
    expect(toCsv(["a", "b"], [["=1+1", "-2+3"], ["@x", "\t=1"]])).toBe('a,b\r\n=1+1,-2+3\r\n@x,\t=1\r\n');
  });
});
