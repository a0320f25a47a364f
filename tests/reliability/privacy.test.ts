/**
 * No personal name from the reports (signature blocks, officials, clients in a case diagram) reaches
 * any table an analyst can query: every column of every table (marts and the layers under them) is
 * scanned in SQL, and every table's CSV export through `npm run sql` is scanned as text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlIdentifier, sqlLiteral } from "../../warehouse/duckdb.ts";
import { sqlJson } from "../helpers/cli.ts";
import { disposeDataDirs, inParallel, npmRunAsync, ROOT, refreshedDataDir } from "./helpers.ts";

interface Person {
  name: string;
  role: string;
  document: string;
  lines: number[];
  patterns: string[];
}

const people: Person[] = JSON.parse(
  readFileSync(join(ROOT, "tests/reliability/personal-names.json"), "utf8"),
).names;
const alternatives = people.flatMap((p) => p.patterns).join("|");
/** Whole words in any case; JavaScript's side knows Polish letters, RE2's \b is enough for these ASCII names. */
const NAMES_JS = new RegExp(`(?<!\\p{L})(${alternatives})(?!\\p{L})`, "giu");
const NAMES_SQL = `(?i)\\b(${alternatives})\\b`;

describe("no personal name from the reports reaches a table or an export", () => {
  let data: string;
  let tables: { table_schema: string; table_name: string }[];

  beforeAll(() => {
    data = refreshedDataDir("obs-privacy-");
    tables = sqlJson(
      data,
      `select table_schema, table_name from information_schema.tables
       where table_catalog = current_database() order by all`,
    );
  });

  afterAll(() => disposeDataDirs([data]));

  it("knows the names: each stands in its document at the lines given", () => {
    for (const p of people) {
      const lines = readFileSync(join(ROOT, p.document), "utf8").split("\n");
      for (const n of p.lines) {
        expect(lines[n - 1], `${p.name}: ${p.document}:${n}`).toMatch(
          new RegExp(`(?<!\\p{L})(${p.patterns.join("|")})(?!\\p{L})`, "iu"),
        );
      }
    }
  });

  it("finds them when they are there (the scan itself works)", () => {
    const probe = people.map(
      (p) => `select regexp_matches(${sqlLiteral(p.name)}, ${sqlLiteral(NAMES_SQL)}) as hit`,
    );
    expect(sqlJson<{ hit: boolean }>(data, probe.join(" union all ")).every((r) => r.hit)).toBe(true);
    expect("Dyrektor MOPS Jacek Sutryk".match(NAMES_JS)).toEqual(["Jacek", "Sutryk"]);
    expect("planowanna, Halinowo".match(NAMES_JS)).toEqual(["Halinowo"]);
  });

  it("scans every column of every table in SQL", () => {
    expect(tables.filter((t) => t.table_schema === "marts").length).toBeGreaterThanOrEqual(13);
    const columns = sqlJson<{ table_schema: string; table_name: string; column_name: string }>(
      data,
      `select table_schema, table_name, column_name from information_schema.columns
       where table_catalog = current_database() order by all`,
    );
    const scans = columns.map(
      (c) =>
        `select ${sqlLiteral(`${c.table_schema}.${c.table_name}.${c.column_name}`)} as column_id,
            cast(${sqlIdentifier(c.column_name)} as varchar) as text
         from ${sqlIdentifier(c.table_schema)}.${sqlIdentifier(c.table_name)}
         where regexp_matches(cast(${sqlIdentifier(c.column_name)} as varchar), ${sqlLiteral(NAMES_SQL)})`,
    );
    // in groups of 40 columns: one statement over all of them outgrows what one command-line argument may
    // hold (Linux: 128 kB), and the command then fails before it starts
    const hits: { column_id: string; text: string }[] = [];
    for (let i = 0; i < scans.length; i += 40) {
      hits.push(
        ...sqlJson<{ column_id: string; text: string }>(
          data,
          `${scans.slice(i, i + 40).join("\nunion all\n")} limit 20`,
        ),
      );
    }
    expect(scans.length).toBe(columns.length);
    expect(hits, "a personal name in a column (see which extractor wrote the row)").toEqual([]);
  });

  it("scans the CSV export of every mart through npm run sql", async () => {
    const marts = tables.filter((t) => t.table_schema === "marts");
    const exports = await inParallel(marts, 2, (t) =>
      npmRunAsync("sql", ["--format", "csv", `select * from ${t.table_schema}.${t.table_name}`], data),
    );
    marts.forEach((t, i) => {
      const r = exports[i] as Awaited<ReturnType<typeof npmRunAsync>>;
      expect(r.status, `${t.table_schema}.${t.table_name}: ${r.stderr}`).toBe(0);
      const leaks = r.stdout.split("\n").filter((line) => line.match(NAMES_JS));
      expect(leaks, `${t.table_schema}.${t.table_name}`).toEqual([]);
    });
  });
});
