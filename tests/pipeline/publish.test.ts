import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "../../lib/config.ts";
import { buildWarehouse } from "../../warehouse/build.ts";
import { testWarehouse } from "../../warehouse/data-tests.ts";
import { openDuckDb } from "../../warehouse/duckdb.ts";
import { DataTestsFailed } from "../../warehouse/errors.ts";
import { refresh } from "../../warehouse/refresh.ts";
import { freshDataDir } from "../helpers/cli.ts";

const hashOf = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("atomic publishing", () => {
  beforeAll(async () => {
    process.env.OBS_DATA_DIR = freshDataDir();
    await refresh();
  });

  it("builds into a new file, never into the published snapshot", async () => {
    const { buildPath } = await buildWarehouse();
    expect(buildPath).not.toBe(dataPaths().published);
    expect(buildPath.startsWith(dataPaths().builds)).toBe(true);
  });

  it("does not publish a build whose error-severity data test fails, and the snapshot stays as it was", async () => {
    const published = dataPaths().published;
    const before = hashOf(published);
    const { buildPath } = await buildWarehouse();
    const db = await openDuckDb(buildPath);
    // A duplicated centre breaks the unique grain of marts.dim_centre (severity error).
    await db.connection.run("insert into marts.dim_centre select * from marts.dim_centre limit 1");
    db.close();
    const failure = await testWarehouse(buildPath).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DataTestsFailed);
    expect((failure as Error).message).toMatch(/marts\.dim_centre: unique_grain/);
    expect(hashOf(published)).toBe(before);
  });

  it("records failed warnings in marts.data_quality instead of blocking", async () => {
    const { buildPath } = await buildWarehouse();
    const result = await testWarehouse(buildPath);
    const db = await openDuckDb(buildPath, { access_mode: "READ_ONLY" });
    const reader = await db.connection.runAndReadAll(
      "select count(*)::int as n from marts.data_quality where check_name like 'test:%'",
    );
    db.close();
    expect(result.warnings).toBeGreaterThan(0); // Wrocław's H1 2012 > 2012 family benefits
    expect(Number(reader.getRowObjectsJS()[0]?.n)).toBeGreaterThan(0);
    expect(existsSync(buildPath)).toBe(true);
  });
});
