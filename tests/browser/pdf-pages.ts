// A PDF's pages as PNG images, drawn by pdf.js (the serverless build unpdf bundles) in Chromium: no
// pdftoppm or Ghostscript on this machine, and a person must be able to look at every printed page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";

const require = createRequire(import.meta.url);
const PDFJS = join(dirname(require.resolve("unpdf")), "pdfjs.mjs");

/** Each page of `pdf` as a PNG (scale 1.5: 893 × 1263 px for A4). */
export async function pdfPagesToPng(browser: Browser, pdf: Uint8Array, scale = 1.5): Promise<Buffer[]> {
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
    const images = (await page.evaluate(`(async () => {
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
        out.push(canvas.toDataURL("image/png").split(",")[1]);
      }
      return out;
    })()`)) as string[];
    return images.map((b64) => Buffer.from(b64, "base64"));
  } finally {
    await page.close();
  }
}
