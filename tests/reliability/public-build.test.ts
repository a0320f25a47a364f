/**
 * The optional public build of the dashboards hides small counts of persons (1–4) everywhere a reader
 * could find them: values, the quotes they were read from, the ratios built on them; the internal build
 * (the default) and the published warehouse stay as they are.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMALL_COUNT_THRESHOLD, suppressSmallCounts } from "../../dashboards/public.ts";
import { openDuckDb, queryRows } from "../../warehouse/duckdb.ts";
import { sqlJson } from "../helpers/cli.ts";
import { disposeDataDirs, filesUnder, hashFile, npmRunAsync, refreshedDataDir } from "./helpers.ts";

interface SmallFigure {
  observation_id: string;
  metric_id: string;
  value: number;
  quote: string;
}

const SMALL_PERSON_COUNTS = `
  select observation_id, metric_id, value, quote from marts.fct_observation
  where unit in ('persons', 'families', 'children', 'cases') and value > 0 and value < ${SMALL_COUNT_THRESHOLD}
    and metric_id not like 'staff\\_%' escape '\\'
    and metric_id not in ('social_workers', 'family_assistants', 'residents')`;

describe("the public build of the dashboards", () => {
  let data: string;
  let small: SmallFigure[];

  beforeAll(() => {
    data = refreshedDataDir("obs-public-");
    small = sqlJson<SmallFigure>(data, SMALL_PERSON_COUNTS);
  });
  afterAll(() => disposeDataDirs([data]));

  it("has small counts of persons to hide in the real reports (the test can fail)", () => {
    expect(small.length).toBeGreaterThan(0);
    expect(small.map((f) => f.metric_id)).toContain("integration_health_insurance_persons");
  });

  it("hides each small count, its quote and its provenance text in every table of its snapshot copy", async () => {
    const copy = join(data, "public-copy.duckdb");
    copyFileSync(join(data, "warehouse", "published.duckdb"), copy);
    const { figures } = await suppressSmallCounts(copy);
    expect(figures).toBeGreaterThanOrEqual(small.length);
    const db = await openDuckDb(copy, { access_mode: "READ_ONLY" });
    try {
      const left = await queryRows(db.connection, SMALL_PERSON_COUNTS);
      expect(left).toEqual([]);
      const flagged = await queryRows(
        db.connection,
        `select observation_id, value, quote from marts.fct_observation where list_contains(flags, 'suppressed')`,
      );
      expect(flagged.map((r) => r.observation_id).sort()).toEqual(small.map((f) => f.observation_id).sort());
      expect(flagged.every((r) => r.value === null && /ukryto/.test(String(r.quote)))).toBe(true);
      // every text column of every table: no quote of a hidden figure is left anywhere
      const columns = await queryRows(
        db.connection,
        `select table_schema, table_name, column_name from information_schema.columns
         where data_type = 'VARCHAR' and table_catalog = current_database()`,
      );
      for (const f of small) {
        for (const c of columns) {
          const hits = await queryRows(
            db.connection,
            `select count(*)::int as n from "${c.table_schema}"."${c.table_name}" where "${c.column_name}" = $1`,
            [f.quote],
          );
          expect(hits[0]?.n, `${f.quote} in ${c.table_schema}.${c.table_name}.${c.column_name}`).toBe(0);
        }
      }
      const schemas = (
        await queryRows(db.connection, "select schema_name from information_schema.schemata")
      ).map((r) => r.schema_name);
      expect(schemas).not.toContain("raw");
      expect(schemas).not.toContain("staging");
      // intermediate.int_comparable_figures carries marts.comparable's values unsuppressed
      expect(schemas).not.toContain("intermediate");
    } finally {
      db.close();
    }
  });

  it("publishes data without the hidden quotes, and leaves the published warehouse byte for byte", async () => {
    const published = join(data, "warehouse", "published.duckdb");
    const before = hashFile(published);
    const r = await npmRunAsync("build", ["--public"], data);
    expect(r.stderr + r.stdout).toMatch(/Public data: \d+ figure\(s\)/);
    expect(r.status).toBe(0);
    expect(hashFile(published)).toBe(before);
    // the site holds no data; the public data is published beside it
    expect(existsSync(join(data, "dashboards", "data", "internal"))).toBe(false);
    const site = join(data, "dashboards", "data", "public");
    const texts = filesUnder(site)
      .filter((f) => /\.(html|js|json|csv)$/.test(f) && !f.startsWith("_npm") && !f.startsWith("_node"))
      .map((f) => ({ f, text: readFileSync(join(site, f), "utf8") }));
    expect(texts.some(({ text }) => text.includes("ukryto: mniej niż 5"))).toBe(true);
    for (const figure of small)
      for (const { f, text } of texts)
        expect(text.includes(figure.quote), `${figure.quote} in ${f}`).toBe(false);
  });
});
