// Every data loader against a snapshot published by a real pipeline run: the columns each page reads are
// there, values keep their types, and a loader fails loudly instead of writing an empty file. And the
// publish step (publish-data.ts) that writes them beside the site: every file, then only what changed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir, npmRun, ROOT } from "../tests/helpers/cli.ts";
import { MARTS, runQuery } from "./data/warehouse.ts";
import { publishDashboardData, readPointer, variantDir } from "./publish-data.ts";

const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const DATA = join(ROOT, "dashboards", "data");

/** The fields the pages read from each loader (the cautionary tale: a page reading a field no loader writes). */
const PAGE_COLUMNS: Record<string, string[]> = {
  "centres.json": ["centre_id", "name_pl", "centre_name_pl", "teryt", "voivodeship"],
  "metrics.json": [
    "metric_id",
    "label_pl",
    "unit",
    "aggregation",
    "breakdown_vocabulary",
    "description_pl",
    "legal_basis",
  ],
  "breakdowns.json": ["vocabulary", "breakdown_id", "label_pl"],
  "families.json": [
    "centre_id",
    "centre_name",
    "period_id",
    "period_kind",
    "year",
    "period_label",
    "families_assisted",
    "families_social_work",
    "families_social_work_only",
    "families_family_benefits",
    "families_alimony_fund",
    "contradicting",
  ],
  "reasons.json": ["centre_id", "centre_name", "period_id", "period_kind", "year", "period_label"],
  "niebieska-karta.json": [
    "centre_id",
    "centre_name",
    "period_id",
    "period_kind",
    "year",
    "period_label",
    "metric_id",
    "metric_label",
    "value",
    "is_derived",
    "is_series_break",
    "observation_id",
  ],
  "staffing.json": [
    "centre_id",
    "centre_name",
    "period_id",
    "period_label",
    "measure",
    "breakdown",
    "breakdown_label",
    "numerator",
    "denominator",
    "ratio",
    "norm",
    "exceeds_norm",
    "is_whole_year_count",
    "note_pl",
    "numerator_observation_id",
    "denominator_observation_id",
    "verdict",
    "legal_basis_pl",
    "formula_pl",
    "is_estimate",
    "numerator_label_pl",
    "denominator_label_pl",
    "population_source",
    "population_date",
    "families_assistance_ended",
    "subtracted_observation_id",
    "flags",
    "rank",
  ],
  "quality.json": ["centre_id", "centre_name", "warnings", "infos"],
};

function runLoader(file: string, dataDir: string, args: string[] = []) {
  const r = spawnSync(TSX, [join(DATA, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, OBS_DATA_DIR: dataDir, OBS_DASHBOARD_SNAPSHOT: "" },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const json = (file: string, dataDir: string, args: string[] = []) => {
  const r = runLoader(`${file}.ts`, dataDir, args);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.toString());
};

describe("data loaders on a freshly published snapshot", () => {
  const data = freshDataDir("obs-dash-loaders-");

  beforeAll(() => {
    const r = npmRun("refresh", ["--quiet"], data);
    expect(r.stderr).toMatch(/Published \d+ figures/);
    expect(r.status).toBe(0);
    process.env.OBS_DATA_DIR = data;
  });

  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it("has a test for every JSON loader in dashboards/data", () => {
    const loaders = readdirSync(DATA).filter((f) => f.endsWith(".json.ts"));
    expect(loaders.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(
      [
        ...Object.keys(PAGE_COLUMNS),
        "late-reports.json",
        "overview.json",
        "compare.json",
        "quality-summary.json",
        "schema.json",
      ].sort(),
    );
  });

  it("schema.json describes every column of every mart the SQL page loads, in Polish", () => {
    const tables = json("schema.json", data) as {
      table: string;
      description: string;
      columns: { name: string; type: string; description: string | null }[];
    }[];
    expect(tables.map((t) => t.table).sort()).toEqual([...MARTS].sort());
    for (const t of tables) {
      expect(t.description, t.table).toMatch(/[a-ząćęłńóśźż]/);
      expect(t.columns.length, t.table).toBeGreaterThan(0);
      for (const c of t.columns) expect(c.description, `${t.table}.${c.name}`).toBeTruthy();
    }
  });

  for (const [file, columns] of Object.entries(PAGE_COLUMNS)) {
    it(`${file} writes every column its pages read`, () => {
      const rows = json(file, data) as Record<string, unknown>[];
      if (file !== "quality.json") expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(columns));
    });
  }

  /** Every figure of every centre, from the per-centre loader (data/centre/[centre].json.ts). */
  const allFigures = () =>
    (json("centres.json", data) as { centre_id: string }[]).flatMap((c) => {
      const file = json("centre/[centre].json", data, ["--centre", c.centre_id]) as {
        centre: { centre_id: string };
        observations: { centre_id: string }[];
        documents: { document_id: string; title: string }[];
      };
      expect(file.centre.centre_id).toBe(c.centre_id);
      const titles = new Map(file.documents.map((d) => [d.document_id, d.title]));
      for (const o of file.observations) expect(o.centre_id, "only its own centre").toBe(c.centre_id);
      return file.observations.map((o) => ({
        ...o,
        document_title: titles.get((o as unknown as { document_id: string }).document_id),
      }));
    });

  it("keeps missing values null and provenance on every figure, one centre per file", () => {
    const rows = allFigures() as unknown as {
      centre_id: string;
      period_id: string;
      metric_id: string;
      breakdown: string | null;
      value: number | null;
      flags: string[];
      quote: string;
      line: number;
      document_title: string;
    }[];
    for (const r of rows) {
      expect(Array.isArray(r.flags)).toBe(true);
      expect(r.quote.length).toBeGreaterThan(0);
      expect(r.line).toBeGreaterThan(0);
      expect(r.document_title).toBeTruthy();
      if (r.value === null) expect(r.flags.some((f) => f === "missing" || f === "ambiguous")).toBe(true);
    }
    const wroclaw2011 = rows.find(
      (r) =>
        r.centre_id === "wroclaw" &&
        r.period_id === "2011" &&
        r.metric_id === "families_assisted" &&
        !r.breakdown,
    );
    expect(wroclaw2011?.value).toBe(10309);
    expect(wroclaw2011?.quote).toContain("10 309");
  });

  it("publishes marts.partition_status even without the service's deadlines, and the page reads it", async () => {
    const exists = await runQuery(
      "select count(*) as n from information_schema.tables where table_schema = 'marts' and table_name = 'partition_status'",
      { columns: ["n"] },
    );
    expect(exists.rows[0]?.n).toBe(1);
    const late = json("late-reports.json", data) as {
      available: boolean;
      counts: { total: number; late: number };
      rows: { state: string; period_label: string; report_title: string }[];
    };
    expect(late.available).toBe(true);
    expect(late.rows.length).toBeLessThanOrEqual(late.counts.total);
    for (const r of late.rows) {
      expect(["late", "expected", "received"]).toContain(r.state);
      expect(r.period_label).toBeTruthy();
      expect(r.report_title).toBeTruthy();
    }
  });

  it("brings the service's report deadlines into the warehouse: late reports in marts.partition_status", async () => {
    const { buildWarehouse } = await import("../warehouse/build.ts");
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const checked = new Date("2026-11-25T06:00:00Z");
    const { buildPath } = await buildWarehouse({
      partitions: [
        {
          centre_id: "jaworzno",
          report_kind: "sprawozdanie-gpwr",
          period_id: "2024",
          period_kind: "year",
          deadline: "2025-03-31",
          state: "late",
          document_id: null,
          received_at: null,
          checked_at: checked,
        },
        {
          centre_id: "wroclaw",
          report_kind: "dobre-praktyki",
          period_id: "2012-H1",
          period_kind: "half_year",
          deadline: "2012-07-31",
          state: "received",
          document_id: "abc",
          received_at: null,
          checked_at: checked,
        },
      ],
    });
    const instance = await DuckDBInstance.create(buildPath, { access_mode: "READ_ONLY" });
    try {
      const c = await instance.connect();
      const rows = (
        await c.runAndReadAll(
          "select centre_id, period_id, period_label_pl, state, is_late, days_late, cast(deadline as varchar) as deadline from marts.partition_status order by centre_id",
        )
      ).getRowObjectsJS();
      c.closeSync();
      expect(rows).toEqual([
        {
          centre_id: "jaworzno",
          period_id: "2024",
          period_label_pl: "2024",
          state: "late",
          is_late: true,
          days_late: 604n,
          deadline: "2025-03-31",
        },
        {
          centre_id: "wroclaw",
          period_id: "2012-H1",
          period_label_pl: "I półrocze 2012",
          state: "received",
          is_late: false,
          days_late: null,
          deadline: "2012-07-31",
        },
      ]);
    } finally {
      instance.closeSync();
      rmSync(buildPath, { force: true });
    }
  });

  it("leads both sides of a staffing ratio to the figure they were read from", () => {
    const rows = json("staffing.json", data) as Record<string, unknown>[];
    const katowice = rows.find(
      (r) => r.centre_id === "katowice" && r.measure === "families_per_family_assistant",
    );
    expect(katowice?.numerator).toBe(291);
    // families counted over the whole year are not judged against the "at a time" limit
    expect(katowice).toMatchObject({
      verdict: "nieporównywalne",
      exceeds_norm: null,
      formula_pl: "291 / 16",
    });
    expect(
      rows.find(
        (r) => r.centre_id === "kedzierzyn-kozle" && r.measure === "families_per_family_assistant_year_end",
      ),
    ).toMatchObject({ verdict: "w normie", formula_pl: "(74 − 21) / 4", numerator: 53 });
    // the page ships ids only; "skąd ta liczba?" finds the figure in the centre's own file
    const figures = new Map(
      (
        json("centre/[centre].json", data, ["--centre", "katowice"]) as {
          observations: { observation_id: string; quote: string; line: number }[];
        }
      ).observations.map((o) => [o.observation_id, o]),
    );
    const numerator = figures.get(String(katowice?.numerator_observation_id));
    expect(numerator?.quote).toContain("291");
    expect(numerator?.line).toBeGreaterThan(0);
    expect(figures.get(String(katowice?.denominator_observation_id))?.quote).toMatch(/16|szesnast/i);
    for (const r of rows) {
      if (r.numerator !== null) expect(r.numerator_observation_id, JSON.stringify(r)).toBeTruthy();
      if (r.denominator !== null) expect(r.denominator_observation_id, JSON.stringify(r)).toBeTruthy();
      if (r.denominator === null) expect(r.denominator_observation_id).toBeNull();
      expect(r.rank).toBeGreaterThan(0);
    }
    expect(rows.filter((r) => r.numerator_quote !== undefined)).toEqual([]);
    // Kadry says how many centres the loader kept: the page's limit is the loader's
    for (const name of ["STAFFING_CENTRES", "ALL_PERIODS_CENTRES"]) {
      const limit = (file: string) =>
        readFileSync(join(ROOT, file), "utf8").match(new RegExp(`const ${name} = (\\d+);`))?.[1];
      expect(limit("dashboards/kadry.md"), name).toBeDefined();
      expect(limit("dashboards/kadry.md"), name).toBe(limit("dashboards/data/staffing.json.ts"));
    }
  });

  it("gives Jakość danych counts per centre and each centre's coverage and findings in its own file", () => {
    const counts = json("quality.json", data) as {
      centre_id: string | null;
      warnings: number;
      infos: number;
    }[];
    const findings = counts.reduce((n, r) => n + r.warnings + r.infos, 0);
    const centres = (json("centres.json", data) as { centre_id: string }[]).map((c) => c.centre_id);
    let seen = 0;
    for (const id of [...centres, "_"]) {
      const file = json("quality/[centre].json", data, ["--centre", id]) as {
        centre_id: string;
        coverage: { period_id: string; metric_id: string }[];
        quality: { centre_id: string | null; severity: string }[];
      };
      expect(file.centre_id).toBe(id);
      for (const q of file.quality) expect(q.centre_id).toBe(id === "_" ? null : id);
      if (id !== "_") expect(file.coverage.length, id).toBeGreaterThan(0);
      const count = counts.find((r) => (r.centre_id ?? "_") === id);
      expect(file.quality.filter((q) => q.severity === "warn").length).toBe(count?.warnings ?? 0);
      seen += file.quality.length;
    }
    expect(seen).toBe(findings);
    // the Jaworzno contradiction (14 vs 12 families) is a warning in Jaworzno's file
    expect(counts.find((r) => r.centre_id === "jaworzno")?.warnings).toBeGreaterThan(0);
    const bad = runLoader("quality/[centre].json.ts", data, ["--centre", "../etc"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/malformed --centre/);
  });

  it("describes every metric in Polish (the catalogue's description_pl)", () => {
    const rows = json("metrics.json", data) as { metric_id: string; description_pl: string }[];
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) {
      expect(r.description_pl, r.metric_id).toMatch(/[a-ząćęłńóśźż]/);
      expect(r.description_pl, r.metric_id).not.toMatch(/\b(the|in the period|distinct)\b/i);
    }
  });

  it("gives the first page aggregates, never raw rows", () => {
    const r = runLoader("overview.json.ts", data);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout.toString());
    expect(Object.keys(o).sort()).toEqual(
      ["cards", "flags", "freshness", "late", "limits", "map", "shown", "snapshot", "trend"].sort(),
    );
    expect(o.snapshot.centres).toBe(4);
    // the map: one point per centre (few centres), a key figure, each centre's latest year or brak danych
    expect(o.map.mode).toBe("points");
    expect(o.map.rows.map((c: { centre_id: string }) => c.centre_id).sort()).toEqual(
      ["jaworzno", "katowice", "kedzierzyn-kozle", "wroclaw"].sort(),
    );
    expect(
      o.map.rows.filter((c: { value: number | null }) => c.value !== null).length,
    ).toBeGreaterThanOrEqual(2);
    expect(o.shown.map((c: { centre_id: string }) => c.centre_id).sort()).toEqual(
      ["jaworzno", "katowice", "kedzierzyn-kozle", "wroclaw"].sort(),
    );
    // only key metrics, only the latest and the previous comparable period, each with its provenance
    const all = allFigures();
    expect(o.cards.length).toBeLessThan(all.length / 4);
    for (const c of o.cards) {
      expect(c.quote.length).toBeGreaterThan(0);
      expect(c.line).toBeGreaterThan(0);
    }
    const wroclaw2011 = o.trend.find(
      (t: { centre_id: string; period_id: string }) => t.centre_id === "wroclaw" && t.period_id === "2011",
    );
    expect(wroclaw2011?.value).toBe(10309);
    expect(wroclaw2011?.quote).toContain("10 309");
    expect(typeof o.late.available).toBe("boolean");
    expect(r.stdout.length).toBeLessThan(100_000);
  });

  it("publishes every mart of the snapshot as CSV for Polish Excel, Parquet and Arrow", async () => {
    const tables = await runQuery(
      "select table_name from information_schema.tables where table_schema = 'marts' and table_name <> 'partition_status'",
      { columns: ["table_name"] },
    );
    expect([...MARTS].sort()).toEqual(tables.rows.map((r) => r.table_name).sort());

    const published = await publishDashboardData();
    const members = new Map<string, Buffer>(
      readdirSync(join(published.dir, "marts")).map((f) => [
        f,
        readFileSync(join(published.dir, "marts", f)),
      ]),
    );
    expect([...members.keys()].sort()).toEqual(
      MARTS.flatMap((m) => [`${m}.arrow`, `${m}.csv`, `${m}.parquet`]).sort(),
    );

    const csv = members.get("families.csv")?.toString("utf8") ?? "";
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split("\r\n")[0]).toBe(
      "\ufeffcentre_id;period_id;period_kind;year;half;families_assisted;families_social_work;families_social_work_only;families_family_benefits;families_alimony_fund;flags;flagged_metrics",
    );
    expect(members.get("assistance_reasons.csv")?.toString()).toMatch(/;0,\d+;/); // shares with a decimal comma
    expect(members.get("families.parquet")?.subarray(0, 4).toString()).toBe("PAR1");

    const arrow = tableFromIPC(members.get("fct_observation.arrow") ?? new Uint8Array());
    const csvRows = (members.get("fct_observation.csv")?.toString() ?? "").trim().split("\r\n").length - 1;
    expect(arrow.numRows).toBeGreaterThan(0);
    expect(arrow.schema.fields.map((f) => f.name)).toContain("quote");
    expect(csvRows).toBeGreaterThanOrEqual(arrow.numRows); // quotes may hold line breaks, never fewer lines
  });

  it("fails loudly: no snapshot, a missing column, an empty result", async () => {
    const empty = freshDataDir("obs-dash-empty-");
    const r = runLoader("centres.json.ts", empty);
    rmSync(empty, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("loader centres.json.ts failed: no published warehouse");
    expect(r.stdout.length).toBe(0);

    await expect(
      runQuery("select centre_id from marts.dim_centre", { columns: ["centre_id", "name"] }),
    ).rejects.toThrow("the query result lacks column(s) name (it has centre_id)");
    await expect(runQuery("select * from marts.dim_centre where false", { columns: [] })).rejects.toThrow(
      "the query returned no rows",
    );
  });

  it("gives Porównanie a list of series and one file per series, without quotes", async () => {
    const index = json("compare.json", data) as {
      centres: { centre_id: string }[];
      series: { slug: string; metric_id: string; cities: number }[];
    };
    expect(index.centres.length).toBe(4);
    const families = index.series.find((s) => s.slug === "families_assisted");
    expect(families?.cities).toBeGreaterThanOrEqual(1);
    const published = await publishDashboardData();
    const body = readFileSync(join(published.dir, "series", "year", "families_assisted.json"), "utf8");
    expect(body).not.toContain("quote");
    const file = JSON.parse(body) as { rows: { centre_id: string; year: number; value: number | null }[] };
    expect(file.rows).toContainEqual(expect.objectContaining({ centre_id: "wroclaw", value: 10309 }));
    for (const r of file.rows) expect(index.centres.map((c) => c.centre_id)).toContain(r.centre_id);
    // each figure's rate per 10,000 residents comes from marts.rates, with its formula and population source:
    // Wrocław 2013 has the report's own population (631 235, year assumed), the other cities none (null)
    type RatedRow = {
      centre_id: string;
      period_id: string;
      rate_per_10k: number | null;
      rate_note: string | null;
    };
    const seriesOf = (name: string) =>
      JSON.parse(readFileSync(join(published.dir, "series", "year", name), "utf8")) as { rows: RatedRow[] };
    const wma = seriesOf("families_with_family_assistant--wma.json").rows.find((r) => r.period_id === "2013");
    expect(wma?.rate_per_10k).toBeCloseTo((90 / 631235) * 10000, 9);
    expect(wma?.rate_note).toMatch(/^90 \/ 631 235 × 10 000 \(ludność: sprawozdanie/);
    // no population for any city's total: nothing invented
    for (const r of seriesOf("families_with_family_assistant.json").rows) expect(r.rate_per_10k).toBeNull();
  });

  it("gives Rodziny one centre's reasons per file, each with the id of its figure", () => {
    const index = json("reasons.json", data) as { centre_id: string; period_id: string }[];
    const wroclaw = json("reasons/[centre].json", data, ["--centre", "wroclaw"]) as {
      centre_id: string;
      period_id: string;
      reason_label: string;
      families: number | null;
      share: number | null;
      observation_id: string;
    }[];
    expect(wroclaw.length).toBeGreaterThan(0);
    for (const r of wroclaw) {
      expect(r.centre_id).toBe("wroclaw");
      expect(r.observation_id).toBeTruthy();
      expect(index.some((i) => i.centre_id === "wroclaw" && i.period_id === r.period_id)).toBe(true);
    }
  });

  it("gives Jakość danych aggregates of the figures, not the figures", () => {
    const q = json("quality-summary.json", data) as {
      periods: unknown[];
      lost: string[][];
      flags: Record<string, number>;
      figures: number;
    };
    expect(q.periods.length).toBeGreaterThan(0);
    expect(q.figures).toBe(allFigures().length);
    expect(Object.values(q.flags).every((n) => n > 0 && n <= q.figures)).toBe(true);
  });

  it("publishes one file per centre beside the site, then rewrites only what changed", async () => {
    const config = (await import("../observablehq.config.ts")).default;
    expect(config.pages.map((p) => p.path)).toContain("/miasto"); // one template, no page per centre
    expect(config.globalStylesheets).toEqual([]);
    const centres = json("centres.json", data) as { centre_id: string }[];
    const series = json("compare.json", data) as { series: { slug: string; kinds: string[] }[] };
    const first = await publishDashboardData();
    const base = variantDir("internal");
    expect((await readPointer(base))?.buildId).toBe(first.buildId);
    for (const c of centres) {
      expect(existsSync(join(first.dir, "centre", `${c.centre_id}.json`))).toBe(true);
      expect(existsSync(join(first.dir, "quality", `${c.centre_id}.json`))).toBe(true);
      expect(existsSync(join(first.dir, "reasons", `${c.centre_id}.json`))).toBe(true); // ≤ PAGE_CENTRES: all four
    }
    for (const s of series.series)
      for (const k of s.kinds) expect(existsSync(join(first.dir, "series", k, `${s.slug}.json`))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(first.dir, "manifest.json"), "utf8"));
    expect(manifest.snapshot.path).toBe(join(data, "warehouse", "published.duckdb"));
    expect(Object.keys(manifest.fingerprints.centres).sort()).toEqual(centres.map((c) => c.centre_id).sort());

    // the same snapshot again: the per-centre, series and mart files are the previous build's (hard links)
    const second = await publishDashboardData();
    expect(second.buildId).not.toBe(first.buildId);
    expect((await readPointer(base))?.buildId).toBe(second.buildId);
    expect(second.linked).toBeGreaterThan(second.written);
    const wroclaw = (dir: string) => statSync(join(dir, "centre", "wroclaw.json")).ino;
    expect(wroclaw(second.dir)).toBe(wroclaw(first.dir));
    // the page summaries are always written anew
    const overview = (dir: string) => statSync(join(dir, "overview.json")).ino;
    expect(overview(second.dir)).not.toBe(overview(first.dir));
  });
});
