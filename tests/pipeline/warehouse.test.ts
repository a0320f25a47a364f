import { createHash } from "node:crypto";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvParse } from "d3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWarehouses } from "../../bench/lib/compare.ts";
import { partitionsOfDocuments } from "../../pipelines/calendar.ts";
import { buildWarehouse } from "../../warehouse/build.ts";
import { testWarehouse } from "../../warehouse/data-tests.ts";
import { openDuckDb, queryRows } from "../../warehouse/duckdb.ts";
import { documentIdOf, listDocuments } from "../../warehouse/store.ts";
import { freshDataDir, npmRun, ROOT, type RunResult, sqlJson } from "../helpers/cli.ts";
import { disposeDataDirs } from "../reliability/helpers.ts";

const expected = csvParse(readFileSync(join(ROOT, "tests/fixtures/core-figures.csv"), "utf8"));
const bundled = (centre: string, name: string) => join(ROOT, "sources", centre, "documents", name);
const hashOf = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the whole pipeline as a user runs it: refresh, then SQL", () => {
  const data = freshDataDir();
  const published = join(data, "warehouse", "published.duckdb");

  beforeAll(() => {
    const r = npmRun("refresh", [], data);
    expect(r.stderr).toMatch(/Published \d+ figures from 5 documents/);
    expect(r.status).toBe(0);
  });

  it("publishes every core figure with the expected value", () => {
    const rows = sqlJson<{ key: string; value: number }>(
      data,
      `select concat_ws('|', centre_id, period_id, metric_id, coalesce(breakdown, '')) as key, value
       from marts.fct_observation`,
    );
    const got = new Map<string, number[]>();
    for (const r of rows) got.set(r.key, [...(got.get(r.key) ?? []), r.value]);
    const missing = expected.filter((e) => {
      const key = [e.centre_id, e.period_id, e.metric_id, e.breakdown].join("|");
      return !(got.get(key) ?? []).some((v) => Math.abs(v - Number(e.value)) < 0.005);
    });
    expect(missing).toEqual([]);
    expect(expected).toHaveLength(68);
  });

  it("gives every figure a quote that stands in its document at its line and shows the number", () => {
    const rows = sqlJson<{
      file_name: string;
      centre_id: string;
      line: number;
      quote: string;
      value: number | null;
    }>(
      data,
      `select d.file_name, d.centre_id, o.line, o.quote, o.value
       from marts.fct_observation o join marts.dim_document d using (document_id)`,
    );
    expect(rows.length).toBeGreaterThan(100);
    const texts = new Map<string, string[]>();
    for (const r of rows) {
      const lines =
        texts.get(r.file_name) ?? readFileSync(bundled(r.centre_id, r.file_name), "utf8").split(/\r?\n/);
      texts.set(r.file_name, lines);
      expect(lines[r.line - 1], `${r.file_name}:${r.line}`).toContain(r.quote);
    }
  });

  it("keeps contradictions as written and flags them in data_quality", () => {
    const dq = sqlJson<{ centre_id: string; check_name: string; message_pl: string }>(
      data,
      "select centre_id, check_name, message_pl from marts.data_quality",
    );
    expect(dq.some((r) => r.centre_id === "jaworzno" && r.check_name === "flag:contradiction")).toBe(true);
    expect(dq.some((r) => r.centre_id === "wroclaw" && /I półrocze/.test(r.message_pl))).toBe(true);
  });

  it("computes staffing ratios and keeps missing as null", () => {
    const rows = sqlJson<{
      centre_id: string;
      measure: string;
      breakdown: string | null;
      ratio: number | null;
    }>(data, "select centre_id, measure, breakdown, ratio, denominator from marts.staffing");
    const ratio = (c: string, m: string, b: string | null = null) =>
      rows.find((r) => r.centre_id === c && r.measure === m && r.breakdown === b)?.ratio;
    expect(ratio("wroclaw", "residents_per_social_worker")).toBeCloseTo(631235 / 205, 3);
    expect(ratio("katowice", "families_per_family_assistant")).toBeCloseTo(291 / 16, 3);
    expect(ratio("kedzierzyn-kozle", "families_per_family_assistant")).toBeCloseTo(74 / 4, 3);
    expect(ratio("wroclaw", "families_per_family_assistant", "wma")).toBeDefined();
    const jaworzno = rows.find(
      (r) => r.centre_id === "jaworzno" && r.measure === "families_per_family_assistant",
    );
    expect(jaworzno).toBeDefined();
    expect(jaworzno?.ratio).toBeNull();
  });

  it("derives the second half-year of Niebieska Karta flows and marks it", () => {
    const rows = sqlJson<{ metric_id: string; value: number; is_derived: boolean }>(
      data,
      "select metric_id, value, is_derived from marts.niebieska_karta where centre_id = 'wroclaw' and period_id = '2012-H2'",
    );
    expect(rows).toContainEqual({ metric_id: "nk_a_forms", value: 412 - 209, is_derived: true });
    expect(rows).toContainEqual({ metric_id: "nk_working_groups", value: 390 - 184, is_derived: true });
  });

  it("publishes the report calendar's state of this very build: received and late partitions", () => {
    const rows = sqlJson<{ centre_id: string; period_id: string; state: string }>(
      data,
      "select centre_id, period_id, state from marts.partition_status order by all",
    );
    // the bundled Wrocław presentation covers 2010-2013: received, whatever today is
    expect(rows).toContainEqual({ centre_id: "wroclaw", period_id: "2012", state: "received" });
    // Jaworzno's 2024 report was due by 31 March 2025 and is not among the documents
    expect(rows).toContainEqual({ centre_id: "jaworzno", period_id: "2024", state: "late" });
  });

  it("shares of reasons are of all families and are never summed", () => {
    const rows = sqlJson<{ reason: string; share: number }>(
      data,
      "select reason, share from marts.assistance_reasons where centre_id = 'wroclaw' and period_id = '2011'",
    );
    expect(rows.find((r) => r.reason === "poverty")?.share).toBeCloseTo(6119 / 10309, 6);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeGreaterThan(1); // overlapping reasons
  });

  it("rejects an unknown document with a message naming it, and leaves the warehouse byte for byte", () => {
    const before = hashOf(published);
    const bad = join(data, "notatka.txt");
    writeFileSync(bad, "Notatka służbowa bez żadnych liczb o pomocy społecznej.\n");
    const r = npmRun("ingest", [bad], data);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/notatka\.txt: .*(no extractor|known centre)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user's mistake
    expect(hashOf(published)).toBe(before);
  });

  it("takes the same report twice under another name as one document", () => {
    const copy = join(data, "kopia.txt");
    copyFileSync(
      bundled("katowice", "katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt"),
      copy,
    );
    const before = hashOf(published);
    const r = npmRun("ingest", [copy], data);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/already known/);
    expect(hashOf(published)).toBe(before);
  });

  it("answers SQL in csv, json and table formats, from an argument or standard input", () => {
    const csv = npmRun(
      "sql",
      ["--format", "csv", "select centre_id, teryt from marts.dim_centre order by 1"],
      data,
    );
    expect(csv.status).toBe(0);
    expect(csv.stdout.split("\n")[0]).toBe("centre_id,teryt");
    expect(csv.stdout).toContain("wroclaw,0264011");
    const table = npmRun("sql", [], data, "select count(*) as n from marts.dim_centre");
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/\(1 rows\)/);
  });

  it("refuses everything but reading the data, with DuckDB's message", () => {
    const before = hashOf(published);
    const attacks = [
      `explain analyze copy (select 'x' as a) to '${published}' (use_tmp_file false)`,
      "explain analyze create temp table t as select 1",
      "select * from read_csv('/etc/passwd')",
      "select * from glob('/etc/*')",
      "copy marts.dim_centre to '/var/tmp/leak.csv'",
      "attach '/var/tmp/other.duckdb' as other",
      "install httpfs",
      "load httpfs",
      "set enable_external_access = true",
      "set memory_limit = '100GB'",
      "create table marts.x as select 1",
      "delete from marts.dim_centre",
      "drop table marts.dim_centre",
    ];
    for (const q of attacks) {
      const r = npmRun("sql", [q], data);
      expect(r.status, q).toBe(1);
      expect(r.stderr, q).toMatch(/error: .*(Permission|disabled|read-only|locked|Cannot)/i);
    }
    const bad = npmRun("sql", ["selec nonsense"], data);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Parser Error/);
    expect(hashOf(published), "the snapshot byte for byte").toBe(before);
  });

  it("bounds what SQL prints, and exports a result to a file outside the data directory", () => {
    const big = npmRun("sql", ["select * from range(1000000)"], data);
    expect(big.status).toBe(1);
    expect(big.stdout).toBe("");
    expect(big.stderr).toMatch(/^error: the result has more than 100 000 rows.*--limit N.*--out <file>/m);
    const out = join(freshDataDir("obs-sql-out-"), "centres.csv");
    const r = npmRun("sql", ["--out", out, "select centre_id from marts.dim_centre order by 1"], data);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("centre_id\njaworzno\nkatowice\nkedzierzyn-kozle\nwroclaw\n");
    rmSync(join(out, ".."), { recursive: true, force: true });
    const inside = npmRun("sql", ["--out", join(data, "warehouse", "x.csv"), "select 1"], data);
    expect(inside.status).toBe(1);
    expect(inside.stderr).toMatch(/inside the data directory/);
  });

  it("has --help on every command", () => {
    for (const script of ["refresh", "ingest", "sql"]) {
      const r = npmRun(script, ["--help"], data);
      expect(r.status, script).toBe(0);
      expect(r.stdout, script).toMatch(/^Usage: npm run/);
    }
    expect(npmRun("sql", ["--help"], data).stdout).toMatch(/--limit N[\s\S]*--out FILE/);
  });
});

/**
 * `npm run ingest` of one new report after a refresh: the service's build task builds it
 * incrementally (warehouse/build.ts: a copy of the published snapshot, the touched centre's
 * per-centre models and tests, the others rebuilt whole), and what it publishes equals a full build
 * of the same documents and report calendar, table by table (bench/lib/compare.ts), the report's
 * partition received. The models are the project's plus one written for this test
 * (tests/fixtures/models/marts/test_document_shares: cross-centre, declaring nothing).
 */
describe("one report ingested after a refresh: an incremental build, equal to a full build", () => {
  const data = freshDataDir("obs-incremental-");
  const models = mkdtempSync("/var/tmp/obs-models-");
  for (const layer of ["staging", "intermediate", "marts"])
    cpSync(join(ROOT, "models", layer), join(models, layer), { recursive: true });
  cpSync(join(ROOT, "tests/fixtures/models"), models, { recursive: true });
  const env = { OBS_MODELS_DIR: models };
  const published = join(data, "warehouse", "published.duckdb");
  // Jaworzno's 2024 report (its extractor's next-year fixture): the 2024 partition is late until it comes.
  const report = join(ROOT, "sources/jaworzno/fixtures/jaworzno_sprawozdanie-gpwr_2024_wariant-a.txt");
  const id = documentIdOf(readFileSync(report));
  const jaworzno2024 = () =>
    sqlJson<{ state: string; document_id: string | null }>(
      data,
      `select state, document_id from marts.partition_status
       where centre_id = 'jaworzno' and report_kind = 'sprawozdanie-gpwr' and period_id = '2024'`,
    );
  let before: { state: string; document_id: string | null }[];
  let ingest: RunResult;
  let fullBuild: string | null = null;

  beforeAll(() => {
    const r = npmRun("refresh", ["--quiet"], data, undefined, env);
    expect(r.status, r.stderr).toBe(0);
    before = jaworzno2024();
    ingest = npmRun("ingest", [report], data, undefined, env);
  });
  afterAll(async () => {
    if (fullBuild) rmSync(fullBuild, { force: true });
    rmSync(models, { recursive: true, force: true });
    delete process.env.OBS_MODELS_DIR;
    await disposeDataDirs([data]);
  });

  it("builds, tests and publishes only what the report touches, and says so", () => {
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/^Incremental build: 1 document, centre jaworzno \(\d+\.\d s\)$/m);
    expect(ingest.stderr).toMatch(
      /^Published \d+ figures from 6 documents in [\d.]+ s \(incremental build\)$/m,
    );
    // No full build, no full test run.
    expect(ingest.stderr).not.toMatch(/^Extracting documents/m);
    expect(ingest.stderr).not.toMatch(/^Running \d+ data tests…$/m);
    // Each model as its .yml says: per centre, or whole (the test's cross-centre model, coverage's axes).
    expect(ingest.stderr).toMatch(/^ {2}model marts\.fct_observation: partition \(\d+ ms\)$/m);
    expect(ingest.stderr).toMatch(/^ {2}model marts\.test_document_shares: rebuild \(\d+ ms\)$/m);
    expect(ingest.stderr).toMatch(/^ {2}model intermediate\.int_periods_observed: rebuild \(\d+ ms\)$/m);
    const status = JSON.parse(npmRun("status", ["--json"], data).stdout) as {
      runs: { task: string; status: string; detail: Record<string, unknown> | null }[];
    };
    const last = (task: string) => status.runs.find((r) => r.task === task && r.status === "succeeded");
    expect(last("build_warehouse")?.detail).toMatchObject({
      incremental: true,
      added: 1,
      centres: ["jaworzno"],
      documents: 6,
    });
    expect(last("run_data_tests")?.detail).toMatchObject({ incremental: true });
    expect(last("publish_warehouse")?.detail).toMatchObject({ incremental: true, documents: 6 });
  });

  it("shows the report's partition as received (it was late)", () => {
    expect(before).toEqual([{ state: "late", document_id: null }]);
    expect(jaworzno2024()).toEqual([{ state: "received", document_id: id }]);
  });

  it("publishes every table exactly as a full build of the same documents and calendar", async () => {
    process.env.OBS_DATA_DIR = data;
    process.env.OBS_MODELS_DIR = models;
    // The calendar as of the incremental build's check, computed afresh from the known documents.
    const db = await openDuckDb(published, { access_mode: "READ_ONLY" });
    const rows = await queryRows(
      db.connection,
      "select distinct checked_at::varchar as at from raw.partitions",
    );
    db.close();
    expect(rows).toHaveLength(1);
    const checkedAt = new Date(`${String(rows[0]?.at).replace(" ", "T")}Z`);
    const partitions = partitionsOfDocuments(await listDocuments(), checkedAt).map((p) => ({
      ...p,
      checked_at: checkedAt,
    }));
    const build = await buildWarehouse({ partitions });
    fullBuild = build.buildPath;
    await testWarehouse(build.buildPath);
    const cmp = await compareWarehouses(published, build.buildPath);
    expect(cmp.tables).toBeGreaterThan(20);
    expect(cmp.differences).toEqual([]);
    // The cross-centre model is there, and every centre's share moved with Jaworzno's new report.
    const db2 = await openDuckDb(published, { access_mode: "READ_ONLY" });
    const shares = await queryRows(
      db2.connection,
      "select centre_id, documents, share_of_all_documents as share from marts.test_document_shares order by 1",
    );
    db2.close();
    expect(shares).toHaveLength(4);
    expect(shares.find((r) => r.centre_id === "wroclaw")?.share).toBeCloseTo(
      Number(shares.find((r) => r.centre_id === "wroclaw")?.documents) / 6,
      9,
    );
  });
});
