import { rm } from "node:fs/promises";
import { sql } from "kysely";
import { buildWarehouse } from "../../warehouse/build.ts";
import { listDocuments } from "../../warehouse/store.ts";
import { partitionsOfDocuments } from "../calendar.ts";
import { defineTask, enqueue } from "../context.ts";
import { jobSpec } from "../payloads.ts";
import { currentContentKey, publishedContentKey, readPublished } from "../published.ts";

/**
 * Build a new DuckDB file from every known document (queue `warehouse`: one DuckDB write at a time).
 * Skipped when the published warehouse already holds exactly these documents, built by this code.
 */
export default defineTask({
  name: "build_warehouse",
  async run(payload, ctx, helpers) {
    // Documents still being accepted or extracted: build once after them, not once per document.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker.jobs
      where task_identifier in ('accept_document', 'extract_document') and attempts < max_attempts
        and (locked_at is not null or run_at <= now())`.execute(ctx.db);
    if (!payload.force && (rows[0]?.n ?? 0) > 0) {
      await helpers.addJob("build_warehouse", payload, {
        ...jobSpec("build_warehouse", payload),
        runAt: new Date(Date.now() + 1000),
      });
      return { idle: true };
    }
    const documents = await listDocuments();
    const key = await currentContentKey(documents);
    if (!payload.force && publishedContentKey(await readPublished()) === key) {
      ctx.log("Warehouse is up to date: nothing to build");
      return { skipped: "up to date" };
    }
    // A build of exactly these documents already waits for its tests or publish (the queue is
    // serial, so while this job runs those are waiting, not running).
    const inFlight = await sql<{ key: string }>`
      select key from graphile_worker.jobs where key in (${`tests:${key}`}, ${`publish:${key}`})`.execute(
      ctx.db,
    );
    if (inFlight.rows.length > 0) {
      ctx.log("A build of these documents is already being tested or published");
      return { skipped: "in flight" };
    }
    const startedAt = Date.now();
    // The report calendar's freshness (received / expected / late) goes into the warehouse
    // (marts.partition_status), computed from the documents of this very build, as check_freshness does.
    const checkedAt = new Date();
    const partitions = partitionsOfDocuments(documents, checkedAt).map((p) => ({
      ...p,
      checked_at: checkedAt,
    }));
    const build = await buildWarehouse({ log: ctx.log, partitions });
    if (helpers.abortSignal?.aborted) {
      await rm(build.buildPath, { force: true });
      throw new Error("stopped before the build was tested");
    }
    const counts = { documents: build.documents, observations: build.observations, models: build.models };
    await enqueue(helpers.addJob, "run_data_tests", {
      buildPath: build.buildPath,
      build: counts,
      startedAt,
      contentKey: key,
    });
    return { buildPath: build.buildPath, ...counts, reason: payload.reason ?? null };
  },
});
