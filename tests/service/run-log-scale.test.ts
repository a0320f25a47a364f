import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, createPool, type Db, INSERT_BATCH, migrate } from "../../pipelines/db.ts";
import { openDatabase } from "../../pipelines/postgres.ts";
import { registerKnownDocuments, syncDocumentStates } from "../../pipelines/published.ts";
import type { KnownDocument } from "../../warehouse/store.ts";
import { freshDataDir } from "./helpers.ts";

/**
 * The run log at national scale: tens of thousands of documents written at once. Postgres takes at
 * most 65,535 parameters in one statement, so one INSERT of 37,515 documents × 8 columns failed
 * ("bind message has 47541 parameter formats but 0 parameters") and every publish after it with it.
 */
describe("the run log takes a national number of documents at once", () => {
  const data = freshDataDir("obs-run-log-scale-");
  const N = 10_017; // more rows than one statement may carry at 8+ columns (65,535 / 8 = 8,191)
  let db: Db;
  let close: () => Promise<void>;

  const documents: KnownDocument[] = Array.from({ length: N }, (_, i) => ({
    documentId: `doc${String(i).padStart(6, "0")}`,
    path: `/nowhere/doc${i}.txt`,
    fileName: `doc${i}.txt`,
    origin: "stored",
    centreId: `g${String(i % 2477).padStart(7, "0")}`,
    kind: "sprawozdanie-gpwr",
    title: "Sprawozdanie",
    periods: [String(2011 + (i % 15))],
    issuedOn: null,
    receivedAt: null,
    byteSize: 1000,
  }));

  beforeAll(async () => {
    process.env.OBS_DATA_DIR = data;
    const database = await openDatabase({});
    if (!database) throw new Error("no database");
    const pool = createPool(database.connectionString, () => {}, 3);
    db = createDb(pool);
    await migrate(pool, db);
    close = async () => {
      await db.destroy();
      await database.stop();
    };
  }, 120_000);

  afterAll(async () => {
    await close?.();
    rmSync(data, { recursive: true, force: true });
  });

  it("registers every known document, then marks them loaded or superseded from the snapshot", async () => {
    expect(N * 8).toBeGreaterThan(65_535);
    expect(N).toBeGreaterThan(INSERT_BATCH);
    await registerKnownDocuments(db, documents);
    const count = async (state?: string) => {
      let q = db.selectFrom("obs.documents").select((eb) => eb.fn.countAll<string>().as("n"));
      if (state) q = q.where("state", "=", state as "stored");
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    expect(await count("stored")).toBe(N);

    const current = await syncDocumentStates(db, {
      fingerprint: null,
      build: null,
      documents: documents.map((d, i) => ({
        document_id: d.documentId,
        file_name: d.fileName,
        origin: d.origin,
        centre_id: d.centreId,
        kind: d.kind,
        periods: d.periods,
        received_at: null,
        is_current: i % 100 !== 0,
        superseded_by: i % 100 === 0 ? "a-later-version" : null,
      })),
    });
    expect(current).toBe(N - Math.ceil(N / 100));
    expect(await count("loaded")).toBe(current);
    expect(await count("superseded")).toBe(Math.ceil(N / 100));
    expect(await count()).toBe(N);
  });
});
