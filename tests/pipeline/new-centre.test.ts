/**
 * Centres are data, end to end: a copy of the project whose only change is one row added to
 * models/seeds/centres.csv takes a report of that new centre in a known layout through `npm run ingest`
 * (the service's jobs, the warehouse build, its data tests, the publish) and its figures reach
 * marts.fct_observation. The same run shows that a section reader that fails on a document loses only its
 * own figures: the document is taken and the failure reaches marts.data_quality with the document and the
 * reader's name; and that a document of an unknown city is rejected with a Polish line.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../sources/registry.ts";
import { freshDataDir, ROOT } from "../helpers/cli.ts";
import { disposeDataDirs } from "../reliability/helpers.ts";

const OPOLE_ROW =
  "1661011,opole,Opole,Opola,w Opolu,Miejski Ośrodek Pomocy Rodzinie w Opolu,opolskie,Opole,gmina miejska (miasto na prawach powiatu)";

/** A report of Jaworzno's GPWR layout, rewritten for Opole by its name forms. */
const asOpole = (text: string) =>
  text
    .replace(/JAWORZNIE/g, "OPOLU")
    .replace(/Jaworznie/g, "Opolu")
    .replace(/Jaworzna/g, "Opola")
    .replace(/Jaworzno/g, "Opole")
    .replace(/Jaworznick(\p{L}*)/gu, "Opolsk$1");

/** A copy of the project's code and seeds (node_modules linked), as a user would have it after editing the seed. */
function copyOfProject(into: string): string {
  const code = join(into, "code");
  mkdirSync(code, { recursive: true });
  for (const d of ["cli", "lib", "models", "sources", "warehouse", "pipelines", "dashboards", "bench"]) {
    cpSync(join(ROOT, d), join(code, d), {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|\.observablehq|dist)([/\\]|$)/.test(src.slice(ROOT.length)),
    });
  }
  for (const f of ["package.json", "tsconfig.json", "observablehq.config.ts"]) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(code, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(code, "node_modules"));
  return code;
}

describe("a new centre is one seed row: its report goes through npm run ingest to the warehouse", () => {
  const work = freshDataDir("obs-new-centre-");
  const data = join(work, "data");
  let code = "";
  const run = (script: string, args: string[]) => {
    const r = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
      cwd: code,
      env: { ...process.env, OBS_DATA_DIR: data, FORCE_COLOR: "0" },
      encoding: "utf8",
      timeout: 280_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const sql = <T>(query: string): T[] => {
    const r = run("sql", ["--format", "json", query]);
    if (r.status !== 0) throw new Error(`sql failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T[];
  };
  const jaworznoReport = readFileSync(
    join(ROOT, "sources/jaworzno/fixtures/jaworzno_sprawozdanie-gpwr_2024_wariant-a.txt"),
    "utf8",
  );
  const wroclawInformation = readFileSync(
    join(ROOT, "sources/wroclaw/fixtures/informacja-o-realizacji-zadan_2015.txt"),
    "utf8",
  );
  let ingest = { status: null as number | null, stdout: "", stderr: "" };

  beforeAll(() => {
    mkdirSync(data, { recursive: true });
    code = copyOfProject(work);
    const seed = join(code, "models/seeds/centres.csv");
    writeFileSync(seed, `${readFileSync(seed, "utf8").trimEnd()}\n${OPOLE_ROW}\n`);
    writeFileSync(join(work, "opole_sprawozdanie_2024.txt"), asOpole(jaworznoReport));
    // A Katowice-style block whose row no metric knows: the Katowice committee reader throws on it.
    writeFileSync(
      join(work, "wroclaw_informacja_2015.txt"),
      `${wroclawInformation}\nObszar: kluby seniora\nLiczba klubów seniora 12\n`,
    );
    writeFileSync(
      join(work, "nysa_notatka.txt"),
      "Sprawozdanie Miejskiego Ośrodka Pomocy Społecznej w Nysie za 2024 rok\nLiczba rodzin objętych pomocą: 1 204\n",
    );
    ingest = run(
      "ingest",
      ["opole_sprawozdanie_2024.txt", "wroclaw_informacja_2015.txt", "nysa_notatka.txt"].map((f) =>
        join(work, f),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await disposeDataDirs([data]);
    rmSync(work, { recursive: true, force: true });
  });

  it("publishes the new centre's figures, the same as its layout's reader gives for the known centre", () => {
    expect(ingest.stderr).toMatch(/✓ stored opole_sprawozdanie_2024\.txt/);
    const rows = sql<{
      period_id: string;
      metric_id: string;
      breakdown: string | null;
      value: number | null;
    }>(
      `select period_id, metric_id, breakdown, value from marts.fct_observation where centre_id = 'opole'
       order by all`,
    );
    const expected = extractDocument(jaworznoReport, "jaworzno.txt").observations.map((o) => ({
      period_id: o.period_id,
      metric_id: o.metric_id,
      breakdown: o.breakdown,
      value: o.value,
    }));
    const key = (r: (typeof rows)[number]) =>
      JSON.stringify([r.period_id, r.metric_id, r.breakdown, r.value]);
    expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
    expect(rows.length).toBeGreaterThan(20);
    const [centre] = sql<{ teryt: string; name_pl: string }>(
      "select teryt, name_pl from marts.dim_centre where centre_id = 'opole'",
    );
    expect(centre).toEqual({ teryt: "1661011", name_pl: "Opole" });
  });

  it("takes a document a reader failed on, and the failure reaches marts.data_quality with the document and the reader", () => {
    expect(ingest.stderr).toMatch(
      /✓ stored wroclaw_informacja_2015\.txt[^\n]*\n\s*! warning: czytnik sekcji „.+” \(katowice\/komisja-cpsmis\) pominął wiersze/,
    );
    const rows = sql<{ check_name: string; severity: string; message_pl: string; file_name: string }>(
      `select q.check_name, q.severity, q.message_pl, d.file_name
       from marts.data_quality q join marts.dim_document d using (document_id)
       where q.check_name like 'reader_failed:%'
       order by d.file_name`,
    );
    // Two warnings: the Wrocław information's unknown block, and the row of the Opole report (Jaworzno's
    // 2024 layout) that the activation vocabulary does not know ("Klub Integracji Społecznej"), skipped.
    expect(rows.map((r) => [r.file_name, r.check_name, r.severity])).toEqual([
      ["opole_sprawozdanie_2024.txt", "reader_failed:jaworzno/programme-report", "warn"],
      ["wroclaw_informacja_2015.txt", "reader_failed:katowice/komisja-cpsmis", "warn"],
    ]);
    expect(rows[0]?.message_pl).toMatch(/Klub Integracji Społecznej/);
    expect(rows[1]?.message_pl).toMatch(/wroclaw_informacja_2015\.txt.*Liczba klubów seniora/);
    const [wroclaw] = sql<{ n: number }>(
      `select count(*)::int as n from marts.fct_observation o join marts.dim_document d using (document_id)
       where d.file_name = 'wroclaw_informacja_2015.txt'`,
    );
    expect(wroclaw?.n).toBe(extractDocument(wroclawInformation, "w.txt").observations.length);
  });

  it("rejects a report of a city the seed does not know, saying in Polish what to do", () => {
    expect(ingest.status).toBe(1);
    expect(ingest.stderr).toMatch(
      /✗ rejected nysa_notatka\.txt: Nie rozpoznano ośrodka: .*centres\.csv.* — not a report of a known centre/,
    );
  });
});
