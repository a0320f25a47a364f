/**
 * The engine on models written for these tests (a models folder of their own): a model declaring
 * `partition_by: centre_id` is rebuilt for the touched centres only, one declaring nothing is rebuilt
 * whole, and an incremental build equals a full build of the same documents, table by table.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareWarehouses } from "../bench/lib/compare.ts";
import type { ExtractedObservation } from "../sources/lib/observation.ts";
import { runModels } from "./build.ts";
import { type Changes, runDataTests, testPlan } from "./data-tests.ts";
import { openDuckDb, queryRows } from "./duckdb.ts";
import { loadModels, type Model } from "./models.ts";
import { type LoadedDocument, loadRaw, loadSeeds, RAW_SCHEMA } from "./raw.ts";
import { setScope } from "./scope.ts";

const work = mkdtempSync(join(tmpdir(), "obs-engine-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Write a models folder: { "marts/x": [sql, yml] }. */
function modelsDir(name: string, files: Record<string, [string, string]>): string {
  const dir = join(work, name);
  for (const [path, [sql, yml]] of Object.entries(files)) {
    mkdirSync(join(dir, path.split("/")[0] as string), { recursive: true });
    writeFileSync(join(dir, `${path}.sql`), sql);
    writeFileSync(join(dir, `${path}.yml`), yml);
  }
  return dir;
}

const TOUCHED = "centre_id in (select centre_id from build.touched_centres)";

/** Per centre: figures, totals, a grid of centre × every period. Whole: the periods, national shares. */
const MODELS = {
  "staging/stg_figures": [
    `select document_id, ordinal, centre_id, period_id, metric_id, value from raw.observations where ${TOUCHED}`,
    `description: figures
grain: [document_id, ordinal]
partition_by: centre_id
columns:
  value: { tests: [not_null] }
tests:
  - name: not_negative
    severity: warn
    description: a figure is not negative
    sql: select centre_id, period_id, 'negative' as message_pl from staging.stg_figures where value < 0 and ${TOUCHED}
`,
  ],
  "marts/centre_totals": [
    `select centre_id, period_id, sum(value) as total, count(*) as figures from staging.stg_figures where ${TOUCHED} group by all`,
    `description: totals
grain: [centre_id, period_id]
partition_by: centre_id
tests:
  - name: period_known
    description: a total's period is one of the periods
    sql: |
      select centre_id from marts.centre_totals
      where ${TOUCHED} and period_id not in (select period_id from marts.periods)
`,
  ],
  "marts/periods": [
    "select distinct period_id from staging.stg_figures",
    "description: every period of any centre\ngrain: [period_id]\n",
  ],
  "marts/centre_grid": [
    `select c.centre_id, p.period_id, coalesce(t.total, 0) as total
     from (select distinct centre_id from staging.stg_figures where ${TOUCHED}) c
     cross join marts.periods p
     left join marts.centre_totals t using (centre_id, period_id)`,
    "description: centre × every period\ngrain: [centre_id, period_id]\npartition_by: centre_id\n",
  ],
  "marts/national_shares": [
    "select centre_id, period_id, total / sum(total) over (partition by period_id) as share from marts.centre_totals",
    "description: a centre's share of the national total (cross-centre, declares nothing)\ngrain: [centre_id, period_id]\n",
  ],
} satisfies Record<string, [string, string]>;

const doc = (id: string, centre: string, figures: [period: string, value: number][]): LoadedDocument => ({
  doc: {
    documentId: id,
    path: `/nowhere/${id}.txt`,
    fileName: `${id}.txt`,
    origin: "stored",
    centreId: centre,
    kind: "test-kind",
    title: "t",
    periods: [...new Set(figures.map((f) => f[0]))],
    issuedOn: null,
    receivedAt: null,
    byteSize: 1,
  },
  extraction: {
    documentId: id,
    extractorId: "test",
    codeVersion: "x",
    recognition: {
      centre_id: centre as ExtractedObservation["centre_id"],
      kind: "test-kind",
      title: "t",
      periods: [],
      issued_on: null,
    },
    observations: figures.map(
      ([period_id, value], i): ExtractedObservation => ({
        centre_id: centre as ExtractedObservation["centre_id"],
        period_id,
        as_of_date: null,
        metric_id: "families_assisted",
        breakdown: null,
        value,
        unit: "families",
        line: i + 1,
        quote: "x",
        label: "x",
        flags: [],
        note: null,
      }),
    ),
  },
});

const A = doc("a", "wroclaw", [
  ["2012", 10],
  ["2012-H1", -1],
]);
const B = doc("b", "katowice", [
  ["2012", 30],
  ["2012-H1", -2],
]);

let files = 0;
/** A full build of the documents into a new file: models and every data test. */
async function fullBuild(models: Model[], docs: LoadedDocument[]): Promise<string> {
  const path = join(work, `full-${++files}.duckdb`);
  const db = await openDuckDb(path);
  try {
    await loadSeeds(db.connection);
    await db.connection.run(RAW_SCHEMA);
    await db.connection.run(
      "create schema marts; create table marts.data_quality (centre_id varchar, period_id varchar, metric_id varchar, breakdown varchar, document_id varchar, line integer, check_name varchar, severity varchar, message_pl varchar)",
    );
    await loadRaw(db.connection, docs);
    const { changes } = await runModels(db.connection, { models });
    await runDataTests(db.connection, changes, { models });
  } finally {
    db.close();
  }
  return path;
}

/** A copy of `base` with the documents added incrementally, as the engine does. */
async function incrementalBuild(models: Model[], base: string, docs: LoadedDocument[]) {
  const path = join(work, `inc-${++files}.duckdb`);
  copyFileSync(base, path);
  const db = await openDuckDb(path);
  try {
    await loadRaw(db.connection, docs);
    const centres = [...new Set(docs.map((d) => d.doc.centreId))];
    const run = await runModels(db.connection, {
      models,
      update: { centres, byCentre: ["raw.documents", "raw.observations"], whole: [] },
    });
    await runDataTests(db.connection, run.changes, { models });
    const steps = Object.fromEntries(run.steps.map((s) => [s.model, s.strategy]));
    const warnings = await queryRows(
      db.connection,
      "select centre_id, period_id from marts.data_quality order by all",
    );
    return { path, steps, warnings };
  } finally {
    db.close();
  }
}

describe("the engine: how each model updates", () => {
  it("rebuilds a per-centre model for the touched centres and a model declaring nothing whole, equal to a full build", async () => {
    const models = await loadModels(modelsDir("m1", MODELS));
    const base = await fullBuild(models, [A, B]);
    // A figure of an existing period for Wrocław: its rows replaced; the national shares rebuilt whole.
    const C = doc("c", "wroclaw", [
      ["2012", 5],
      ["2012-H1", -3],
    ]);
    const inc = await incrementalBuild(models, base, [C]);
    expect(inc.steps).toEqual({
      "staging.stg_figures": "partition",
      "marts.centre_totals": "partition",
      "marts.periods": "rebuild",
      "marts.centre_grid": "partition",
      "marts.national_shares": "rebuild",
    });
    // Katowice's warning kept, Wrocław's replaced by those of both its documents.
    expect(inc.warnings).toEqual([
      { centre_id: "katowice", period_id: "2012-H1" },
      { centre_id: "wroclaw", period_id: "2012-H1" },
      { centre_id: "wroclaw", period_id: "2012-H1" },
    ]);
    const full = await fullBuild(models, [A, B, C]);
    expect((await compareWarehouses(inc.path, full)).differences).toEqual([]);
  });

  it("rebuilds whole what reads a model whose content changed beyond the touched centres", async () => {
    const models = await loadModels(modelsDir("m1", MODELS));
    const base = await fullBuild(models, [A, B]);
    // A new period: marts.periods changes, so every centre's grid gains it (Katowice's too).
    const D = doc("d", "wroclaw", [["2013", 7]]);
    const inc = await incrementalBuild(models, base, [D]);
    expect(inc.steps["marts.centre_grid"]).toBe("rebuild");
    const full = await fullBuild(models, [A, B, D]);
    expect((await compareWarehouses(inc.path, full)).differences).toEqual([]);
    const db = await openDuckDb(inc.path, { access_mode: "READ_ONLY" });
    const katowice = await queryRows(
      db.connection,
      "select period_id, total from marts.centre_grid where centre_id = 'katowice' order by 1",
    );
    db.close();
    expect(katowice).toEqual([
      { period_id: "2012", total: 30 },
      { period_id: "2012-H1", total: -2 },
      { period_id: "2013", total: 0 },
    ]);
  });

  it("refuses a per-centre model whose SQL gives rows of centres not being built", async () => {
    const models = await loadModels(
      modelsDir("m2", {
        ...MODELS,
        "marts/everyone": [
          // reads build.touched_centres, but not to filter its rows: every centre comes out
          "select centre_id, count(*) as n from staging.stg_figures where exists (select 1 from build.touched_centres) group by all",
          "description: wrong\ngrain: [centre_id]\npartition_by: centre_id\n",
        ],
      }),
    );
    const base = await fullBuild(models, [A, B]); // a full build cannot tell
    await expect(incrementalBuild(models, base, [doc("e", "wroclaw", [["2012", 1]])])).rejects.toThrow(
      /model marts\.everyone failed: .*it declares partition_by: centre_id but gave a row of katowice, a centre not being built/,
    );
  });

  it("holds every centre in build.touched_centres, or the touched ones", async () => {
    const models = await loadModels(modelsDir("m1", MODELS));
    const path = await fullBuild(models, [A, B, doc("g", "gmina-0001", [["2012", 1]])]);
    const db = await openDuckDb(path);
    const centres = async () =>
      (await queryRows(db.connection, "select centre_id from build.touched_centres order by 1")).map(
        (r) => r.centre_id,
      );
    try {
      const every = await centres();
      expect(every).toContain("gmina-0001"); // a centre only the documents know
      expect(every).toContain("jaworzno"); // a centre only the seeds know
      await setScope(db.connection, ["wroclaw", "katowice", "wroclaw"]);
      expect(await centres()).toEqual(["katowice", "wroclaw"]);
      // A per-centre model's SQL gives the touched centres' rows only.
      const totals = await queryRows(
        db.connection,
        `select distinct centre_id from (${models.find((m) => m.id === "marts.centre_totals")?.sql}) order by 1`,
      );
      expect(totals.map((r) => r.centre_id)).toEqual(["katowice", "wroclaw"]);
      await setScope(db.connection, "all");
      expect(await centres()).toEqual(every);
    } finally {
      db.close();
    }
  });

  it("checks each model's declaration against what its SQL reads (DuckDB's parser, no pattern)", async () => {
    const bad = (sql: string, yml: string) =>
      loadModels(
        modelsDir(`bad-${++files}`, { "marts/x": [sql, `description: x\ngrain: [centre_id]\n${yml}`] }),
      );
    await expect(bad("select centre_id from raw.observations", "partition_by: centre_id\n")).rejects.toThrow(
      /declares partition_by: centre_id but does not read build.touched_centres/,
    );
    await expect(bad(`select centre_id from raw.observations where ${TOUCHED}`, "")).rejects.toThrow(
      /reads build.touched_centres but declares no partition_by/,
    );
    await expect(bad("select centre_id from marts.nothing", "")).rejects.toThrow(
      /reads marts.nothing, which is no model/,
    );
    await expect(bad("selec centre_id", "")).rejects.toThrow(/model marts.x: its SQL does not parse/);
    // A name in a comment or a string is no read.
    const ok = await loadModels(
      modelsDir("comment", {
        "marts/x": [
          "-- reads marts.nothing? no\nselect 'marts.nothing' as centre_id from seeds.centres",
          "description: x\ngrain: [centre_id]\n",
        ],
      }),
    );
    expect(ok[0]?.reads).toEqual(["seeds.centres"]);
  });

  it("runs a test on the touched centres when it checks per centre and nothing it reads changed beyond them", async () => {
    const models = await loadModels(modelsDir("m1", MODELS));
    const changes: Changes = {
      kind: "partial",
      centres: ["wroclaw"],
      byCentre: new Set(["raw.observations", "staging.stg_figures", "marts.centre_totals"]),
      whole: new Set(["marts.periods", "marts.centre_grid"]),
    };
    const scopes = Object.fromEntries(
      testPlan(models, changes).map(({ test, scope }) => [`${test.model}.${test.name}`, scope]),
    );
    expect(scopes).toMatchObject({
      "staging.stg_figures.unique_grain": "centres",
      "staging.stg_figures.not_negative": "centres",
      "marts.centre_totals.unique_grain": "centres",
      "marts.periods.unique_grain": "all",
      // per centre, but it reads marts.periods, which changed whole
      "marts.centre_totals.period_known": "all",
      // a per-centre model rebuilt whole
      "marts.centre_grid.unique_grain": "all",
    });
    // national_shares did not change: its tests do not run.
    expect(scopes["marts.national_shares.unique_grain"]).toBeUndefined();
    expect(testPlan(models, { kind: "full" }).every((t) => t.scope === "all")).toBe(true);
  });
});
