import { describe, expect, it } from "vitest";
import { csvLine, csvStream } from "./csv-writer";

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
    const reader = csvStream(["n", "v"], batches()).getReader();
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
});
