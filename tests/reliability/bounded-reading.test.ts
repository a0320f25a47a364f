/**
 * Issue 10, items 4 and 7, through `npm run ingest` as a user runs it:
 *
 * - a decompression bomb (a 0.7 MB PDF inflating to 200 MB of text; the service reached 9.6 GB on
 *   one) is rejected with one line naming the file and the reason, while the command and everything
 *   it starts stay under a memory bound, and the published warehouse is byte for byte as it was;
 * - the Jaworzno report with NUL bytes inserted into three figures (taken with figures missing or
 *   wrong, replacing the clean one) gives every figure of the clean report, at the same lines with
 *   the same quotes, and the command says which lines it cleaned; no stored quote carries a control
 *   character, and terminal escape sequences in a report's line do not reach a quote either.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasControlCharacters } from "../../sources/lib/control-characters.ts";
import { freshDataDir, npmRunWatched, sqlJson } from "../helpers/cli.ts";
import { pdfBomb } from "../helpers/pdf.ts";
import {
  BUNDLED,
  bundledText,
  disposeDataDirs,
  documentIdOfFile,
  filesUnder,
  hashFile,
  npmRunAsync,
  ROOT,
  refreshedDataDir,
} from "./helpers.ts";

/** The command and all it starts (npm, tsx, the CLI, its Postgres, the PDF reader) together. */
const MEMORY_BOUND_MB = 1536;

interface Figure {
  document_id: string;
  period_id: string;
  metric_id: string;
  breakdown: string | null;
  value: number | null;
  line: number;
  quote: string;
}

const FIGURES = `select document_id, period_id, metric_id, breakdown, value, line, quote
  from marts.observation_history`;
const show = (f: Figure) =>
  `${f.line} ${f.period_id} ${f.metric_id} ${f.breakdown ?? ""} = ${f.value} ${f.quote}`;

/** Replace one exact piece of a report, which must be there once. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from), from).toHaveLength(2);
  return text.replace(from, to);
}

describe("hostile inputs through npm run ingest: bounded, and never fewer figures silently", () => {
  const dirs: string[] = [];
  let data: string;
  let userDir: string;

  beforeAll(() => {
    data = refreshedDataDir("obs-bounded-");
    userDir = freshDataDir("obs-bounded-user-");
    dirs.push(data, userDir);
  });
  afterAll(() => disposeDataDirs(dirs));

  it("rejects a decompression bomb PDF within a memory bound, the warehouse unchanged", async () => {
    const bomb = join(userDir, "bomba.pdf");
    writeFileSync(bomb, pdfBomb(200));
    const published = join(data, "warehouse", "published.duckdb");
    const before = hashFile(published);
    const stored = filesUnder(join(data, "documents"));
    // The bound is the test's own guard too: a reader without bounds is killed there, not by the OOM killer.
    const r = await npmRunWatched("ingest", [bomb], data, { maxMemoryMb: MEMORY_BOUND_MB, maxSeconds: 240 });
    expect(r.killed, `killed: ${r.killed} (peak ${r.peakMemoryMb} MB)\n${r.stderr}`).toBeNull();
    expect(r.peakMemoryMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("✗ rejected "));
    expect(lines).toEqual([
      "✗ rejected bomba.pdf: PDF po rozpakowaniu byłby wielokrotnie większy niż jakiekolwiek sprawozdanie (bomba dekompresyjna?) i nie był czytany: sprawdź, czy to właściwy plik, albo wyeksportuj go ponownie — its compressed streams inflate to more than 128 MB, far more than any report (a decompression bomb); it was not read",
    ]);
    expect(r.stderr, "no stack trace").not.toMatch(/^\s+at |node:internal|Error: /m);
    expect(hashFile(published), "the published warehouse, byte for byte").toBe(before);
    expect(filesUnder(join(data, "documents")), "nothing stored").toEqual(stored);
    const kept = readdirSync(join(data, "quarantine")).filter((f) => f.startsWith("bomba"));
    expect(kept.sort()).toEqual(["bomba.pdf", "bomba.pdf.error.txt"]);
    expect(readFileSync(join(data, "quarantine", "bomba.pdf.error.txt"), "utf8")).toMatch(
      /decompression bomb/,
    );
  }, 300_000); // past the watch's own time guard: a reader without bounds is killed by it and fails here

  it("the Jaworzno report with NUL bytes inside three figures gives every figure of the clean one, and says where it cleaned", async () => {
    const clean = bundledText("jaworzno");
    const damaged = [
      ["karty rozpoznania  491", "karty rozpoznania  4\u000091"],
      ["w środowisku rodzinnym 1 189", "w środowisku rodzinnym 1\u0000 189"],
      ["w środowisku rodzinnym 3 418", "w środowisku rodzinnym 3 4\u000018"],
    ].reduce((text, [from, to]) => edit(text, from as string, to as string), clean);
    const path = join(userDir, "jaworzno-nul.txt");
    writeFileSync(path, damaged);
    const r = await npmRunAsync("ingest", [path], data);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^✓ stored jaworzno-nul\.txt: jaworzno\/sprawozdanie-gpwr 2023 \(\d+ figures/m);
    expect(r.stderr).toMatch(/Published \d+ figures/);

    // Every figure of the clean report, at its line, with its quote: none missing, none another value.
    const figures = sqlJson<Figure>(data, FIGURES);
    const mine = figures.filter((f) => f.document_id === documentIdOfFile(path));
    const theirs = figures.filter((f) => f.document_id === documentIdOfFile(join(ROOT, BUNDLED.jaworzno)));
    expect(theirs.length).toBeGreaterThan(0);
    expect(mine.map(show).sort()).toEqual(theirs.map(show).sort());
    expect(figures.filter((f) => hasControlCharacters(f.quote)).map(show)).toEqual([]);
    // And the person who gave it is told which lines were cleaned.
    const lines = ["karty rozpoznania  491", "rodzinnym 1 189", "rodzinnym 3 418"].map(
      (l) => clean.split("\n").findIndex((line) => line.includes(l)) + 1,
    );
    expect(r.stderr).toContain(
      `  ! warning: Usunięto znaki sterujące z wierszy ${lines.join(", ")}: porównaj liczby w tych wierszach z oryginałem — removed control characters (3 × NUL) from lines ${lines.join(", ")}; check the figures on those lines against the original\n`,
    );
  });

  it("terminal escape sequences in a report's line do not reach the stored quotes", async () => {
    const clean = bundledText("kedzierzyn");
    const line = clean.split("\n").find((l) => l.includes("74 rodziny")) as string;
    const path = join(userDir, "kedzierzyn-esc.txt");
    writeFileSync(path, edit(clean, line, line.replace("74 rodziny", "\u001b[1;31m74\u001b[0m rodziny")));
    const r = await npmRunAsync("ingest", [path], data);
    expect(r.status, r.stderr).toBe(0);
    const figures = sqlJson<Figure>(data, FIGURES);
    const mine = figures.filter((f) => f.document_id === documentIdOfFile(path));
    const theirs = figures.filter((f) => f.document_id === documentIdOfFile(join(ROOT, BUNDLED.kedzierzyn)));
    expect(mine.map(show).sort()).toEqual(theirs.map(show).sort());
    expect(figures.filter((f) => hasControlCharacters(f.quote)).map(show)).toEqual([]);
    expect(r.stderr).toMatch(
      /^ {2}! warning: Usunięto znaki sterujące z wiersza \d+: .* — removed control characters \(2 × terminal escape sequence\)/m,
    );
  });
});
