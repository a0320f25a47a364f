import { controlCharacterWarnings, removeControlCharacters } from "./control-characters.ts";
import { DocumentRejected } from "./extractor.ts";
import { type PdfLimits, readPdfPages } from "./pdf-text.ts";

/** Reports larger than this are not reports (a scanned book, a database dump). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** A report's text, and what a person should know about how it was read (control characters taken out…). */
export interface DocumentText {
  text: string;
  warnings: string[];
}

export interface ReadOptions {
  /** Tighter (or looser) bounds for reading a PDF than PDF_LIMITS (pdf-text.ts). */
  pdfLimits?: Partial<PdfLimits>;
}

/** The text of a report from its bytes (see decodeDocument), without the warnings. */
export async function readDocumentText(
  bytes: Uint8Array,
  fileName: string,
  opts: ReadOptions = {},
): Promise<string> {
  return (await decodeDocument(bytes, fileName, opts)).text;
}

/**
 * The text of a report from its bytes: text (UTF-8, UTF-16 with a BOM, Windows-1250 or ISO-8859-2)
 * or a PDF with a text layer. The format is told by the bytes (magic numbers), not by the file name.
 * Control characters never reach the text (control-characters.ts): a few are taken out, with a
 * warning naming the lines; many mean the file is not text, and it is rejected. A PDF is read in a
 * bounded process of its own (pdf-text.ts): pages, text, memory and time are limited.
 */
export async function decodeDocument(
  bytes: Uint8Array,
  fileName: string,
  opts: ReadOptions = {},
): Promise<DocumentText> {
  if (bytes.length === 0)
    throw new DocumentRejected(
      fileName,
      "Plik jest pusty: sprawdź, czy to właściwy plik i czy jego kopiowanie się skończyło — the file is empty",
    );
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new DocumentRejected(
      fileName,
      `Plik jest większy niż jakiekolwiek sprawozdanie: sprawdź, czy to właściwy plik (PDF zapisz bez zbędnych obrazów) — the file is ${bytes.length} bytes, larger than any report (limit ${MAX_DOCUMENT_BYTES})`,
    );
  }
  const head = Buffer.from(bytes.subarray(0, 512)).toString("latin1");
  if (head.startsWith("%PDF-")) return readPdf(bytes, fileName, opts.pdfLimits);
  if (head.startsWith("PK\u0003\u0004")) throw new DocumentRejected(fileName, zipKind(bytes));
  if (head.startsWith("\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1")) {
    throw new DocumentRejected(
      fileName,
      "To stary plik Worda (.doc) lub Excela (.xls): zapisz sprawozdanie jako PDF albo tekst — this is an old Office file (Word .doc or Excel .xls); save the report as PDF or text",
    );
  }
  if (/^(\uFEFF|\u00ef\u00bb\u00bf)?\s*\{\\rtf/.test(head)) {
    throw new DocumentRejected(
      fileName,
      "To dokument RTF: zapisz sprawozdanie jako PDF albo tekst — this is an RTF document; save the report as PDF or text",
    );
  }
  if (/^(\u00ef\u00bb\u00bf)?\s*<(!doctype html|html[\s>]|\?xml)/i.test(head)) {
    throw new DocumentRejected(
      fileName,
      "To strona HTML lub XML, nie sprawozdanie: zapisz sprawozdanie jako PDF albo tekst — this is an HTML or XML page, not a report; save the report as PDF or text",
    );
  }
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff)) {
    throw new DocumentRejected(
      fileName,
      "To obraz (skan?), nie tekst: przepuść go przez OCR do PDF z warstwą tekstową — this is an image (a scan?); OCR it into a PDF with a text layer",
    );
  }
  if (startsWith(bytes, 0x1f, 0x8b) || head.startsWith("7z\u00bc\u00af") || head.startsWith("Rar!")) {
    throw new DocumentRejected(
      fileName,
      "To archiwum (zip, gz, 7z, rar): rozpakuj je i podaj samo sprawozdanie — this is a compressed archive; unpack it and give the report itself",
    );
  }
  return checkText(decodeText(bytes, fileName), fileName);
}

/** Word, Excel and OpenDocument files are ZIP containers: name which one it is. */
function zipKind(bytes: Uint8Array): string {
  const names = Buffer.from(bytes.subarray(0, 64 * 1024)).toString("latin1");
  const kind = /word\//.test(names)
    ? "a Word document (.docx)"
    : /xl\//.test(names)
      ? "an Excel workbook (.xlsx)"
      : /ppt\//.test(names)
        ? "a PowerPoint presentation (.pptx)"
        : /opendocument/.test(names)
          ? "an OpenDocument file (.odt/.ods)"
          : "a ZIP archive";
  return `To plik Worda, Excela, PowerPointa lub OpenDocument (kontener ZIP), którego potok nie czyta: zapisz sprawozdanie jako PDF albo tekst — this is ${kind} (a ZIP container), not a report the pipeline reads; save the report as PDF or text`;
}

/** Polish letters: a decoding that yields more of them is the right one. */
const POLISH = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g;
const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/** How many characters fall in the given code ranges (control characters: no regex needed). */
function countCodes(text: string, ranges: [number, number][]): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (ranges.some(([from, to]) => c >= from && c <= to)) n++;
  }
  return n;
}

function decodeText(bytes: Uint8Array, fileName: string): string {
  // A BOM says it all: UTF-8, or UTF-16 as Word's "Unicode text" and Notepad's "Unicode" save it.
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return decodeOrReject("utf-8", bytes.subarray(3), fileName);
  if (startsWith(bytes, 0xff, 0xfe)) return decodeOrReject("utf-16le", bytes.subarray(2), fileName);
  if (startsWith(bytes, 0xfe, 0xff)) return decodeOrReject("utf-16be", bytes.subarray(2), fileName);
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return decodeOrReject(utf16, bytes, fileName);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: a Polish office's 8-bit code page. Windows-1250 and ISO-8859-2 differ in ą, ś, ź,
    // Ą, Ś, Ź (and the quotes „”): the one that reads more Polish letters is the one it was saved in.
    const cp1250 = new TextDecoder("windows-1250").decode(bytes);
    const latin2 = new TextDecoder("iso-8859-2").decode(bytes);
    return count(latin2, POLISH) > count(cp1250, POLISH) ? latin2 : cp1250;
  }
}

/** UTF-16 without a BOM betrays itself by a zero byte beside nearly every Latin letter. */
function utf16WithoutBom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  if (bytes.length < 16 || bytes.length % 2 !== 0) return null;
  const n = Math.min(bytes.length, 4096);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return "utf-16le";
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return "utf-16be";
  return null;
}

function decodeOrReject(encoding: string, bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentRejected(
      fileName,
      `Plik podaje kodowanie ${encoding.toUpperCase()}, ale nie jest w nim zapisany poprawnie: zapisz go ponownie jako UTF-8 — the file says it is ${encoding.toUpperCase()} but is not valid ${encoding.toUpperCase()}`,
    );
  }
}

/**
 * Mojibake: UTF-8 bytes read as an 8-bit code page and saved again turn each Polish letter into two
 * characters ("ą" → "Ä…" in Windows-1250/1252, "ł" → "Ĺ‚", "ó" → "Ă³"/"Ã³"). The signatures are
 * computed from the code pages themselves, so every letter and every usual code page is covered.
 */
const MOJIBAKE: readonly string[] = (() => {
  const letters = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”–";
  const pages = ["windows-1250", "windows-1252", "iso-8859-2", "iso-8859-1"];
  const out = new Set<string>();
  for (const page of pages) {
    const decoder = new TextDecoder(page);
    for (const letter of letters) out.add(decoder.decode(Buffer.from(letter, "utf8")));
  }
  return [...out];
})();

/**
 * Word and PDF exports put no-break and thin spaces between thousands ("10\u00a0309") and soft
 * hyphens or zero-width spaces inside words: a space is a space, an invisible character is nothing.
 */
export function normaliseSpaces(text: string): string {
  return text.replace(/[\u00A0\u2007\u2009\u202F]/g, " ").replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, "");
}

/** More control characters than this (1 %, at least 8) and a text is not text but binary. */
const tolerated = (text: string) => Math.max(8, text.length / 100);
const C0_CONTROLS: [number, number][] = [
  [0x00, 0x08],
  [0x0e, 0x1f],
];

/**
 * A text is taken only when it reads as text: no binary, no mojibake, no lost letters. The few
 * control characters a damaged copy carries (three NUL bytes inside figures) are taken out with a
 * warning, so that "1\0 189" is read as the 1 189 it was and no quote carries them.
 */
function checkText(raw: string, fileName: string): DocumentText {
  const spaced = normaliseSpaces(raw);
  if (countCodes(spaced, C0_CONTROLS) > tolerated(spaced)) {
    throw new DocumentRejected(
      fileName,
      "Plik jest binarny, nie jest tekstem: podaj sprawozdanie jako PDF albo plik tekstowy — the file is binary, not a text report",
    );
  }
  if (spaced.trim() === "")
    throw new DocumentRejected(
      fileName,
      "Plik nie zawiera tekstu (same odstępy): sprawdź, czy to właściwy plik — the file holds no text (only white space)",
    );
  // Before the C1 check: mojibake read through Windows-1252 holds C1 characters too, and is told as such.
  checkMojibake(spaced, fileName);
  // C1 control characters come from bytes no Polish code page uses as letters.
  if (countCodes(spaced, [[0x7f, 0x9f]]) > tolerated(spaced)) {
    throw new DocumentRejected(
      fileName,
      "Nie rozpoznano kodowania znaków (czytane są UTF-8, Windows-1250, ISO-8859-2): zapisz plik ponownie jako UTF-8 — the file is not text in a known encoding (UTF-8, Windows-1250, ISO-8859-2)",
    );
  }
  const cleaned = removeControlCharacters(spaced);
  const text = cleaned.text;
  if (text.trim() === "")
    throw new DocumentRejected(
      fileName,
      "Plik nie zawiera tekstu (same znaki sterujące): sprawdź, czy to właściwy plik — the file holds no text (only control characters)",
    );
  return { text, warnings: controlCharacterWarnings(cleaned) };
}

function checkMojibake(text: string, fileName: string): void {
  let mojibake = 0;
  for (const m of MOJIBAKE) {
    for (let i = text.indexOf(m); i !== -1 && mojibake < 3; i = text.indexOf(m, i + m.length)) mojibake++;
  }
  if (mojibake >= 3) {
    throw new DocumentRejected(
      fileName,
      'Polskie litery są zniekształcone (np. „Ä…” zamiast „ą”): wyeksportuj plik ponownie z oryginału jako UTF-8 — the text is mojibake (UTF-8 read as another code page, "Ä…" for "ą"); export it again from the original',
    );
  }
  if (count(text, /\uFFFD/g) >= 3) {
    throw new DocumentRejected(
      fileName,
      "Przy konwersji utracono litery (znaki �): wyeksportuj plik ponownie z oryginału — letters were lost in a conversion (replacement characters �); export it again from the original",
    );
  }
  if (count(text, /\p{L}\?\p{L}/gu) >= 5) {
    throw new DocumentRejected(
      fileName,
      'Przy konwersji utracono litery („?” w środku wyrazów, np. „Spo?ecznej”): wyeksportuj plik ponownie z oryginału — letters were lost in a conversion ("?" inside words, e.g. "Spo?ecznej"); export it again from the original',
    );
  }
}

async function readPdf(
  bytes: Uint8Array,
  fileName: string,
  limits: Partial<PdfLimits> = {},
): Promise<DocumentText> {
  const { pages } = await readPdfPages(bytes, fileName, limits);
  const spaced = normaliseSpaces(pages.join("\n"));
  checkMojibake(spaced, fileName);
  // Glyphs without a Unicode mapping come out as control characters: a few are taken out, a text
  // layer made of them is no text layer.
  if (countCodes(spaced, [...C0_CONTROLS, [0x7f, 0x9f]]) > tolerated(spaced)) {
    throw new DocumentRejected(
      fileName,
      "Warstwa tekstowa PDF nie jest tekstem (znaki sterujące zamiast liter): wyeksportuj PDF ponownie z oryginału albo przepuść go przez OCR — the PDF's text layer is not text (control characters instead of letters: fonts without a Unicode map?); export it again or OCR it",
    );
  }
  const cleaned = removeControlCharacters(spaced);
  if (cleaned.text.replace(/\s/g, "").length < 20) {
    throw new DocumentRejected(
      fileName,
      "PDF nie ma warstwy tekstowej (skan?): przepuść go przez OCR i podaj PDF z tekstem — the PDF has no text layer (a scan?); OCR it first",
    );
  }
  return { text: cleaned.text, warnings: controlCharacterWarnings(cleaned) };
}
