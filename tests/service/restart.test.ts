import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "../../pipelines/db.ts";
import { readPublished } from "../../pipelines/published.ts";
import { freshDataDir, JAWORZNO, openRunLog, startService, stopServices, until, variant } from "./helpers.ts";

/** Jobs locked by the worker pools of a process (all processes when no pid is given). */
const lockedJobs = async (db: Db, pid?: number) =>
  (
    await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker.jobs j
      where j.locked_at is not null
        and (${pid ?? null}::int is null or j.locked_by in (select pool_id from obs.pools where pid = ${pid ?? null}))`.execute(
      db,
    )
  ).rows[0]?.n;

const runs = (db: Db, task: string) =>
  db
    .selectFrom("obs.runs")
    .select(["status", "detail", "error"])
    .where("task", "=", task)
    .orderBy("run_id")
    .execute();

/**
 * Crashes and stops in the middle of a run: a kill -9 in the middle of a build (fault injection:
 * the process kills itself there), then Ctrl-C while a new report is being loaded. Each restart
 * resumes: no job stays locked, nothing is processed twice, no half-written warehouse remains.
 */
describe("the service stopped in the middle of a run", () => {
  const data = freshDataDir("obs-service-restart-");
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await stopServices();
    for (const c of cleanup.reverse()) await c();
  });

  it("after kill -9 in the middle of a build, the next start unlocks its job and publishes", async () => {
    const crashing = startService(data, { env: { OBS_FAULT: "build:mid-models" } });
    const { signal } = await crashing.exited;
    expect(signal).toBe("SIGKILL");
    expect(crashing.lines.join("\n")).toMatch(/killing the process at build:mid-models/);

    // The orphaned Postgres still runs; the dead worker's build job is locked.
    const before = await openRunLog(data);
    expect(await lockedJobs(before.db, crashing.child.pid)).toBe(1);
    expect((await runs(before.db, "build_warehouse")).map((r) => r.status)).toEqual(["running"]);

    const service = startService(data);
    await service.waitFor(/Postgres: embedded .*already running/);
    await before.close();
    await service.waitFor(
      /Recovered from 1 stopped worker\(s\): 1 job\(s\) unlocked, 1 run\(s\) marked interrupted/,
    );
    await service.waitFor(/Published \d+ figures from 5 documents/);
    const log = await openRunLog(data);
    cleanup.push(() => log.close());
    expect(await lockedJobs(log.db, crashing.child.pid)).toBe(0);
    const builds = await runs(log.db, "build_warehouse");
    expect(builds[0]?.status).toBe("interrupted");
    expect(builds.filter((b) => b.status === "succeeded" && b.detail?.buildPath)).toHaveLength(1);
    // The abandoned build file is gone; only published.duckdb remains.
    await until("no build file left", () => readdirSync(join(data, "warehouse", "builds")).length === 0);
    expect((await readPublished())?.documents).toHaveLength(5);
    // Each bundled report extracted once: the restart found their extractions done.
    const extracted = (await runs(log.db, "extract_document")).filter((r) => r.status === "succeeded");
    expect(extracted).toHaveLength(5);
    expect(new Set(extracted.map((r) => r.detail?.documentId)).size).toBe(5);
    service.child.kill("SIGINT");
    expect((await service.exited).code).toBe(0);
  });

  it("after Ctrl-C while a report is loaded, the next start finishes it; each step ran once", async () => {
    const log = await openRunLog(data);
    cleanup.push(() => log.close());
    const first = startService(data);
    await first.waitFor(/Ready in/);
    const from = first.lines.length;
    writeFileSync(join(data, "inbox", "jaworzno-2023-v2.txt"), variant(JAWORZNO, 2));
    // Ctrl-C as soon as the report is taken: extraction, build, tests or publish are still to come.
    await first.waitFor(/✓ stored jaworzno-2023-v2\.txt/, from);
    first.child.kill("SIGINT");
    expect((await first.exited).code).toBe(0);
    expect(await lockedJobs(log.db)).toBe(0);

    const second = startService(data);
    const doc = await until("the report to be loaded after the restart", async () => {
      const row = await log.db
        .selectFrom("obs.documents")
        .select(["document_id", "state"])
        .where("file_name", "=", "jaworzno-2023-v2.txt")
        .executeTakeFirst();
      return row?.state === "loaded" && row;
    });
    const accepted = (await runs(log.db, "accept_document")).filter(
      (r) => r.status === "succeeded" && r.detail?.documentId === doc.document_id,
    );
    expect(accepted).toHaveLength(1);
    const extracted = (await runs(log.db, "extract_document")).filter(
      (r) => r.status === "succeeded" && r.detail?.documentId === doc.document_id,
    );
    expect(extracted).toHaveLength(1);
    const published = await readPublished();
    expect(published?.documents.find((d) => d.document_id === doc.document_id)?.is_current).toBe(true);
    expect(published?.documents).toHaveLength(6);
    second.child.kill("SIGINT");
    expect((await second.exited).code).toBe(0);
    expect(await lockedJobs(log.db)).toBe(0);
    const interrupted = await log.db
      .selectFrom("obs.runs")
      .select("task")
      .where("status", "=", "running")
      .execute();
    expect(interrupted).toEqual([]);
  });
});
