import { afterAll, describe, expect, it } from "vitest";
import { createPool } from "../../pipelines/db.ts";
import { openDatabase } from "../../pipelines/postgres.ts";
import { disposeDataDirs, npmRunAsync } from "../reliability/helpers.ts";
import { freshDataDir } from "./helpers.ts";

/**
 * `npm run status` only reads (issue 15, item 3): on a Postgres whose schemas were never set up it
 * says so and shows the document store; it creates neither graphile-worker's schema nor the run log.
 */
describe("npm run status, only reading", () => {
  const data = freshDataDir("obs-status-reads-");
  afterAll(() => disposeDataDirs([data]));

  it("says the schema is not set up, and leaves it so", async () => {
    process.env.OBS_DATA_DIR = data;
    const database = await openDatabase();
    if (!database) throw new Error("no database");
    await database.stop();
    const r = await npmRunAsync("status", ["--json"], data);
    expect(r.status, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as { notes: string[]; documents: { state: string }[] };
    expect(status.notes.join("\n")).toMatch(/schema is not set up yet/);
    expect(status.documents.length, "the bundled reports, from the store").toBeGreaterThan(0);

    const again = await openDatabase();
    if (!again) throw new Error("no database");
    const pool = createPool(again.connectionString, () => {}, 1);
    try {
      const { rows } = await pool.query<{ nspname: string }>(
        "select nspname from pg_namespace where nspname in ('graphile_worker', 'obs')",
      );
      expect(rows, "no schema was created").toEqual([]);
    } finally {
      await pool.end();
      await again.stop();
      delete process.env.OBS_DATA_DIR;
    }
  });
});
