import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import type { ExtractedObservation } from "../sources/lib/observation.ts";
import { runModels } from "../warehouse/build.ts";
import { queryRows } from "../warehouse/duckdb.ts";
import { loadModels } from "../warehouse/models.ts";
import { loadRaw, loadSeeds, RAW_SCHEMA } from "../warehouse/raw.ts";
import type { KnownDocument } from "../warehouse/store.ts";

const doc = (id: string, receivedAt: string | null = null): KnownDocument => ({
  documentId: id,
  path: `/nowhere/${id}.txt`,
  fileName: `${id}.txt`,
  origin: receivedAt ? "stored" : "bundled",
  centreId: "wroclaw",
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

/** A small warehouse from hand-made figures: the model SQL and data tests on known inputs. */
async function warehouseOf(docs: { doc: KnownDocument; observations: ExtractedObservation[] }[]) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await loadSeeds(connection);
  await connection.run(RAW_SCHEMA);
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
    const [row] = await w.q("select numerator, denominator, ratio, note_pl from marts.staffing");
    expect(row).toMatchObject({ numerator: 106, denominator: null, ratio: null });
    expect(String(row?.note_pl)).toMatch(/nie liczbę asystentów/);
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
