import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { sql } from "kysely";
import { dataPaths } from "../../lib/config.ts";
import {
  DocumentRejected,
  documentIdOf,
  FewerFigures,
  readDocumentFile,
  storeDocument,
} from "../../warehouse/store.ts";
import { type DocumentOutcome, defineTask, enqueue, type PipelineContext } from "../context.ts";
import { rejectInboxFile } from "../inbox.ts";
import type { Payload } from "../payloads.ts";

/**
 * Recognise, validate and keep one report in the document store. An inbox file leaves the inbox
 * either way: into the store, or into inbox/rejected/ with the reason. The same bytes twice are one
 * document ("= already known"). A file given on the command line (origin cli) is left where it is.
 * A re-issue (same centre, kind and periods) with fewer figures than the current version is rejected
 * with that reason, never swapped in silently, unless the payload says `replace` (ingest --replace).
 */
export default defineTask({
  name: "accept_document",
  async run(payload, ctx, helpers) {
    const { path, fileName, origin } = payload;
    let bytes: Uint8Array;
    try {
      // Never follows a symbolic link; refuses directories, devices and oversized files.
      bytes = await readDocumentFile(path, fileName);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        // An inbox file already taken (by an earlier attempt of this job) is not an error.
        if (origin !== "cli") return { fileName, gone: true };
        return reject(
          ctx,
          payload,
          new DocumentRejected(
            path,
            "Nie ma takiego pliku (usunięty lub przeniesiony przed odczytem?): podaj go ponownie — no such file",
          ),
          null,
        );
      }
      if (e instanceof DocumentRejected) return reject(ctx, payload, e, null);
      throw e;
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const collected = await collectedFrom(ctx, sha256);
    let stored: Awaited<ReturnType<typeof storeDocument>>;
    try {
      // A re-issue with fewer figures than the current version is refused unless asked for (FewerFigures).
      stored = await storeDocument(path, fileName, { replace: payload.replace === true });
    } catch (e) {
      if (e instanceof DocumentRejected) return reject(ctx, payload, e, bytes, collected);
      throw e;
    }
    const { recognition: r, documentId, observationCount } = stored;
    const what = `${r.centre_id}/${r.kind} ${r.periods.join(", ")}`;
    await ctx.db
      .insertInto("obs.documents")
      .values({
        document_id: documentId,
        file_name: fileName,
        origin: collected ? "collected" : origin,
        source_id: collected,
        centre_id: r.centre_id,
        kind: r.kind,
        periods: r.periods,
        state: "stored",
        received_at: new Date(),
      })
      // A document rejected by older code and accepted now is stored; a known one keeps its state.
      .onConflict((oc) =>
        oc.column("document_id").doUpdateSet({
          state: sql`case when obs.documents.state = 'rejected' then 'stored' else obs.documents.state end`,
          error: sql`case when obs.documents.state = 'rejected' then null else obs.documents.error end`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    if (origin !== "cli") await rm(path, { force: true });
    if (stored.status === "stored" && payload.refresh !== false) {
      await enqueue(helpers.addJob, "extract_document", { documentId });
    }
    return tell(ctx, {
      status: stored.status,
      fileName,
      documentId,
      what,
      observationCount,
      reason: null,
      warnings: stored.warnings,
    });
  },
});

/**
 * The outcome goes into the run log (the run's detail), where `npm run ingest` reads it whichever
 * process ran the job, and to this process's listeners (the service logs it).
 */
function tell(ctx: PipelineContext, outcome: DocumentOutcome) {
  ctx.events.emit("document", outcome);
  return { ...outcome };
}

/** The report source a file was collected from (collect_reports records what it fetched first). */
async function collectedFrom(ctx: PipelineContext, sha256: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom("obs.source_items")
    .select("source_id")
    .where("sha256", "=", sha256)
    .executeTakeFirst();
  return row?.source_id ?? null;
}

/** Record the rejection with its reason; an inbox file moves to inbox/rejected/ with a .error.txt. */
async function reject(
  ctx: PipelineContext,
  payload: Payload<"accept_document">,
  e: DocumentRejected,
  bytes: Uint8Array | null,
  collected: string | null = null,
) {
  const { path, fileName, origin } = payload;
  // Unreadable files (a link, a directory) have no content: their id comes from where they were.
  const documentId = documentIdOf(bytes ?? new TextEncoder().encode(`unreadable:${path}`));
  await ctx.db
    .insertInto("obs.documents")
    .values({
      document_id: documentId,
      file_name: fileName,
      origin: collected ? "collected" : origin,
      source_id: collected,
      state: "rejected",
      error: e.reason,
      received_at: new Date(),
    })
    // The same bytes known and loaded before (other extraction code then) keep their state.
    .onConflict((oc) =>
      oc.column("document_id").doUpdateSet({
        error: sql`case when obs.documents.state = 'rejected' then excluded.error else obs.documents.error end`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
  const movedTo =
    origin === "cli"
      ? null
      : await rejectInboxFile(path, dataPaths().rejected, e.reason, {
          fileName,
          replaceHint: e instanceof FewerFigures,
        });
  return tell(ctx, {
    status: "rejected",
    fileName,
    documentId,
    what: null,
    observationCount: null,
    reason: e.reason,
    movedTo,
  });
}
