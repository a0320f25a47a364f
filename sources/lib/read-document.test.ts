import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../registry.ts";
import { hasControlCharacters } from "./control-characters.ts";
import { decodeDocument, readDocumentText } from "./read-document.ts";

const report = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const JAWORZNO = report("jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt");
const KEDZIERZYN = report("kedzierzyn-kozle/documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt");

/** Every figure with its line and quote, as the warehouse would store it. */
const figures = (text: string) =>
  extractDocument(text, "raport.txt")
    .observations.map(
      (o) =>
        `${o.line} ${o.period_id} ${o.metric_id} ${o.breakdown ?? ""} = ${o.value} [${o.flags}] ${o.quote}`,
    )
    .sort();

/** Replace one exact piece of a report, which must be there once. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from), from).toHaveLength(2);
  return text.replace(from, to);
}

/**
 * Issue 10: the Jaworzno report with three NUL bytes inserted into figures was taken with figures
 * missing or wrong ("1\0 189" read as 189) and replaced the clean one.
 */
const jaworznoWithNuls = () =>
  edit(
    edit(
      edit(JAWORZNO, "karty rozpoznania  491", "karty rozpoznania  4\u000091"),
      "w środowisku rodzinnym 1 189",
      "w środowisku rodzinnym 1\u0000 189",
    ),
    "w środowisku rodzinnym 3 418",
    "w środowisku rodzinnym 3 4\u000018",
  );

describe("control characters in a report's text", () => {
  it("NUL bytes inside three figures: every figure is read as in the clean report, at its line, with its quote", async () => {
    const text = await readDocumentText(Buffer.from(jaworznoWithNuls(), "utf8"), "jaworzno.txt");
    expect(figures(text)).toEqual(figures(JAWORZNO));
    expect(hasControlCharacters(text)).toBe(false);
  });

  it("says what was removed and which lines to check", async () => {
    const { warnings } = await decodeDocument(Buffer.from(jaworznoWithNuls(), "utf8"), "jaworzno.txt");
    const lines = ["karty rozpoznania  491", "rodzinnym 1 189", "rodzinnym 3 418"].map(
      (l) => JAWORZNO.split("\n").findIndex((line) => line.includes(l)) + 1,
    );
    expect(warnings).toEqual([
      `Usunięto znaki sterujące z wierszy ${lines.join(", ")}: porównaj liczby w tych wierszach z oryginałem — removed control characters (3 × NUL) from lines ${lines.join(", ")}; check the figures on those lines against the original`,
    ]);
  });

  it("terminal escape sequences in a report's line never reach a quote", async () => {
    const line = KEDZIERZYN.split("\n").find((l) => l.includes("74 rodziny")) as string;
    expect(line).toBeDefined();
    const coloured = line.replace("74 rodziny", "\u001b[1;31m74\u001b[0m rodziny\u001b]0;x\u0007");
    const { text, warnings } = await decodeDocument(
      Buffer.from(edit(KEDZIERZYN, line, coloured), "utf8"),
      "kk.txt",
    );
    expect(figures(text)).toEqual(figures(KEDZIERZYN));
    expect(hasControlCharacters(text)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Usunięto znaki sterujące z wiersza \d+: .* — removed control characters \(3 × terminal escape sequence\) from line \d+;/,
    );
  });

  it("a clean report: its text as it is, no warning", async () => {
    const { text, warnings } = await decodeDocument(Buffer.from(JAWORZNO, "utf8"), "jaworzno.txt");
    expect(text).toBe(JAWORZNO);
    expect(warnings).toEqual([]);
  });

  it("more control characters than a damaged copy carries: binary, rejected", async () => {
    const many = JAWORZNO.replace(/ /g, "\u0000");
    await expect(decodeDocument(Buffer.from(many, "utf8"), "jaworzno.txt")).rejects.toThrow(
      "jaworzno.txt: Plik jest binarny, nie jest tekstem: podaj sprawozdanie jako PDF albo plik tekstowy — the file is binary, not a text report",
    );
  });
});
