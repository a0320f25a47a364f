import { createHash } from "node:crypto";
import { dataPaths } from "../../lib/config.ts";
import { printable } from "../../warehouse/quarantine.ts";
import { DocumentRejected, listDocuments, readDocumentFile } from "../../warehouse/store.ts";
import { defineTask, enqueue } from "../context.ts";
import { InboxTampered, prepareInboxFolders, settledFiles } from "../inbox.ts";
import { jobSpec } from "../payloads.ts";
import {
  currentContentKey,
  isExtracted,
  publishedContentKey,
  readPublished,
  registerKnownDocuments,
  syncDocumentStates,
} from "../published.ts";

/** How soon a tampered inbox is looked at again (a fix is noticed without waiting for the cron minute). */
const BLOCKED_RECHECK_MS = 5000;

/** The last problem with the inbox said in the log, and when: said again once a minute, not every look. */
let lastSaid: { message: string; at: number } | null = null;
function sayOnce(log: (line: string) => void, message: string): boolean {
  if (lastSaid?.message === message && Date.now() - lastSaid.at < 60_000) return false;
  lastSaid = { message, at: Date.now() };
  log(message);
  return true;
}

/**
 * Find work: inbox files that stopped changing (one accept_document job each, keyed by content hash),
 * and with `catchUp` every known document the published warehouse does not hold yet.
 */
export default defineTask({
  name: "discover_documents",
  quiet: true,
  async run(payload, ctx, helpers) {
    const paths = dataPaths();
    const { inbox } = paths;
    // A tampered inbox (inbox/rejected a link or a file) is not used: said in the log, files stay put.
    let blocked: string | null = null;
    let said = false;
    try {
      await prepareInboxFolders(paths, "run");
    } catch (e) {
      if (!(e instanceof InboxTampered)) throw e;
      blocked = e.message;
      said = sayOnce(ctx.log, `Inbox not looked at: ${e.message}`);
    }
    if (blocked === null) lastSaid = null;
    const { settled, unsettled, recheckInMs } = blocked
      ? { settled: [], unsettled: [], recheckInMs: BLOCKED_RECHECK_MS }
      : await settledFiles(inbox, ctx.inboxSettleMs);
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
      // The name as people read it (log, run log, .error.txt): a newline or ESC in it shown escaped.
      const fileName = printable(file.name);
      ctx.log(`Inbox: ${fileName} (${file.size} bytes)`);
      await enqueue(helpers.addJob, "accept_document", {
        path: file.path,
        fileName,
        sha256,
        origin: "inbox",
        refresh: true,
      });
      taken.push(fileName);
    }
    if (unsettled.length > 0 || blocked) {
      // Still being written (or not yet unchanged for the settle time): look again when it may be.
      await helpers.addJob(
        "discover_documents",
        {},
        { ...jobSpec("discover_documents", {}), runAt: new Date(Date.now() + recheckInMs) },
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
      // A tampered inbox is in the run log when it is said in the log (once a minute), not every look.
      idle: taken.length === 0 && unsettled.length === 0 && !payload.catchUp && !said,
      files: taken,
      waiting: unsettled.map(printable),
      ...(blocked ? { blocked } : {}),
      ...(payload.catchUp ? { missing, rebuild } : {}),
    };
  },
});
