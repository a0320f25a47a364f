import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
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
