/**
 * The PDF reader's own process (started by pdf-text.ts, never imported): it receives a PDF's bytes
 * and its limits over IPC, reads the text layer page by page with pdf.js (unpdf), and answers with the
 * pages' text or why it stopped. Whatever a hostile PDF does here (a stream inflating to gigabytes, a
 * million text items), only this process suffers: its heap is capped by --max-old-space-size, and the
 * parent watches its memory and time and kills it.
 *
 * Plain JavaScript, like cli/compiled.mjs and for the same reason: it starts for every PDF read, and
 * tsx's loader would cost 0.4–0.9 s of each start. The messages are typed in pdf-text.ts
 * (PdfChildRequest, PdfChildReply), which checks every answer with zod.
 */
import { constants, createInflate } from "node:zlib";
import { getDocumentProxy } from "unpdf";

/** @typedef {import("./pdf-text.ts").PdfChildRequest} PdfChildRequest */
/** @typedef {import("./pdf-text.ts").PdfChildReply} PdfChildReply */

/** @param {PdfChildReply} message @returns {Promise<void>} */
function reply(message) {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * How many bytes one Flate stream inflates to, counted chunk by chunk and let go (memory stays flat
 * whatever it inflates to), stopping past `limit`. A stream that cannot be inflated here (encrypted,
 * damaged) counts what came out of it before the error; a truncated one what it holds, as pdf.js
 * would read it (Z_SYNC_FLUSH).
 * @param {Uint8Array} data @param {number} limit @returns {Promise<number>}
 */
function inflatedLength(data, limit) {
  return new Promise((resolve) => {
    const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 64 * 1024 });
    let n = 0;
    inflate.on("data", (/** @type {Buffer} */ chunk) => {
      n += chunk.length;
      if (n > limit) {
        inflate.destroy();
        resolve(n);
      }
    });
    inflate.on("end", () => resolve(n));
    inflate.on("error", () => resolve(n));
    inflate.end(data);
  });
}

/**
 * How many bytes the PDF's Flate streams inflate to, all together, counting only what reading text
 * decodes (page contents, forms, fonts, object streams; not images), and stopping past `max`. The
 * streams are found in the file as written ("stream" … "endstream"); one that cannot be read here
 * (encrypted, another filter) is left to pdf.js, whose reading the parent bounds too.
 * @param {Uint8Array} bytes @param {number} max @returns {Promise<number>}
 */
async function inflatedSize(bytes, max) {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const starts = /stream\r?\n/g;
  let total = 0;
  for (let m = starts.exec(file); m !== null; m = starts.exec(file)) {
    if (file.slice(m.index - 3, m.index) === "end") continue; // "endstream"
    const start = m.index + m[0].length;
    const end = file.indexOf("endstream", start);
    if (end < 0) break;
    starts.lastIndex = end + "endstream".length;
    // The stream's dictionary stands before it, after its "N 0 obj".
    const header = file.lastIndexOf("obj", m.index);
    const dict = file.slice(
      header >= 0 && m.index - header < 8192 ? header : Math.max(0, m.index - 8192),
      m.index,
    );
    if (!/\/Filter\s*(\[\s*)?\/(FlateDecode|Fl)\b/.test(dict) || /\/Subtype\s*\/Image\b/.test(dict)) continue;
    total += await inflatedLength(bytes.subarray(start, end), max - total);
    if (total > max) return total;
  }
  return total;
}

/** @param {PdfChildRequest} request @returns {Promise<PdfChildReply>} */
async function read({ bytes, maxPages, maxTextChars, maxInflatedBytes }) {
  // Before pdf.js sees it: a bomb is told by its streams' size (each let go once counted).
  const inflated = await inflatedSize(bytes, maxInflatedBytes);
  if (inflated > maxInflatedBytes) return { kind: "inflates-too-much", bytes: inflated };
  let pdf;
  try {
    // verbosity 0: pdf.js would print its warnings about a damaged file.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (e) {
    return failed(e);
  }
  try {
    // The page count is the page tree's: checked before any page is read.
    if (pdf.numPages > maxPages) return { kind: "too-many-pages", pages: pdf.numPages };
    /** @type {string[]} */
    const pages = [];
    let total = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      // Streamed in chunks of text items, so a page with millions of them is stopped at the limit.
      // The same text as unpdf's extractText: each item's string, a line end where the item ends one.
      const reader = page.streamTextContent().getReader();
      /** @type {string[]} */
      const parts = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const item of value.items) {
          if (item.str == null) continue; // marked content, not text
          const s = item.hasEOL ? `${item.str}\n` : item.str;
          parts.push(s);
          total += s.length;
        }
        if (total > maxTextChars) {
          await reader.cancel(new Error("text limit")).catch(() => {});
          return { kind: "too-much-text", chars: total, page: n };
        }
      }
      pages.push(parts.join(""));
      page.cleanup();
    }
    return { kind: "text", pages };
  } catch (e) {
    return failed(e);
  } finally {
    await pdf.loadingTask.destroy().catch(() => {});
  }
}

/** @param {unknown} e @returns {PdfChildReply} */
function failed(e) {
  return {
    kind: "unreadable",
    name: e instanceof Error ? e.name : "",
    message: (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim().slice(0, 500),
  };
}

process.once("message", (/** @type {PdfChildRequest} */ request) => {
  void read(request)
    .catch(failed)
    .then(reply)
    .then(() => process.exit(0));
});
// The parent gone (killed, crashed): nobody waits for the answer.
process.once("disconnect", () => process.exit(1));
// The parent sends the bytes once this process is up: a start that fails is not the document's fault.
void reply({ kind: "ready" });
