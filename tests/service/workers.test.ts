import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublished } from "../../pipelines/published.ts";
import {
  bundled,
  freshDataDir,
  JAWORZNO,
  KATOWICE,
  openRunLog,
  type ServiceProcess,
  startService,
  stopServices,
  until,
  variant,
} from "./helpers.ts";

/**
 * Two worker processes against one Postgres (DATABASE_URL), sharing the data dir as two machines
 * would share a volume: every report is accepted and extracted exactly once, and the DuckDB writes
 * (build, tests, publish) never overlap.
 */
describe("two workers on one Postgres", () => {
  const data = freshDataDir("obs-service-workers-");
  const services: ServiceProcess[] = [];
  let log: Awaited<ReturnType<typeof openRunLog>>;
  let databaseUrl: string;

  beforeAll(async () => {
    // The test owns the embedded Postgres; the workers only get its address.
    log = await openRunLog(data);
    databaseUrl = log.connectionString;
    for (let i = 0; i < 2; i++) services.push(startService(data, { env: { DATABASE_URL: databaseUrl } }));
    await Promise.all(services.map((s) => s.waitFor(/Ready in/)));
  });

  afterAll(async () => {
    await stopServices();
    await log?.close();
  });

  it("processes each dropped report exactly once", async () => {
    await until("the bundled reports to be published", async () => {
      const n = await log.db
        .selectFrom("obs.documents")
        .select("state")
        .where("state", "=", "loaded")
        .execute();
      return n.length === 5;
    });
    const reports = [
      variant(JAWORZNO, 3),
      variant(KATOWICE, 3),
      variant(bundled("kedzierzyn-kozle", "kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt"), 3),
      variant(JAWORZNO, 4),
      variant(KATOWICE, 4),
      variant(bundled("wroclaw", "wroclaw_mops_dobre-praktyki_2000-2013.txt"), 3),
    ];
    reports.forEach((text, i) => {
      writeFileSync(join(data, "inbox", `raport-${i + 1}.txt`), text);
    });
    const docs = await until("all six reports to be published", async () => {
      const rows = await log.db
        .selectFrom("obs.documents")
        .select(["document_id", "file_name", "state"])
        .where("file_name", "like", "raport-%")
        .execute();
      return rows.length === 6 && rows.every((r) => r.state === "loaded" || r.state === "superseded") && rows;
    });
    await until("the last of them in the published warehouse", async () => {
      const ids = new Set((await readPublished())?.documents.map((d) => d.document_id));
      return docs.every((d) => ids.has(d.document_id));
    });

    const succeeded = await log.db
      .selectFrom("obs.runs")
      .select(["task", "pool_id", "detail"])
      .where("status", "=", "succeeded")
      .execute();
    for (const task of ["accept_document", "extract_document"]) {
      for (const doc of docs) {
        const runs = succeeded.filter((r) => r.task === task && r.detail?.documentId === doc.document_id);
        expect(runs, `${task} of ${doc.file_name}`).toHaveLength(1);
      }
    }
    const pools = await log.db.selectFrom("obs.pools").select(["pool_id", "pid"]).execute();
    expect(new Set(pools.map((p) => p.pid)).size).toBe(2);
  });

  it("never runs two DuckDB writes at once", async () => {
    const writes = await sql<{ started_at: Date; finished_at: Date; task: string }>`
      select started_at, finished_at, task from obs.runs
      where task in ('build_warehouse', 'run_data_tests', 'publish_warehouse') and status = 'succeeded'
      order by started_at`.execute(log.db);
    expect(writes.rows.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < writes.rows.length; i++) {
      const previous = writes.rows[i - 1];
      const current = writes.rows[i];
      expect(current?.started_at.getTime()).toBeGreaterThanOrEqual(previous?.finished_at.getTime() ?? 0);
    }
  });

  it("stops both on Ctrl-C with nothing locked", async () => {
    for (const s of services) s.child.kill("SIGINT");
    const exits = await Promise.all(services.map((s) => s.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    const locked = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker.jobs where locked_at is not null`.execute(log.db);
    expect(locked.rows[0]?.n).toBe(0);
  });
});
