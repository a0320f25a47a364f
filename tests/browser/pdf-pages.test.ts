// The checks every printed brief goes through (tests/browser/pdf-pages.ts), on pages made to fail them:
// text cut at the right edge of the printable area, a page Chromium shrinks to fit.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.ts";
import { drawPdfPages } from "./pdf-pages.ts";

const MARGINS = { top: 18, bottom: 18, left: 12, right: 12 };
/** 14 CSS px = 10.5 pt */
const TEXT = "font: 14px/1.4 'DejaVu Sans', sans-serif";
const LONG = `${"Liczba rodzin objętych pracą socjalną w okresie sprawozdawczym ".repeat(4)}KONIEC`;
/** one word wider than the page: wherever the edge falls, it cuts a letter */
const WIDE_WORD = "Ośrodek".repeat(40);

describe("the printed-page checks", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const print = async (body: string) => {
    const page = await browser.newPage({ viewport: { width: 703, height: 1000 } });
    try {
      await page.setContent(
        `<!doctype html><html lang="pl"><body style="margin:0;${TEXT}">${body}</body></html>`,
      );
      await page.emulateMedia({ media: "print" });
      const pdf = await page.pdf({
        format: "A4",
        margin: { top: "18mm", bottom: "18mm", left: "12mm", right: "12mm" },
        printBackground: true,
      });
      const drawn = (await drawPdfPages(browser, pdf, MARGINS))[0];
      return drawn;
    } finally {
      await page.close();
    }
  };

  it("pass a page that fits: nothing cut, text at its CSS size", async () => {
    const drawn = await print(`<p>Zwykły akapit.</p><p>${LONG}</p><hr>`);
    expect(drawn?.cut).toEqual([]);
    expect(drawn?.text.find((t) => t.str.includes("Zwykły"))?.pt).toBe(10.5);
  });

  it("find text cut at the right edge of the printable area", async () => {
    const drawn = await print(
      `<p>Zwykły akapit.</p><div style="overflow:hidden"><div style="width:1400px">${WIDE_WORD}</div></div>`,
    );
    // the run as far as it reached the paper: whole words up to the one cut at the edge
    expect(drawn?.cut).toHaveLength(1);
    expect(WIDE_WORD.startsWith(drawn?.cut[0]?.str ?? "-")).toBe(true);
  });

  it("find a page shrunk to fit: its text smaller than its CSS says", async () => {
    const drawn = await print(`<p>Zwykły akapit.</p><div style="width:1400px">${LONG}</div>`);
    expect(drawn?.text.find((t) => t.str.includes("Zwykły"))?.pt).toBeLessThan(10);
    expect(drawn?.cut).toEqual([]); // shrunk, nothing is cut: only the size tells
  });
});
