import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { dataPaths } from "../../lib/config.ts";
import { DocumentRejected, listDocuments, readDocumentFile } from "../../warehouse/store.ts";
import { defineTask, enqueue } from "../context.ts";
import { settledFiles } from "../inbox.ts";
import { jobSpec } from "../payloads.ts";
import {
  currentContentKey,
  isExtracted,
  publishedContentKey,
  readPublished,
  registerKnownDocuments,
  syncDocumentStates,
} from "../published.ts";

/**
 * Find work: inbox files that stopped growing (one accept_document job each, keyed by content hash),
 * and with `catchUp` every known document the published warehouse does not hold yet.
 */
export default defineTask({
  name: "discover_documents",
  quiet: true,
  async run(payload, ctx, helpers) {
    const { inbox } = dataPaths();
    await mkdir(inbox, { recursive: true });
    const { settled, unsettled } = await settledFiles(inbox, ctx.inboxSettleMs, helpers.abortSignal);
    const taken: string[] = [];
    for (const file of settled) {
      let bytes: Uint8Array;
      try {
        bytes = await readDocumentFile(file.path, file.name);
      } catch (e) {
        // Gone meanwhile: taken by another worker's job (it leaves the inbox before its job ends).
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        if (!(e instanceof DocumentRejected)) throw e;
        // Unreadable as a report (a link, too large): accept_document rejects it by its name.
        bytes = new TextEncoder().encode(`unreadable:${file.path}`);
      }
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      ctx.log(`Inbox: ${file.name} (${file.size} bytes)`);
      await enqueue(helpers.addJob, "accept_document", {
        path: file.path,
        fileName: file.name,
        sha256,
        origin: "inbox",
        refresh: true,
      });
      taken.push(file.name);
    }
    if (unsettled.length > 0) {
      // Still being written: look again soon rather than at the next cron minute.
      await helpers.addJob(
        "discover_documents",
        {},
        { ...jobSpec("discover_documents", {}), runAt: new Date(Date.now() + ctx.inboxSettleMs) },
      );
    }

    let missing = 0;
    let rebuild = false;
    if (payload.catchUp) {
      const known = await listDocuments();
      await registerKnownDocuments(ctx.db, known);
      const published = await readPublished();
      await syncDocumentStates(ctx.db, published);
      const loaded = new Set(published?.documents.map((d) => d.document_id));
      const toLoad = known.filter((d) => !loaded.has(d.documentId));
      // Extracted already (a run cut short before its build): only the build is left to do.
      const toExtract: typeof toLoad = [];
      for (const doc of toLoad) if (!(await isExtracted(doc))) toExtract.push(doc);
      for (const doc of toExtract)
        await enqueue(helpers.addJob, "extract_document", { documentId: doc.documentId });
      missing = toLoad.length;
      // Built by other code, holding a document no longer known, or missing extracted ones: build.
      rebuild = toExtract.length === 0 && publishedContentKey(published) !== (await currentContentKey(known));
      if (rebuild) await enqueue(helpers.addJob, "build_warehouse", { reason: "catch-up" });
      ctx.log(
        missing > 0
          ? `Catch-up: ${missing} of ${known.length} known documents not yet published; loading them`
          : rebuild
            ? "Catch-up: the published warehouse is not a build of the current code and documents; rebuilding"
            : `Catch-up: all ${known.length} known documents are published`,
      );
    }
    return {
      idle: taken.length === 0 && unsettled.length === 0 && !payload.catchUp,
      files: taken,
      waiting: unsettled,
      ...(payload.catchUp ? { missing, rebuild } : {}),
    };
  },
});
