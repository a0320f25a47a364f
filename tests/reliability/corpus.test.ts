/**
 * The corpus of bad and awkward inputs (tests/corpus/cases.json), each run through `npm run ingest`
 * as a user runs it. The promise for every rejection: exit 1, one line naming the file and the
 * reason (no stack trace), the file kept in quarantine with its reason, and the published warehouse
 * byte for byte as it was. Encodings real offices produce are decoded and give the same figures; a
 * damaged table is rejected or its unreadable figures are left missing, never taken from a neighbour.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDocumentText } from "../../sources/lib/read-document.ts";
import { printable, safeFileName } from "../../warehouse/quarantine.ts";
import { freshDataDir, sqlJson } from "../helpers/cli.ts";
import {
  type AsyncRunResult,
  copyDataDir,
  disposeDataDirs,
  documentIdOfFile,
  filesUnder,
  hashFile,
  NEXT_YEAR_REPORT,
  npmRunAsync,
  ROOT,
  refreshedDataDir,
} from "./helpers.ts";

interface FigureKey {
  period_id: string;
  metric_id: string;
  breakdown: string | null;
  value?: number;
  orFlagged?: string;
}

interface Case {
  file: string;
  input: string;
  expect: "rejected" | "accepted" | "known" | "damaged" | "usage";
  /** An open extractor bug this case shows; its test is an expected failure until the bug is fixed. */
  knownBug?: string;
  generated?: string;
  of?: string;
  reason?: string;
  args?: string[];
  cwd?: "files";
  shownAs?: string;
  quarantinedAs?: string | null;
  sameAs?: string;
  sameFiguresAs?: string;
  sameQuotes?: boolean;
  figures?: FigureKey[];
  unreadable?: FigureKey[];
  intact?: FigureKey[];
  notDuplicated?: boolean;
  from?: string;
  alone?: boolean;
  /** For an `edited-report`: [from, to] pieces replaced in the sameFiguresAs report, each found once. */
  edits?: [string, string][];
}

interface Figure {
  document_id: string;
  period_id: string;
  metric_id: string;
  breakdown: string | null;
  value: number | null;
  flags: string[];
  line: number;
  quote: string;
  is_current: boolean;
}

const CORPUS = join(ROOT, "tests/corpus");
const FILES = join(CORPUS, "files");
const cases: Case[] = JSON.parse(readFileSync(join(CORPUS, "cases.json"), "utf8")).cases;
const PERSONAL_REPORT = join(
  ROOT,
  "sources/kedzierzyn-kozle/documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt",
);
const NOTE = "Notatka służbowa: spotkanie zespołu, bez żadnych danych liczbowych.\n";

/** Where a case's input is, made at run time when it cannot be committed. */
function materialise(c: Case, userDir: string): string {
  if (!c.generated) return join(FILES, c.file);
  const path = join(userDir, c.file);
  mkdirSync(dirname(path), { recursive: true });
  switch (c.generated) {
    case "backslash-name":
    case "control-chars-name":
      writeFileSync(path, NOTE);
      return path;
    case "dot-dot-path": {
      // a/b/../../przez-kropki.txt: the directories exist, the file sits at the top of userDir.
      mkdirSync(join(userDir, "a", "b"), { recursive: true });
      writeFileSync(join(userDir, "przez-kropki.txt"), NOTE);
      return `${userDir}/${c.file}`;
    }
    case "too-large": {
      const report = readFileSync(PERSONAL_REPORT);
      const copies = Math.ceil((21 * 1024 * 1024) / report.length);
      writeFileSync(path, Buffer.concat(Array.from({ length: copies }, () => report)));
      return path;
    }
    case "symlink-to-secret":
      symlinkSync("/etc/passwd", path);
      return path;
    case "symlink-to-report":
      symlinkSync(PERSONAL_REPORT, path);
      return path;
    case "dangling-symlink":
      symlinkSync(join(userDir, "nie-istnieje.txt"), path);
      return path;
    case "directory":
      mkdirSync(path);
      return path;
    case "fifo":
      execFileSync("mkfifo", [path]);
      return path;
    case "missing":
      return path;
    case "copy-of-bundled":
      copyFileSync(join(ROOT, c.sameAs as string), path);
      return path;
    case "second-name":
      copyFileSync(join(FILES, c.of as string), path);
      return path;
    case "edited-report": {
      let text = readFileSync(join(ROOT, c.sameFiguresAs as string), "utf8");
      for (const [from, to] of c.edits ?? []) {
        if (text.split(from).length !== 2) throw new Error(`${c.file}: "${from}" is not in the report once`);
        text = text.replace(from, to);
      }
      writeFileSync(path, text);
      return path;
    }
    default:
      throw new Error(`unknown generated case ${c.generated}`);
  }
}

const oneLine = (r: AsyncRunResult) => r.stderr.split("\n").filter((l) => l.trim() !== "");
const rejectionLines = (r: AsyncRunResult) => oneLine(r).filter((l) => l.startsWith("✗ rejected "));
const keptIn = (r: AsyncRunResult) =>
  oneLine(r)
    .map((l) => /^\s+kept in (quarantine\/.+)$/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);

/** A command's lines cut at each rejection: one block per file (its rejection, then where it was kept). */
function linesPerFile(r: AsyncRunResult): string[][] {
  const blocks: string[][] = [];
  for (const line of oneLine(r)) {
    if (line.startsWith("✗ rejected ")) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  return blocks;
}

/** The promise a rejection keeps, for one file run on its own. */
function expectRejected(c: Case, r: AsyncRunResult, input: string, data: string) {
  const shown = c.shownAs ?? printable(basename(c.file));
  const what = `${c.file} (${c.input})`;
  expect(r.status, `${what}\n${r.stderr}`).toBe(1);
  expect(r.stdout, what).toBe("");
  const lines = rejectionLines(r);
  expect(lines, `${what}: one rejection line\n${r.stderr}`).toHaveLength(1);
  const line = lines[0] as string;
  // Named by its file name, or by the path as given when there is no file to name.
  const prefix = [`✗ rejected ${shown}: `, `✗ rejected ${printable(input)}: `].find((p) =>
    line.startsWith(p),
  );
  expect(prefix, `${what}: names the file\n${line}`).toBeDefined();
  expect(line.slice((prefix as string).length), what).toMatch(new RegExp(c.reason as string, "i"));
  expect(r.stderr, `${what}: no stack trace`).not.toMatch(/^\s+at |node:internal|Error: |\n\s*\^/m);
  const kept = keptIn(r);
  if (c.quarantinedAs === null) {
    expect(kept, what).toEqual([]);
    return;
  }
  expect(kept, `${what}: kept in quarantine\n${r.stderr}`).toHaveLength(1);
  const keptPath = join(data, kept[0] as string);
  const isCopy = !keptPath.endsWith(".error.txt");
  const errorTxt = isCopy ? `${keptPath}.error.txt` : keptPath;
  expect(existsSync(errorTxt), `${what}: ${errorTxt}`).toBe(true);
  const why = readFileSync(errorTxt, "utf8");
  expect(why, what).toMatch(new RegExp(`^reason: .*(${c.reason})`, "im"));
  if (
    ["symlink-to-secret", "symlink-to-report", "dangling-symlink", "directory", "fifo"].includes(
      c.generated ?? "",
    )
  ) {
    // Only the reason is kept: a link is never followed, a directory or a pipe never read.
    expect(isCopy, what).toBe(false);
    expect(why, what).toMatch(/not copied/);
  } else {
    expect(isCopy, `${what}: a copy of the file itself`).toBe(true);
    expect(hashFile(keptPath), `${what}: the copy is the file as given`).toBe(hashFile(input));
    const name = basename(keptPath);
    if (c.quarantinedAs) expect(name.replace(/-\d+(\.[^.]*)?$/, "$1"), what).toBe(c.quarantinedAs);
    expect(name, `${what}: a safe name`).toBe(safeFileName(name));
  }
}

const key = (f: { period_id: string; metric_id: string; breakdown: string | null }) =>
  `${f.period_id}|${f.metric_id}|${f.breakdown ?? ""}`;

/** A damaged table read: what cannot be read is left missing (or flagged), never filled or shifted. */
async function expectDamageHandled(c: Case, input: string, mine: Figure[], original: Figure[]) {
  for (const u of c.unreadable ?? []) {
    for (const f of mine.filter((m) => key(m) === key(u))) {
      const flagged = f.value === null && (f.flags.includes("missing") || f.flags.includes("ambiguous"));
      const contradiction = u.orFlagged !== undefined && f.flags.includes(u.orFlagged);
      expect(
        flagged || contradiction,
        `${c.file}: ${key(u)} read as ${f.value} [${f.flags}] from "${f.quote}"`,
      ).toBe(true);
    }
  }
  for (const k of c.intact ?? []) {
    expect(
      mine.filter((m) => key(m) === key(k)).map((m) => m.value),
      `${c.file}: ${key(k)}`,
    ).toContain(k.value);
  }
  if (c.notDuplicated) {
    // A row written twice is one figure, not two (beyond what the original already repeats).
    const twice = (fs: Figure[]) => fs.map(key).filter((k, i, all) => all.indexOf(k) !== i);
    const already = new Set(twice(original));
    expect(
      twice(mine).filter((k) => !already.has(k)),
      `${c.file}: a figure read twice`,
    ).toEqual([]);
  }
  const text = (await readDocumentText(readFileSync(input), c.file)).split(/\r\n|\n|\r/);
  for (const f of mine) expect(text[f.line - 1], `${c.file}:${f.line}`).toContain(f.quote);
}

const HISTORY = `select document_id, period_id, metric_id, breakdown, value, flags, line, quote, is_current
  from marts.observation_history`;

describe("the corpus of bad and awkward inputs, through npm run ingest", () => {
  let template: string;
  let userDir: string;
  let inputs: Map<Case, string>;
  const dirs: string[] = [];

  afterAll(() => disposeDataDirs(dirs));

  beforeAll(() => {
    template = refreshedDataDir("obs-corpus-");
    dirs.push(template);
    userDir = freshDataDir("obs-corpus-user-");
    dirs.push(userDir);
    inputs = new Map(cases.map((c) => [c, materialise(c, userDir)]));
  });

  it("has at least 30 inputs, each file committed small", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const committed = new Set(cases.filter((c) => !c.generated).map((c) => c.file));
    for (const f of committed) expect(readFileSync(join(FILES, f)).length, f).toBeLessThan(64 * 1024);
    expect(readdirSync(FILES).filter((f) => !committed.has(f))).toEqual([]);
  });

  it("rejects each bad input with one line, keeps it in quarantine, leaves the warehouse byte for byte", async () => {
    // Three copies of the prepared data dir side by side, one command at a time in each: concurrent
    // commands on one data dir are the concurrency test's subject, not this one's.
    const bad = cases.filter((c) => c.expect === "rejected" || c.expect === "usage");
    const lanes = [0, 1, 2].map((lane) => ({
      data: lane === 0 ? template : copyDataDir(template, "obs-corpus-lane-"),
      cases: bad.filter((_, i) => i % 3 === lane),
    }));
    dirs.push(...lanes.map((l) => l.data));
    const published = (data: string) => join(data, "warehouse", "published.duckdb");
    const before = hashFile(published(template));
    const documentsBefore = filesUnder(join(template, "documents"));
    await Promise.all(
      lanes.map(async ({ data, cases: mine }) => {
        // The files given plainly go through one command per lane, many files as a user may give
        // them; each file's lines (its rejection, where it was kept) are checked as if run alone.
        const together = mine.filter((c) => c.expect === "rejected" && !c.args && !c.cwd);
        if (together.length > 0) {
          const r = await npmRunAsync(
            "ingest",
            together.map((c) => inputs.get(c) as string),
            data,
          );
          const blocks = linesPerFile(r);
          for (const c of together) {
            const input = inputs.get(c) as string;
            const names = [c.shownAs ?? printable(basename(c.file)), printable(input)];
            const mineLines = blocks.filter((b) => names.some((n) => b[0]?.startsWith(`✗ rejected ${n}: `)));
            expect(mineLines, `${c.file}: one rejection\n${r.stderr}`).toHaveLength(1);
            expectRejected(c, { ...r, stderr: `${(mineLines[0] as string[]).join("\n")}\n` }, input, data);
          }
        }
        for (const c of mine.filter((k) => !together.includes(k))) {
          const r = await npmRunAsync("ingest", c.args ?? [inputs.get(c) as string], data, {
            cwd: c.cwd === "files" ? FILES : undefined,
          });
          if (c.expect === "usage") {
            expect(r.status, c.file).toBe(2);
            expect(r.stderr, c.file).toMatch(new RegExp(`^error: .*${c.reason}`, "m"));
            expect(r.stderr, c.file).toMatch(/Usage: npm run ingest/);
          } else expectRejected(c, r, inputs.get(c) as string, data);
        }
      }),
    );
    for (const { data } of lanes) {
      expect(hashFile(published(data)), "the published warehouse, byte for byte").toBe(before);
      expect(filesUnder(join(data, "documents")), "nothing stored").toEqual(documentsBefore);
      for (const f of filesUnder(join(data, "quarantine"))) {
        expect(f, "a safe name in quarantine").toBe(safeFileName(f));
        expect(
          readFileSync(join(data, "quarantine", f), "utf8"),
          "never a copy of what a link points to",
        ).not.toMatch(/^root:.*:0:0:/m);
      }
    }
    expect(existsSync(join(ROOT, "pwned")) || existsSync(join(FILES, "pwned")), "no shell ran the name").toBe(
      false,
    );
  }, 600_000); // a guard against a hang only: about thirty commands run one after another, slower on a busy machine

  it("takes the same report under another name as the one document it is, changing nothing", async () => {
    const data = template;
    const published = join(data, "warehouse", "published.duckdb");
    const before = hashFile(published);
    for (const c of cases.filter((k) => k.expect === "known" && k.sameAs)) {
      const r = await npmRunAsync("ingest", [inputs.get(c) as string], data);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`= already known ${c.file}: .*id ${documentIdOfFile(join(ROOT, c.sameAs as string))}`),
      );
    }
    expect(hashFile(published)).toBe(before);
  });

  describe("inputs that are read: other encodings, damaged tables", () => {
    let data: string;
    let run: AsyncRunResult;
    let figures: Figure[];
    const readable = cases.filter(
      (c) =>
        c.expect === "accepted" || (c.expect === "damaged" && !c.alone) || (c.expect === "known" && c.of),
    );

    beforeAll(async () => {
      data = copyDataDir(template, "obs-corpus-read-");
      dirs.push(data);
      // Most are re-issues of bundled reports, some with fewer figures (a 4-figure PDF, a cut-off
      // table): --replace reads them all; the fewer-figures rule has its own test (ingest-hardening).
      run = await npmRunAsync("ingest", ["--replace", ...readable.map((c) => inputs.get(c) as string)], data);
      expect(run.stderr).toMatch(/Published \d+ figures/);
      expect(run.stdout, "progress goes to stderr, stdout stays clean").toBe("");
      figures = sqlJson<Figure>(data, HISTORY);
    });

    const lineOf = (c: Case) =>
      oneLine(run).find((l) => / (stored|already known|rejected) /.test(l) && l.includes(` ${c.file}: `));
    const figuresOf = (path: string) => figures.filter((f) => f.document_id === documentIdOfFile(path));

    for (const c of readable.filter((k) => k.expect === "accepted")) {
      it(`decodes ${c.file}: ${c.input}`, async () => {
        expect(lineOf(c), run.stderr).toMatch(/^✓ stored /);
        const mine = figuresOf(inputs.get(c) as string);
        expect(mine.length).toBeGreaterThan(0);
        if (c.sameFiguresAs) {
          const show = (f: Figure) =>
            `${key(f)}|${f.value}|${f.flags.join(",")}|line ${f.line}${c.sameQuotes === false ? "" : `|${f.quote}`}`;
          const theirs = figuresOf(join(ROOT, c.sameFiguresAs));
          expect(theirs.length).toBeGreaterThan(0);
          expect(mine.map(show).sort()).toEqual(theirs.map(show).sort());
        }
        for (const f of c.figures ?? []) {
          expect(
            mine.filter((m) => key(m) === key(f)).map((m) => m.value),
            key(f),
          ).toContain(f.value);
        }
        // Every figure stands at its line of the decoded text.
        const text = (await readDocumentText(readFileSync(inputs.get(c) as string), c.file)).split(
          /\r\n|\n|\r/,
        );
        for (const f of mine) expect(text[f.line - 1], `${c.file}:${f.line}`).toContain(f.quote);
      });
    }

    for (const c of readable.filter((k) => k.expect === "known")) {
      it(`takes ${c.file} in the same command as the one document it is`, () => {
        expect(lineOf(c), run.stderr).toMatch(
          new RegExp(`^= already known .*id ${documentIdOfFile(inputs.get(c) as string)}`),
        );
      });
    }

    for (const c of readable.filter((k) => k.expect === "damaged")) {
      // A known extractor bug is an expected failure (it.fails): it turns red the day the bug is fixed.
      (c.knownBug ? it.fails : it)(
        `never fills or shifts a figure it cannot read: ${c.file} (${c.input})`,
        async () => {
          const line = lineOf(c) ?? "";
          if (line.startsWith("✗ rejected")) {
            // Rejected: then the whole promise holds, on its own, in a data dir of its own.
            const alone = copyDataDir(template, "obs-corpus-damaged-");
            dirs.push(alone);
            const before = hashFile(join(alone, "warehouse", "published.duckdb"));
            const r = await npmRunAsync("ingest", [inputs.get(c) as string], alone);
            expectRejected({ ...c, reason: c.reason ?? "." }, r, inputs.get(c) as string, alone);
            expect(hashFile(join(alone, "warehouse", "published.duckdb"))).toBe(before);
            return;
          }
          expect(line, run.stderr).toMatch(/^✓ stored /);
          const input = inputs.get(c) as string;
          await expectDamageHandled(c, input, figuresOf(input), figuresOf(join(ROOT, c.from as string)));
        },
      );
    }
  });

  for (const c of cases.filter((k) => k.alone)) {
    (c.knownBug ? it.fails : it)(
      `takes or rejects ${c.file} without blocking the next report (${c.input})`,
      async () => {
        const data = copyDataDir(template, "obs-corpus-alone-");
        dirs.push(data);
        const published = join(data, "warehouse", "published.duckdb");
        const before = hashFile(published);
        const input = inputs.get(c) as string;
        const r = await npmRunAsync("ingest", [input], data);
        if (rejectionLines(r).length > 0) {
          expectRejected({ ...c, reason: c.reason ?? "." }, r, input, data);
          expect(hashFile(published)).toBe(before);
        } else {
          expect(r.status, r.stderr).toBe(0);
          const figures = sqlJson<Figure>(data, HISTORY);
          const of = (path: string) => figures.filter((f) => f.document_id === documentIdOfFile(path));
          await expectDamageHandled(c, input, of(input), of(join(ROOT, c.from as string)));
        }
        // Whatever became of it, the store is not poisoned: the next good report is published.
        const next = await npmRunAsync("ingest", [NEXT_YEAR_REPORT], data);
        expect(next.status, next.stderr).toBe(0);
        expect(next.stderr).toMatch(/Published \d+ figures/);
      },
    );
  }
});
