import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import type { ExtractedObservation } from "../sources/lib/observation.ts";
import { runModels } from "../warehouse/build.ts";
import { queryRows } from "../warehouse/duckdb.ts";
import { loadModels } from "../warehouse/models.ts";
import { loadRaw, loadSeeds, RAW_SCHEMA } from "../warehouse/raw.ts";
import type { KnownDocument } from "../warehouse/store.ts";

const doc = (id: string, receivedAt: string | null = null, centreId = "wroclaw"): KnownDocument => ({
  documentId: id,
  path: `/nowhere/${id}.txt`,
  fileName: `${id}.txt`,
  origin: receivedAt ? "stored" : "bundled",
  centreId,
  kind: "test-kind",
  title: "Raport testowy",
  periods: ["2012", "2012-H1"],
  issuedOn: null,
  receivedAt,
  byteSize: 100,
});

const obs = (o: Partial<ExtractedObservation>): ExtractedObservation => ({
  centre_id: "wroclaw",
  period_id: "2012",
  as_of_date: null,
  metric_id: "families_assisted",
  breakdown: null,
  value: 1,
  unit: "families",
  line: 1,
  quote: "x",
  label: "x",
  flags: [],
  note: null,
  ...o,
});

/**
 * TEST DATA, not official figures: a hand-made row of raw.reference_figures (as the GUS BDL connector of
 * branch bdl writes them) for the rate and staffing models; the values are invented for the test.
 */
interface TestReferenceFigure {
  centre_id: string;
  measure: "population_31_dec" | "population_mid_year";
  year: number;
  value: number;
}

/** A small warehouse from hand-made figures: the model SQL and data tests on known inputs. */
async function warehouseOf(
  docs: { doc: KnownDocument; observations: ExtractedObservation[] }[],
  reference: TestReferenceFigure[] = [],
) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await loadSeeds(connection);
  await connection.run(RAW_SCHEMA);
  for (const r of reference) {
    const teryt = r.centre_id === "wroclaw" ? "0264011" : "2469011";
    await connection.run(
      `insert into raw.reference_figures values ($centre, $teryt, $measure, $year, null, $value, '72305',
         'test-unit', 'test://reference-figures (TEST DATA)', timestamp '2026-12-03 12:00:00', 'test')`,
      { centre: r.centre_id, teryt, measure: r.measure, year: r.year, value: r.value },
    );
  }
  await loadRaw(
    connection,
    docs.map((d) => ({
      doc: d.doc,
      extraction: {
        documentId: d.doc.documentId,
        extractorId: "test",
        codeVersion: "x",
        recognition: {
          centre_id: "wroclaw",
          kind: "test-kind",
          title: "t",
          periods: ["2012"],
          issued_on: null,
        },
        observations: d.observations,
      },
    })),
  );
  await runModels(connection);
  const failing = async () => {
    const out: string[] = [];
    for (const t of (await loadModels()).flatMap((m) => m.tests)) {
      const [row] = await queryRows(connection, `select count(*) as n from (${t.sql})`);
      if (Number(row?.n) > 0) out.push(`${t.model}.${t.name}`);
    }
    return out;
  };
  return { q: (sql: string) => queryRows(connection, sql), failing };
}

describe("SQL models and their data tests", () => {
  it("every model has a spec with a description and a grain, and the layers are in order", async () => {
    const models = await loadModels();
    expect(models.map((m) => m.id)).toContain("marts.fct_observation");
    const index = new Map(models.map((m, i) => [m.id, i]));
    for (const m of models)
      for (const d of m.dependsOn) expect(index.get(d)).toBeLessThan(index.get(m.id) ?? -1);
  });

  it("builds and passes its tests on an empty warehouse", async () => {
    const w = await warehouseOf([]);
    expect(await w.failing()).toEqual([]);
  });

  it("warns when a distinct count of H1 exceeds the year, without changing the values", async () => {
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          obs({ metric_id: "families_family_benefits", period_id: "2012", value: 100 }),
          obs({ metric_id: "families_family_benefits", period_id: "2012-H1", value: 120, line: 2 }),
        ],
      },
    ]);
    expect(await w.failing()).toEqual(["marts.fct_observation.h1_not_above_year_for_distinct_counts"]);
    expect(await w.q("select value from marts.fct_observation order by value")).toEqual([
      { value: 100 },
      { value: 120 },
    ]);
  });

  it("derives H2 for additive flows only and marks it", async () => {
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          obs({ metric_id: "nk_a_forms", unit: "forms", period_id: "2012", value: 412 }),
          obs({ metric_id: "nk_a_forms", unit: "forms", period_id: "2012-H1", value: 209, line: 2 }),
        ],
      },
    ]);
    expect(
      await w.q("select period_id, value, is_derived from marts.niebieska_karta where is_derived"),
    ).toEqual([{ period_id: "2012-H2", value: 203, is_derived: true }]);
    expect(await w.failing()).toEqual([]);
  });

  it("keeps a missing ratio null, never 0", async () => {
    const w = await warehouseOf([
      { doc: doc("a"), observations: [obs({ metric_id: "families_with_family_assistant", value: 106 })] },
    ]);
    const [row] = await w.q("select numerator, denominator, ratio, verdict, note_pl from marts.staffing");
    expect(row).toMatchObject({ numerator: 106, denominator: null, ratio: null, verdict: "brak danych" });
    expect(String(row?.note_pl)).toMatch(/nie liczbę asystentów/);
  });

  it("never judges families counted over a whole year against the limit; the year-end estimate is, with its formula", async () => {
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          obs({
            period_id: "2025",
            metric_id: "families_with_family_assistant",
            value: 74,
            flags: ["whole_year_count"],
          }),
          obs({
            period_id: "2025",
            metric_id: "family_assistants",
            unit: "persons",
            value: 4,
            line: 2,
            flags: ["number_word"],
          }),
          obs({ period_id: "2025", metric_id: "families_assistance_ended", value: 21, line: 3 }),
        ],
      },
    ]);
    expect(await w.failing()).toEqual([]);
    const rows = await w.q(
      `select measure, numerator, denominator, ratio, norm, verdict, exceeds_norm, formula_pl, len(source_ids) as sources,
         flags, legal_basis_pl
       from marts.staffing order by measure`,
    );
    expect(rows).toMatchObject([
      {
        measure: "families_per_family_assistant",
        ratio: 74 / 4,
        norm: 15,
        verdict: "nieporównywalne",
        exceeds_norm: null,
        formula_pl: "74 / 4",
        sources: 2,
      },
      {
        measure: "families_per_family_assistant_year_end",
        numerator: 53,
        ratio: 53 / 4,
        verdict: "w normie",
        exceeds_norm: false,
        formula_pl: "(74 − 21) / 4",
        sources: 3,
      },
    ]);
    // the assistants' flag travels to both rows; the estimate is a stock at year end, not a whole-year count
    expect(rows.map((r) => r.flags)).toEqual([
      expect.arrayContaining(["number_word", "whole_year_count"]),
      ["number_word"],
    ]);
    expect(String(rows[1]?.legal_basis_pl)).toMatch(/art\. 15 ust\. 4.*15 rodzinami/);
  });

  it("cites the limit in force in each year: 20 families in the act's first wording, none before 2012", async () => {
    // families at a time (a stock at a date), so comparable with the limit
    const atATime = (period_id: string, value: number, line: number) =>
      obs({
        period_id,
        metric_id: "families_with_family_assistant",
        as_of_date: `${period_id}-12-31`,
        value,
        line,
      });
    const assistants = (period_id: string, line: number) =>
      obs({ period_id, metric_id: "family_assistants", unit: "persons", value: 1, line });
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          atATime("2011", 18, 1),
          assistants("2011", 2),
          atATime("2013", 18, 3),
          assistants("2013", 4),
          atATime("2024", 18, 5),
          assistants("2024", 6),
        ],
      },
    ]);
    expect(await w.failing()).toEqual([]);
    expect(
      await w.q(
        "select period_id, norm, norm_id, verdict, exceeds_norm from marts.staffing order by period_id",
      ),
    ).toEqual([
      { period_id: "2011", norm: null, norm_id: null, verdict: "nieporównywalne", exceeds_norm: null },
      { period_id: "2013", norm: 20, norm_id: "uwr_15_4_2012", verdict: "w normie", exceeds_norm: false },
      { period_id: "2024", norm: 15, norm_id: "uwr_15_4_2016", verdict: "powyżej normy", exceeds_norm: true },
    ]);
  });

  it("rates per 10,000 residents: GUS population of the matching date preferred, the report's otherwise, none invented", async () => {
    const w = await warehouseOf(
      [
        {
          doc: doc("a"),
          observations: [
            obs({ period_id: "2011", value: 10309 }),
            obs({ period_id: "2012", value: 8738, line: 2 }),
            obs({ period_id: "2012-H1", value: 7225, line: 3 }),
            obs({ period_id: "2012", metric_id: "residents", unit: "persons", value: 631235, line: 4 }),
            obs({ period_id: "2013", value: 7728, line: 5 }),
            obs({
              period_id: "2013",
              metric_id: "residents",
              unit: "persons",
              value: 630000,
              line: 6,
              flags: ["period_assumed"],
            }),
            obs({ period_id: "2012", metric_id: "social_workers", unit: "persons", value: 205, line: 7 }),
            obs({ period_id: "2012", metric_id: "nk_a_forms", unit: "forms", value: 412, line: 8 }),
          ],
        },
      ],
      // TEST DATA: invented populations, not GUS figures
      [
        { centre_id: "wroclaw", measure: "population_31_dec", year: 2012, value: 600000 },
        { centre_id: "wroclaw", measure: "population_mid_year", year: 2012, value: 610000 },
      ],
    );
    expect(await w.failing()).toEqual([]);
    const rates = await w.q(
      `select period_id, value, population, population_source, rate_per_10k, formula_pl, source_ids, flags, note_pl
       from marts.rates where metric_id = 'families_assisted' order by period_id`,
    );
    expect(rates).toMatchObject([
      {
        period_id: "2011",
        population: null,
        rate_per_10k: null,
        formula_pl: null,
        note_pl: "brak liczby mieszkańców",
      },
      {
        period_id: "2012",
        population: 600000,
        population_source: "gus_bdl",
        rate_per_10k: (8738 / 600000) * 10000,
        formula_pl: "8 738 / 600 000 × 10 000",
        note_pl: null,
      },
      {
        period_id: "2012-H1",
        population: 610000,
        population_source: "gus_bdl",
        rate_per_10k: (7225 / 610000) * 10000,
      },
      {
        period_id: "2013",
        population: 630000,
        population_source: "report",
        rate_per_10k: (7728 / 630000) * 10000,
      },
    ]);
    expect(rates[1]?.source_ids).toEqual([expect.any(String), "bdl:72305:test-unit:2012"]);
    // the report's population of 2013 has an assumed date: its flag travels with the rate
    expect(rates[3]?.flags).toEqual(["period_assumed"]);
    // only counts of persons, families, children or cases get a rate
    expect(
      await w.q("select count(*) as n from marts.rates where metric_id in ('nk_a_forms', 'residents')"),
    ).toEqual([{ n: 0 }]);
    // residents per social worker takes the GUS population too, and says whose
    expect(
      await w.q(
        "select numerator, population_source, numerator_observation_id, verdict, staff_scope from marts.staffing where measure = 'residents_per_social_worker' and period_id = '2012'",
      ),
    ).toEqual([
      {
        numerator: 600000,
        population_source: "gus_bdl",
        numerator_observation_id: null,
        verdict: "nieporównywalne",
        staff_scope: "field",
      },
    ]);
  });

  it("the comparable layer: a harmonised total of a centre's programme parts, marked derived with its formula and sources", async () => {
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          obs({ metric_id: "family_assistants", unit: "persons", breakdown: "wma", value: 20, line: 1 }),
          obs({ metric_id: "family_assistants", unit: "persons", breakdown: "mops", value: 2, line: 2 }),
          obs({ metric_id: "nk_a_forms", unit: "forms", value: 412, line: 3 }),
          obs({ metric_id: "nk_a_forms", unit: "forms", period_id: "2012-H1", value: 209, line: 4 }),
        ],
      },
      {
        doc: doc("b", null, "katowice"),
        observations: [
          obs({ centre_id: "katowice", metric_id: "family_assistants", unit: "persons", value: 16 }),
          obs({ centre_id: "katowice", metric_id: "nk_a_forms", unit: "forms", value: 500, line: 2 }),
          obs({
            centre_id: "katowice",
            metric_id: "nk_a_forms",
            unit: "forms",
            period_id: "2012-H2",
            value: 260,
            line: 3,
          }),
        ],
      },
    ]);
    expect(await w.failing()).toEqual([]);
    expect(
      await w.q(
        `select c.centre_id, c.metric_id, c.period_id, c.value, c.derivation, c.formula_pl, len(c.source_ids) as sources,
           n.centres_in_period
         from marts.comparable c
         join intermediate.int_comparable_counts n
           on n.metric_id = c.metric_id and n.breakdown is not distinct from c.breakdown and n.unit = c.unit
             and n.period_id = c.period_id
         where c.metric_id = 'family_assistants' order by c.centre_id`,
      ),
    ).toEqual([
      {
        centre_id: "katowice",
        metric_id: "family_assistants",
        period_id: "2012",
        value: 16,
        derivation: "read",
        formula_pl: null,
        sources: 1,
        centres_in_period: 2,
      },
      {
        centre_id: "wroclaw",
        metric_id: "family_assistants",
        period_id: "2012",
        value: 22,
        derivation: "harmonised_total",
        formula_pl: "2 (mops) + 20 (wma)",
        sources: 2,
        centres_in_period: 2,
      },
    ]);
    // H2 = year − H1 where the document gives no H2, comparable with a centre that states its H2
    expect(
      await w.q(
        "select centre_id, value, derivation, formula_pl, flags from marts.comparable where metric_id = 'nk_a_forms' and period_id = '2012-H2' order by centre_id",
      ),
    ).toEqual([
      { centre_id: "katowice", value: 260, derivation: "read", formula_pl: null, flags: [] },
      {
        centre_id: "wroclaw",
        value: 203,
        derivation: "h2_from_year",
        formula_pl: "412 − 209",
        flags: ["derived"],
      },
    ]);
    expect(
      await w.q("select formula_pl, len(source_ids) as sources from marts.niebieska_karta where is_derived"),
    ).toEqual([{ formula_pl: "412 − 209", sources: 2 }]);
  });

  it("a contradicted or assumed figure keeps its flag in every mart that shows it", async () => {
    const w = await warehouseOf([
      {
        doc: doc("a"),
        observations: [
          obs({ metric_id: "families_social_work", value: 14, line: 2, flags: ["contradiction"] }),
          obs({ metric_id: "families_social_work", value: 12, line: 9, flags: ["contradiction"] }),
          obs({ metric_id: "families_assisted", value: 100, line: 3 }),
          obs({
            metric_id: "families_by_reason",
            breakdown: "poverty",
            value: 40,
            line: 4,
            flags: ["period_assumed"],
          }),
          obs({ metric_id: "nk_a_forms", unit: "forms", value: 30, line: 5, flags: ["number_word"] }),
          obs({ metric_id: "social_workers", unit: "persons", value: 5, line: 6, flags: ["period_assumed"] }),
        ],
      },
    ]);
    expect(await w.q("select families_social_work, flags, flagged_metrics from marts.families")).toEqual([
      { families_social_work: null, flags: ["contradiction"], flagged_metrics: ["families_social_work"] },
    ]);
    expect(await w.q("select flags from marts.assistance_reasons")).toEqual([{ flags: ["period_assumed"] }]);
    expect(await w.q("select flags from marts.niebieska_karta")).toEqual([{ flags: ["number_word"] }]);
    // the contradicted families in social work: no ratio, both the contradiction and the staff's flag shown
    const [work] = await w.q(
      "select numerator, verdict, flags from marts.staffing where measure = 'families_in_social_work_per_social_worker'",
    );
    expect(work).toMatchObject({ numerator: null, verdict: "brak danych" });
    expect([...((work?.flags as string[]) ?? [])].sort()).toEqual(["contradiction", "period_assumed"]);
  });

  it("a re-issued report supersedes the earlier one; the history keeps both and the figure is marked corrected", async () => {
    const w = await warehouseOf([
      { doc: doc("old"), observations: [obs({ value: 10 })] },
      { doc: doc("new", "2026-01-01T00:00:00Z"), observations: [obs({ value: 11 })] },
    ]);
    expect(await w.q("select document_id, value, is_corrected from marts.fct_observation")).toEqual([
      { document_id: "new", value: 11, is_corrected: true },
    ]);
    expect(
      await w.q("select document_id, is_current from marts.observation_history order by version"),
    ).toEqual([
      { document_id: "old", is_current: false },
      { document_id: "new", is_current: true },
    ]);
    expect(await w.failing()).toEqual([]);
  });

  it("marks corrected only figures whose value changed, not an unchanged contradiction pair", async () => {
    // The report states one figure twice, 14 and 12 (a contradiction, both kept); its correction
    // changes another figure only, then a third version takes the first figure back to what v1 said.
    const pair = [
      obs({ metric_id: "families_social_work", value: 14, line: 2, flags: ["contradiction"] }),
      obs({ metric_id: "families_social_work", value: 12, line: 9, flags: ["contradiction"] }),
    ];
    const w = await warehouseOf([
      { doc: doc("v1"), observations: [obs({ value: 10 }), ...pair] },
      { doc: doc("v2", "2026-01-01T00:00:00Z"), observations: [obs({ value: 11 }), ...pair] },
      { doc: doc("v3", "2026-02-01T00:00:00Z"), observations: [obs({ value: 10 }), ...pair] },
    ]);
    expect(
      await w.q("select metric_id, value, is_corrected from marts.fct_observation order by metric_id, value"),
    ).toEqual([
      // 11 in v2, 10 again in v3: changed from the version it replaced
      { metric_id: "families_assisted", value: 10, is_corrected: true },
      { metric_id: "families_social_work", value: 12, is_corrected: false },
      { metric_id: "families_social_work", value: 14, is_corrected: false },
    ]);
    // one of the pair corrected: that one only
    const w2 = await warehouseOf([
      { doc: doc("v1"), observations: pair },
      {
        doc: doc("v2", "2026-01-01T00:00:00Z"),
        observations: [pair[0] as ExtractedObservation, { ...(pair[1] as ExtractedObservation), value: 13 }],
      },
    ]);
    expect(await w2.q("select value, is_corrected from marts.fct_observation order by value")).toEqual([
      { value: 13, is_corrected: true },
      { value: 14, is_corrected: false },
    ]);
  });

  it("fails the not-null test when a value is null without a missing flag", async () => {
    const w = await warehouseOf([
      { doc: doc("a"), observations: [obs({ value: null, flags: ["missing"] })] },
    ]);
    expect(await w.failing()).toEqual([]);
    const bad = await warehouseOf([{ doc: doc("a"), observations: [{ ...obs({}), value: null }] }]);
    expect(await bad.failing()).toEqual(
      expect.arrayContaining([
        "staging.stg_observations.value_or_missing_flag",
        "marts.fct_observation.not_null_value",
      ]),
    );
  });
});
