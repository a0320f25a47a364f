import { rm, stat } from "node:fs/promises";
import { sql } from "kysely";
import { culpritsByElimination } from "../../warehouse/culprits.ts";
import { testWarehouse } from "../../warehouse/data-tests.ts";
import { DataTestsFailed } from "../../warehouse/errors.ts";
import { findDocument, listDocuments, withdrawDocument } from "../../warehouse/store.ts";
import { defineTask, enqueue, PermanentFailure, type PipelineContext } from "../context.ts";
import { readPublished } from "../published.ts";

/** A document a build's error tests failed on, taken out of the store (reported by npm run ingest/refresh). */
export interface RejectedDocument {
  documentId: string;
  fileName: string;
  reason: string;
  keptIn: string | null;
}

/**
 * Run the data tests on a build. An error-severity failure ends the chain (the published warehouse
 * stays as it was), unless it is caused by documents that are not yet published: those are rejected
 * (run log state `rejected` with the failed test, their files moved into the quarantine with the
 * reason) and the warehouse is built again without them. A build whose tests were interrupted may
 * hold half its warnings, so it is thrown away and built again rather than tested twice. A build
 * tested already (`tested`: an incremental build, whose touched centres' tests ran inside the build
 * task) goes to the publish as it is.
 */
export default defineTask({
  name: "run_data_tests",
  async run({ buildPath, build, startedAt, contentKey, tested }, ctx, helpers) {
    const exists = (await stat(buildPath).catch(() => null)) !== null;
    if (exists && tested) {
      // Nothing here writes to it: a retry after a crash queues the same publish (its key) again.
      ctx.log("  tested already while it was built (incremental build)");
      await enqueue(helpers.addJob, "publish_warehouse", {
        buildPath,
        build,
        warnings: tested.warnings,
        startedAt,
        contentKey,
      });
      return { warnings: tested.warnings, buildPath, incremental: true };
    }
    if (!exists || helpers.job.attempts > 1) {
      await rm(buildPath, { force: true });
      await enqueue(helpers.addJob, "build_warehouse", { reason: "a build's tests were interrupted" });
      ctx.log(`  ${exists ? "tests of this build were interrupted" : "the build is gone"}; building again`);
      return { rebuilt: true, buildPath };
    }
    let warnings: number;
    try {
      ({ warnings } = await testWarehouse(buildPath, { log: ctx.log }));
    } catch (e) {
      if (!(e instanceof DataTestsFailed)) throw e;
      await rm(buildPath, { force: true });
      const rejected = await rejectCulprits(e, ctx);
      if (!rejected) throw new PermanentFailure(e);
      // The others are built again without them (retry-safe: a rerun finds them gone from the store).
      await enqueue(helpers.addJob, "build_warehouse", { reason: "rebuild without rejected documents" });
      return { rejected, buildPath };
    }
    await enqueue(helpers.addJob, "publish_warehouse", { buildPath, build, warnings, startedAt, contentKey });
    return { warnings, buildPath };
  },
});

/**
 * The documents that make the error tests fail, when each is a stored document not yet in the
 * published snapshot: rejected in the run log, moved into the quarantine. Null (nothing done) when the
 * failure cannot be traced to documents, or one of them is published already or bundled.
 */
/** What a person reads first about a document the warehouse's tests rejected; the test's own words follow. */
const TEST_REJECTION_PL =
  "Liczby tego dokumentu nie przeszły testu danych hurtowni, więc dokument odłożono do kwarantanny " +
  "(liczby pozostałych dokumentów opublikowano): porównaj wskazane liczby z dokumentem i zgłoś to zespołowi — ";

async function rejectCulprits(e: DataTestsFailed, ctx: PipelineContext): Promise<RejectedDocument[] | null> {
  const published = new Set((await readPublished())?.documents.map((d) => d.document_id));
  const known = await listDocuments();
  const isNew = (id: string) =>
    !published.has(id) && known.some((d) => d.documentId === id && d.origin === "stored");
  const reasons = new Map<string, string>();
  const traced = e.documentIds;
  if (traced) {
    if (!traced.every(isNew)) {
      ctx.log(
        `  the failing rows lead to published or bundled documents (${traced.join(", ")}); nothing rejected`,
      );
      return null;
    }
    for (const id of traced)
      reasons.set(id, `${TEST_REJECTION_PL}${e.reasonFor(id) ?? "fails an error-severity data test"}`);
  } else {
    // The failing rows name no document: build without the new documents, then with each alone.
    const candidates = known.filter((d) => isNew(d.documentId)).map((d) => d.documentId);
    const partitions = await ctx.db.selectFrom("obs.partitions").selectAll().execute();
    const found = await culpritsByElimination(e.failed, candidates, { log: ctx.log, partitions });
    if (!found) {
      ctx.log("  the failure cannot be traced to new documents; nothing rejected");
      return null;
    }
    for (const [id, tests] of found) {
      const described = e.failed
        .filter((t) => tests.includes(`${t.model}.${t.name}`))
        .map((t) => `${t.model}: ${t.name} (${t.description}) — ${t.failures} failing row(s)`);
      reasons.set(
        id,
        `${TEST_REJECTION_PL}fails data test ${described.join("; ")} (the build passes without this document)`,
      );
    }
  }
  const out: RejectedDocument[] = [];
  for (const [documentId, reason] of reasons) {
    const doc = await findDocument(documentId);
    const logged = await ctx.db
      .selectFrom("obs.documents")
      .select("file_name")
      .where("document_id", "=", documentId)
      .executeTakeFirst();
    const fileName = doc?.fileName ?? logged?.file_name ?? documentId;
    // The run log first: a rerun after a crash finds the same culprits and does the rest again.
    await ctx.db
      .insertInto("obs.documents")
      .values({
        document_id: documentId,
        file_name: fileName,
        origin: doc?.origin ?? "stored",
        centre_id: doc?.centreId ?? null,
        kind: doc?.kind ?? null,
        periods: doc?.periods ?? null,
        state: "rejected",
        error: reason,
        received_at: doc?.receivedAt ?? null,
      })
      .onConflict((oc) =>
        oc.column("document_id").doUpdateSet({ state: "rejected", error: reason, updated_at: sql`now()` }),
      )
      .execute();
    const keptIn = await withdrawDocument(documentId, reason);
    ctx.log(`  quarantined ${fileName} (document ${documentId})${keptIn ? ` → ${keptIn}` : ""}`);
    ctx.events.emit("document", {
      status: "rejected",
      fileName,
      documentId,
      what: null,
      observationCount: null,
      reason,
      movedTo: keptIn,
    });
    out.push({ documentId, fileName, reason, keptIn });
  }
  return out;
}
