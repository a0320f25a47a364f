// A PDF's pages as PNG images, drawn by pdf.js (the serverless build unpdf bundles) in Chromium: no
// pdftoppm or Ghostscript on this machine, and a person must be able to look at every printed page.
// Each page's text is also read with its place and size, for what a person would see as clipped or shrunk:
// - Chromium cuts whatever sticks out of the printable area exactly at its edge, and the PDF keeps the
//   text run up to the glyph the edge cuts: text ending right of the printable area was cut on paper
//   (on the left it drops the hidden glyphs, so only the right edge, where pages overflow, is checked);
// - a page wider than the paper is shrunk as a whole by Chromium instead: its text is then smaller than
//   the page's CSS says (compare `pt` with the computed font size).
// Nothing is ever drawn into the margins (Chromium clips there), so the pixels need no check of their own.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";

const require = createRequire(import.meta.url);
const PDFJS = join(dirname(require.resolve("unpdf")), "pdfjs.mjs");

export interface PageMargins {
  /** in millimetres, as given to page.pdf (dashboards/brief.ts BRIEF_MARGIN) */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface DrawnPage {
  png: Buffer;
  /** Each text item: its text, font size in pt (a shrunk page has smaller text than its CSS), and where it starts and ends (mm from the page's left edge). */
  text: { str: string; pt: number; leftMm: number; rightMm: number; topMm: number }[];
  /** The text items that end right of the printable area: cut on paper. */
  cut: { str: string; leftMm: number; rightMm: number; topMm: number }[];
}

/** Each page of `pdf` drawn (scale 1.5: 893 × 1263 px for A4) and checked as the header says. */
export async function drawPdfPages(
  browser: Browser,
  pdf: Uint8Array,
  margins: PageMargins,
  scale = 1.5,
): Promise<DrawnPage[]> {
  const page = await browser.newPage();
  try {
    const origin = "http://pdf.local";
    await page.route(`${origin}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === "/pdfjs.mjs")
        return route.fulfill({ body: readFileSync(PDFJS), contentType: "text/javascript" });
      if (path === "/doc.pdf")
        return route.fulfill({ body: Buffer.from(pdf), contentType: "application/pdf" });
      return route.fulfill({ body: "<!doctype html><title>pdf</title>", contentType: "text/html" });
    });
    await page.goto(`${origin}/`);
    // a script as text: the test runner rewrites import() in functions it passes to the page
    const pages = (await page.evaluate(`(async () => {
      const margins = ${JSON.stringify(margins)};
      const { getDocument } = await import("${origin}/pdfjs.mjs");
      const data = new Uint8Array(await (await fetch("${origin}/doc.pdf")).arrayBuffer());
      const doc = await getDocument({ data, isEvalSupported: false }).promise;
      const out = [];
      for (let i = 1; i <= doc.numPages; i++) {
        const p = await doc.getPage(i);
        const viewport = p.getViewport({ scale: ${scale} });
        const canvas = document.createElement("canvas");
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        const context = canvas.getContext("2d");
        context.fillStyle = "white";
        context.fillRect(0, 0, canvas.width, canvas.height);
        await p.render({ canvasContext: context, viewport }).promise;
        const [, , widthPt, heightPt] = p.view;
        const mm = (pt) => Math.round((pt / 72) * 25.4 * 10) / 10;
        const content = await p.getTextContent();
        const text = content.items
          .filter((t) => typeof t.str === "string" && t.str.trim() !== "")
          .map((t) => ({
            str: t.str,
            pt: Math.round(Math.hypot(t.transform[2], t.transform[3]) * 10) / 10,
            leftMm: mm(t.transform[4]),
            rightMm: mm(t.transform[4] + t.width),
            topMm: mm(heightPt - t.transform[5]),
          }));
        // half a millimetre of tolerance: a glyph's advance may end a hair past its ink
        const cut = text
          .filter((t) => t.rightMm > mm(widthPt) - margins.right + 0.5)
          .map(({ str, leftMm, rightMm, topMm }) => ({ str, leftMm, rightMm, topMm }));
        out.push({ png: canvas.toDataURL("image/png").split(",")[1], text, cut });
      }
      return out;
    })()`)) as (Omit<DrawnPage, "png"> & { png: string })[];
    return pages.map((p) => ({ ...p, png: Buffer.from(p.png, "base64") }));
  } finally {
    await page.close();
  }
}

/** Each page of `pdf` as a PNG (scale 1.5: 893 × 1263 px for A4). */
export async function pdfPagesToPng(browser: Browser, pdf: Uint8Array, scale = 1.5): Promise<Buffer[]> {
  const none = { top: 0, bottom: 0, left: 0, right: 0 };
  return (await drawPdfPages(browser, pdf, none, scale)).map((p) => p.png);
}

/** "18mm" → 18. */
export const millimetres = (css: string): number => {
  const m = /^(\d+(?:\.\d+)?)mm$/.exec(css);
  if (!m) throw new Error(`not a length in mm: ${css}`);
  return Number(m[1]);
};
