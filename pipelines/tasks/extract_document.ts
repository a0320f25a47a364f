import { extractKnownDocument } from "../../warehouse/extract.ts";
import { findDocument } from "../../warehouse/store.ts";
import { defineTask, enqueue, PermanentFailure } from "../context.ts";

/** Read a stored document's figures (cached per document and code version), then ask for a build. */
export default defineTask({
  name: "extract_document",
  async run({ documentId }, ctx, helpers) {
    // Its own metadata file only: the cost of a job does not grow with the store.
    const doc = await findDocument(documentId);
    if (!doc) throw new PermanentFailure(new Error(`document ${documentId} is not in the document store`));
    const extraction = await extractKnownDocument(doc);
    ctx.log(`  extracted ${doc.fileName}: ${extraction.observations.length} figures`);
    // One build for many documents: the key collapses requests while a build waits in the queue.
    await enqueue(helpers.addJob, "build_warehouse", { reason: `document ${documentId}` });
    return { documentId, fileName: doc.fileName, figures: extraction.observations.length };
  },
});
