/**
 * The offline path as a user takes it: `npm run reference -- import` of a BDL website export, then
 * `npm run refresh` and `npm run sql`: the four centres' population with its provenance in
 * staging.stg_reference_figures; the planner makes the next build full because the reference data changed;
 * a rejected file changes nothing. No network.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmRun, sqlJson } from "../helpers/cli.ts";
import { refreshedDataDir } from "../helpers/prepared-dirs.ts";
import { disposeDataDirs } from "../reliability/helpers.ts";
import { FIXTURES } from "./bdl-server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run reference -- import, then refresh", () => {
  // everything bundled published, as `npm run refresh` leaves it (the run's one, copied), without reference data
  let dataDir: string;
  const previous = process.env.OBS_DATA_DIR;
  beforeAll(() => {
    dataDir = refreshedDataDir("obs-reference-");
    process.env.OBS_DATA_DIR = dataDir;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.OBS_DATA_DIR;
    else process.env.OBS_DATA_DIR = previous;
    if (dataDir) await disposeDataDirs([dataDir]);
  });

  it("has --help on every command", () => {
    for (const sub of ["fetch", "import", "units", "status"]) {
      const r = npmRun("reference", [sub, "--help"], dataDir);
      expect(r.status, sub).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: npm run reference -- ${sub}`));
    }
    expect(npmRun("reference", ["--help"], dataDir).stdout).toMatch(/Commands:\n {2}fetch/);
  });

  it("without reference data the build has an empty staging.stg_reference_figures", () => {
    expect(sqlJson(dataDir, "select count(*)::int as n from staging.stg_reference_figures")).toEqual([
      { n: 0 },
    ]);
  });

  it("rejects a file of another layout, naming it and the reason, and changes nothing", () => {
    const bad = join(dataDir, "nie-bdl.csv");
    writeFileSync(bad, "TERYT,Nazwa,2023\n0264011,Wrocław,1\n");
    const r = npmRun("reference", ["import", bad], dataDir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /✗ import odrzucony: nie-bdl\.csv: to nie jest eksport CSV z BDL.*Dane referencyjne bez zmian — import rejected/,
    );
    expect(npmRun("reference", ["status"], dataDir).stdout).toMatch(/brak — no reference figures/);
  });

  it("imports the export: the next build is full because the reference data changed, and shows the population with its provenance", async () => {
    const r = npmRun("reference", ["import", join(FIXTURES, "ludnosc-2019-2024.csv")], dataDir);
    // the only line on stderr is the hint that the next build loads the figures
    expect(r.stderr.trim()).toMatch(/^Do hurtowni trafią przy następnej budowie: npm run refresh/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /✓ zaimportowano 29 liczb \(population_31_dec, zmienna 72305, lata 2019, 2020, 2021, 2022, 2023, 2024\) z ludnosc-2019-2024\.csv/,
    );
    const status = npmRun("reference", ["status"], dataDir).stdout;
    expect(status).toMatch(
      /population_31_dec: 29 liczb, lata 2019–2024, ośrodki: jaworzno, katowice, kedzierzyn-kozle, wroclaw; źródło: bdl-csv:ludnosc-2019-2024\.csv/,
    );

    // The planner (as the service's build task asks it): a full build, and why.
    const { planFromStore } = await import("../../warehouse/refresh.ts");
    const plan = await planFromStore();
    expect(plan).toMatchObject({ kind: "full", reason: "reference changed" });

    expect(npmRun("refresh", [], dataDir).status).toBe(0);
    const rows = sqlJson<Record<string, unknown>>(
      dataDir,
      `select centre_id, measure, year, reference_date::varchar as reference_date, value, variable_id, unit_id,
         source_url, origin, retrieved_at is not null as dated
       from staging.stg_reference_figures where year = 2023 order by centre_id`,
    );
    expect(rows).toEqual(
      [
        ["jaworzno", "2468011", 88949],
        ["katowice", "2469011", 282815],
        ["kedzierzyn-kozle", "1603011", 58895],
        ["wroclaw", "0264011", 673923],
      ].map(([centre_id, teryt, value]) => ({
        centre_id,
        measure: "population_31_dec",
        year: 2023,
        reference_date: "2023-12-31",
        value,
        variable_id: "72305",
        // No register fetched on this machine: the unit is named by its TERYT code.
        unit_id: `teryt:${teryt}`,
        source_url: "bdl-csv:ludnosc-2019-2024.csv (kolumna „ogółem;2023;[osoba]”)",
        origin: "bdl-csv:ludnosc-2019-2024.csv",
        dated: true,
      })),
    );
    // Bolesławiec is in the export but not a centre: not loaded (it stays in figures.csv for a grown seed).
    expect(sqlJson(dataDir, "select count(*)::int as n from staging.stg_reference_figures")).toEqual([
      { n: 24 },
    ]);
    expect(readFileSync(join(dataDir, "reference", "figures.csv"), "utf8")).toMatch(
      /^0201011,population_31_dec,2019,/m,
    );
  });

  it("then rates per 10,000 residents use the GUS population of 31 XII, and the published page data carries them", () => {
    // Katowice 2024: 291 families with an assistant; GUS population at 31 XII 2024 (test data): 279 190
    const [rate] = sqlJson<{ rate_per_10k: number; population_source: string; formula_pl: string }>(
      dataDir,
      `select rate_per_10k, population_source, formula_pl from marts.rates
       where centre_id = 'katowice' and period_id = '2024' and metric_id = 'families_with_family_assistant'
         and breakdown is null`,
    );
    expect(rate?.population_source).toBe("gus_bdl");
    expect(rate?.rate_per_10k).toBeCloseTo((291 / 279190) * 10000, 9);
    expect(rate?.formula_pl).toBe("291 / 279 190 × 10 000");
    // the verdict from whole-year counts stays "nieporównywalne" whatever the population
    expect(
      sqlJson(
        dataDir,
        `select verdict from marts.staffing where centre_id = 'katowice' and measure = 'families_per_family_assistant'`,
      ),
    ).toEqual([{ verdict: "nieporównywalne" }]);
    const publish = spawnSync("npx", ["tsx", "dashboards/publish-data.ts", "--json"], {
      cwd: ROOT,
      env: { ...process.env, OBS_DATA_DIR: dataDir },
      encoding: "utf8",
      timeout: 280_000,
    });
    expect(publish.status, publish.stderr).toBe(0);
    const { dir } = JSON.parse(publish.stdout.trim().split("\n").at(-1) ?? "{}") as { dir: string };
    const series = JSON.parse(
      readFileSync(join(dir, "series", "year", "families_with_family_assistant.json"), "utf8"),
    ) as {
      rows: { centre_id: string; period_id: string; rate_per_10k: number | null; rate_note: string | null }[];
    };
    const katowice = series.rows.find((r) => r.centre_id === "katowice" && r.period_id === "2024");
    expect(katowice?.rate_per_10k).toBeCloseTo((291 / 279190) * 10000, 9);
    expect(katowice?.rate_note).toMatch(/^291 \/ 279 190 × 10 000 \(ludność: GUS/);
  });
});
