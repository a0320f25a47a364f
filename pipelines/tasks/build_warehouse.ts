import { rm } from "node:fs/promises";
import { type BuildResult, buildWarehouse } from "../../warehouse/build.ts";
import { buildFingerprint } from "../../warehouse/build-info.ts";
import { DataTestsFailed } from "../../warehouse/errors.ts";
import { planBuild } from "../../warehouse/plan.ts";
import { listDocuments } from "../../warehouse/store.ts";
import { partitionsOfDocuments } from "../calendar.ts";
import { defineTask, enqueue } from "../context.ts";
import { jobSpec } from "../payloads.ts";
import { currentContentKey, publishedContentKey, readPublished } from "../published.ts";
import { activeCount, buildOfContentQueued } from "../queue.ts";

/**
 * Build a new DuckDB file from every known document (queue `warehouse`: one DuckDB write at a time).
 * Skipped when the published warehouse already holds exactly these documents, built by this code.
 *
 * The build planner (warehouse/plan.ts) decides how: unless forced (npm run refresh), documents
 * added since the published snapshot are built incrementally (a copy of the snapshot, the touched
 * centres' models and tests); its tests have run, so run_data_tests publishes it as it is
 * (`tested`). A full build otherwise: nothing published yet, a published document gone, other code,
 * models or seeds, or an incremental build that fails (an error test included: the full build's
 * tests then trace and reject the document, as they always did). The log says which and why.
 */
export default defineTask({
  name: "build_warehouse",
  async run(payload, ctx, helpers) {
    // Documents still being accepted or extracted: build once after them, not once per document.
    if (!payload.force && (await activeCount(ctx.db, ["accept_document", "extract_document"])) > 0) {
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
    if (await buildOfContentQueued(ctx.db, key)) {
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
    const plan = planBuild({
      known: documents,
      snapshot: published && {
        build: published.build,
        documentIds: published.documents.map((d) => d.document_id),
      },
      fingerprint: await buildFingerprint(),
      force: payload.force ? (payload.reason ?? "forced") : undefined,
    });
    let inc: BuildResult | null = null;
    if (plan.kind === "incremental") {
      try {
        inc = await buildWarehouse({ log: ctx.log, plan, partitions, known: documents });
        ctx.log(
          `Incremental build: ${inc.added} document${inc.added === 1 ? "" : "s"}, ${inc.centres.length === 1 ? "centre" : "centres"} ${inc.centres.join(", ")} (${inc.seconds.toFixed(1)} s)`,
        );
      } catch (e) {
        // The copy is removed by buildWarehouse. A full build does what this could not: its tests
        // name (or find by elimination) the document that fails, and run_data_tests rejects it.
        ctx.log(
          e instanceof DataTestsFailed
            ? "The incremental build fails an error-severity data test: a full build, to find which document"
            : `The incremental build failed (${(e as Error).message.split("\n")[0]}): a full build instead`,
        );
      }
    } else ctx.log(`Build plan: ${plan.why}`);
    const build = inc ?? (await buildWarehouse({ log: ctx.log, partitions, known: documents }));
    if (helpers.abortSignal?.aborted) {
      await rm(build.buildPath, { force: true });
      throw new Error(`stopped before the build was ${inc ? "published" : "tested"}`);
    }
    const counts = {
      documents: build.documents,
      observations: build.observations,
      models: build.models,
      ...(inc ? { incremental: true } : {}),
    };
    await enqueue(helpers.addJob, "run_data_tests", {
      buildPath: build.buildPath,
      build: counts,
      startedAt,
      contentKey: key,
      // its touched centres' tests ran inside incrementalBuild: run_data_tests publishes it as it is
      ...(inc?.tested ? { tested: { warnings: inc.tested.warnings } } : {}),
    });
    return {
      buildPath: build.buildPath,
      ...counts,
      incremental: inc !== null,
      ...(inc
        ? { added: inc.added, centres: inc.centres, modelsRecomputed: inc.steps.length, seconds: inc.seconds }
        : {}),
      reason: payload.reason ?? null,
    };
  },
});
