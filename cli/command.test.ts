import { afterEach, describe, expect, it, vi } from "vitest";
import { forTerminal, progress } from "./command.ts";

/** What the CLI and the service log print of documents and file names reaches a terminal: no raw control characters. */
describe("lines for the terminal", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows ESC sequences and other control characters escaped, keeping line ends", () => {
    expect(forTerminal("Rodziny \u001b[2J\u001b[31m12\u0007\r\nnext")).toBe(
      "Rodziny \\u001b[2J\\u001b[31m12\\u0007\\r\nnext",
    );
    expect(forTerminal("zwykła linia: 12 rodzin")).toBe("zwykła linia: 12 rodzin");
  });

  it("progress (every command's and the service's log) writes no raw ESC", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => {
      written.push(String(s));
      return true;
    });
    progress("✗ rejected raport\u001b]0;przejęty\u0007.txt: wiersz 3: \u001b[8mukryte");
    expect(written.join("")).not.toMatch(/\p{Cc}(?<!\n)/u);
    expect(written.join("")).toBe(
      "✗ rejected raport\\u001b]0;przejęty\\u0007.txt: wiersz 3: \\u001b[8mukryte\n",
    );
  });
});
