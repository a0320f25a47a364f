import { describe, expect, it } from "vitest";
import { formatTable } from "./table.ts";

describe("formatTable", () => {
  it("pads to the widest cell, cuts past the limit with …, and draws the rule", () => {
    const lines = formatTable(
      ["id", "name"],
      [
        ["1", "Wrocław"],
        ["22", "Kędzierzyn-Koźle"],
      ],
      { maxWidth: 10, separator: " │ ", rule: { line: "─", cross: "─┼─" } },
    );
    expect(lines).toEqual(["id │ name", "───┼───────────", "1  │ Wrocław", "22 │ Kędzierzy…"]);
  });

  it("indents every line and leaves no trailing blanks", () => {
    expect(formatTable(["a", "b"], [["x", ""]], { maxWidth: 48, separator: "  ", indent: "  " })).toEqual([
      "  a  b",
      "  x",
    ]);
  });
});
