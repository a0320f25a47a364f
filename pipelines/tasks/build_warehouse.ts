import { rm } from "node:fs/promises";
import { sql } from "kysely";
import { buildWarehouse, DataTestsFailed, type Log, type RawPartition } from "../../warehouse/build.ts";
import { buildFingerprint, type IncrementalResult, incrementalBuild } from "../../warehouse/incremental.ts";
import { loadModels } from "../../warehouse/models.ts";
import { type KnownDocument, listDocuments } from "../../warehouse/store.ts";
import { partitionsOfDocuments } from "../calendar.ts";
import { defineTask, enqueue } from "../context.ts";
import { jobSpec } from "../payloads.ts";
import { currentContentKey, type Published, publishedContentKey, readPublished } from "../published.ts";

/**
 * Build a new DuckDB file from every known document (queue `warehouse`: one DuckDB write at a time).
 * Skipped when the published warehouse already holds exactly these documents, built by this code.
 *
 * Unless forced (npm run refresh), documents added since the published snapshot are built
 * incrementally (warehouse/incremental.ts: a copy of the snapshot, only the touched centres'
 * models recomputed and tested); its tests have run, so run_data_tests publishes it as it is
 * (`tested`). A full build otherwise: nothing published yet, a published document gone, other
 * code or models, or an incremental build that fails (an error test included: the full build's
 * tests then trace and reject the document, as they always did).
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
    const published = payload.force ? null : await readPublished();
    if (!payload.force && publishedContentKey(published) === key) {
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
    const inc = payload.force ? null : await tryIncremental(documents, published, partitions, ctx.log);
    const build = inc ?? (await buildWarehouse({ log: ctx.log, partitions }));
    if (helpers.abortSignal?.aborted) {
      await rm(build.buildPath, { force: true });
      throw new Error(`stopped before the build was ${inc ? "published" : "tested"}`);
    }
    const counts = {
      documents: build.documents,
      observations: build.observations,
      // an incremental build counts the models it recomputed; the warehouse holds them all
      models: inc ? loadModels().length : build.models,
      ...(inc ? { incremental: true } : {}),
    };
    await enqueue(helpers.addJob, "run_data_tests", {
      buildPath: build.buildPath,
      build: counts,
      startedAt,
      contentKey: key,
      // its touched centres' tests ran inside incrementalBuild: run_data_tests publishes it as it is
      ...(inc ? { tested: { warnings: inc.warnings } } : {}),
    });
    return {
      buildPath: build.buildPath,
      ...counts,
      incremental: inc !== null,
      ...(inc
        ? { added: inc.added, centres: inc.centres, modelsRecomputed: inc.models, seconds: inc.seconds }
        : {}),
      reason: payload.reason ?? null,
    };
  },
});

/**
 * The documents the published snapshot lacks, built into a copy of it and tested on their centres;
 * null when a full build is to be run instead (the reason is logged).
 */
async function tryIncremental(
  documents: KnownDocument[],
  published: Published | null,
  partitions: RawPartition[],
  log: Log,
): Promise<IncrementalResult | null> {
  if (!published) return null;
  const known = new Set(documents.map((d) => d.documentId));
  const gone = published.documents.filter((d) => !known.has(d.document_id));
  if (gone.length > 0) {
    log(`${gone.length} published document(s) no longer known: a full build`);
    return null;
  }
  const inSnapshot = new Set(published.documents.map((d) => d.document_id));
  const added = documents.filter((d) => !inSnapshot.has(d.documentId));
  if (added.length === 0) return null;
  // Checked here too, so that a snapshot of other code is not copied only to be thrown away.
  if (published.fingerprint !== (await buildFingerprint())) {
    log("The published snapshot was built from other models or code: a full build");
    return null;
  }
  const started = performance.now();
  let build: IncrementalResult | null;
  try {
    build = await incrementalBuild({ log, documentIds: added.map((d) => d.documentId), partitions });
  } catch (e) {
    // The copy is removed by incrementalBuild. A full build does what this could not: its tests
    // name (or find by elimination) the document that fails, and run_data_tests rejects it.
    log(
      e instanceof DataTestsFailed
        ? "The incremental build fails an error-severity data test: a full build, to find which document"
        : `The incremental build failed (${(e as Error).message.split("\n")[0]}): a full build instead`,
    );
    return null;
  }
  if (!build) return null;
  const seconds = (performance.now() - started) / 1000;
  log(
    `Incremental build: ${build.added} document${build.added === 1 ? "" : "s"}, ${build.centres.length === 1 ? "centre" : "centres"} ${build.centres.join(", ")} (${seconds.toFixed(1)} s)`,
  );
  return build;
}
