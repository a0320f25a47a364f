import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument } from "pdf-lib";

const require = createRequire(import.meta.url);
const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");

/** A PDF with a text layer holding the given text, one PDF line per text line (DejaVu has Polish glyphs). */
export async function pdfFromText(text: string, linesPerPage = 60): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(readFileSync(FONT), { subset: true });
  const lines = text.split(/\r?\n/);
  // Pages as wide as the longest line, so a paragraph written on one line stays one line in the text layer.
  const width = Math.min(14_000, Math.max(842, ...lines.map((l) => font.widthOfTextAtSize(l, 8) + 60)));
  for (let i = 0; i < lines.length; i += linesPerPage) {
    const page = pdf.addPage([width, 1190]);
    lines.slice(i, i + linesPerPage).forEach((line, j) => {
      if (line.trim() !== "") page.drawText(line, { x: 20, y: 1160 - j * 19, size: 8, font });
    });
  }
  return pdf.save();
}

/**
 * A PDF written by hand, synchronously and without a library: `pages` pages that all show one content
 * stream, stored Flate-compressed (Helvetica as font F1, ASCII text). For hostile inputs, which must be
 * made at run time: a decompression bomb, a PDF of more pages than any report.
 */
export function rawPdf({ pages, content }: { pages: number; content: Uint8Array | string }): Uint8Array {
  const stream = deflateSync(typeof content === "string" ? Buffer.from(content, "latin1") : content, {
    level: 9,
  });
  const firstPage = 5;
  const objects: Buffer[] = [
    Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"),
    Buffer.from(
      `<< /Type /Pages /Count ${pages} /Kids [${Array.from({ length: pages }, (_, i) => `${firstPage + i} 0 R`).join(" ")}] >>`,
    ),
    Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
    Buffer.concat([
      Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`),
      stream,
      Buffer.from("\nendstream"),
    ]),
    ...Array.from({ length: pages }, () =>
      Buffer.from(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
      ),
    ),
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [
    "xref",
    `0 ${objects.length + 1}`,
    "0000000000 65535 f ",
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n `),
    "trailer",
    `<< /Size ${objects.length + 1} /Root 1 0 R >>`,
    "startxref",
    String(offset),
    "%%EOF",
    "",
  ].join("\n");
  parts.push(Buffer.from(xref, "latin1"));
  return Buffer.concat(parts);
}

/**
 * A decompression bomb: a content stream of `megabytes` MB of text lines, every one drawn at the same
 * place on the page (so a reader keeps every one of them), compressed to a few hundred KB — the PDF of
 * issue 10 that took the service to 9.6 GB. 200 MB give a 0.7 MB file.
 */
export function pdfBomb(megabytes = 200, pages = 1): Uint8Array {
  const line = "1 0 0 1 40 700 Tm (Liczba rodzin objetych pomoca spoleczna w roku 2023: 1 234) Tj\n";
  const lines = Math.floor((megabytes * 1024 * 1024) / line.length);
  const body = Buffer.alloc(lines * line.length, line, "latin1");
  return rawPdf({
    pages,
    content: Buffer.concat([Buffer.from("BT /F1 10 Tf\n"), body, Buffer.from("ET\n")]),
  });
}
