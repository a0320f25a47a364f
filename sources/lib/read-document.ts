import { extractText, getDocumentProxy } from "unpdf";
import { DocumentRejected } from "./extractor.ts";

/** Reports larger than this are not reports (a scanned book, a database dump). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * The text of a report from its bytes: UTF-8 text or a PDF with a text layer.
 * The format is told by the bytes (magic numbers), not by the file name.
 */
export async function readDocumentText(bytes: Uint8Array, fileName: string): Promise<string> {
  if (bytes.length === 0) throw new DocumentRejected(fileName, "the file is empty");
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new DocumentRejected(
      fileName,
      `the file is ${bytes.length} bytes, larger than any report (limit ${MAX_DOCUMENT_BYTES})`,
    );
  }
  const head = Buffer.from(bytes.subarray(0, 8)).toString("latin1");
  if (head.startsWith("%PDF-")) return readPdf(bytes, fileName);
  if (head.startsWith("PK\u0003\u0004")) {
    throw new DocumentRejected(
      fileName,
      "this is a ZIP container (Word .docx or Excel .xlsx); save the report as PDF or text",
    );
  }
  if (head.startsWith("\u00d0\u00cf\u0011\u00e0")) {
    throw new DocumentRejected(
      fileName,
      "this is an old Office file (.doc/.xls); save the report as PDF or text",
    );
  }
  return decodeText(bytes, fileName);
}

function decodeText(bytes: Uint8Array, fileName: string): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Polish offices often save text in Windows-1250; decode it rather than reject it.
    text = new TextDecoder("windows-1250").decode(bytes);
  }
  text = text.replace(/^\uFEFF/, "");
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32)) controls++;
  }
  if (controls > Math.max(8, text.length / 100)) {
    throw new DocumentRejected(fileName, "the file is binary, not a text report");
  }
  // UTF-8 read as Windows-1250/Latin-1 and saved again: "Ä…" for "ą", "Ĺ‚" for "ł".
  if (/(Ä[…™‡]|Ĺ[‚›ş]|Ă[łÂ]|Ã[³±])/.test(text)) {
    throw new DocumentRejected(
      fileName,
      "the text is mojibake (UTF-8 decoded twice); export it again from the original",
    );
  }
  return text;
}

async function readPdf(bytes: Uint8Array, fileName: string): Promise<string> {
  let pages: string[];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    ({ text: pages } = await extractText(pdf, { mergePages: false }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/password/i.test(msg)) throw new DocumentRejected(fileName, "the PDF is encrypted with a password");
    throw new DocumentRejected(fileName, `the PDF cannot be read (${msg})`);
  }
  const text = pages.join("\n");
  if (text.replace(/\s/g, "").length < 20) {
    throw new DocumentRejected(fileName, "the PDF has no text layer (a scan?); OCR it first");
  }
  return text;
}
