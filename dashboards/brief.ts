// The committee brief: a city's page of the built site printed to an A4 PDF by Chromium, with a running
// header (centre, snapshot date) and footer (page x of y, the page's full public address). The page itself
// is the brief: its first page is the summary (key figures against the previous comparable period, norms
// with their verdicts and caveats, what is missing); print.css makes wide tables reflow and leaves out the
// controls. Used by `npm run brief` and by the service after each publish (pipelines/tasks/make_briefs.ts).
import { mkdir, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { dataPaths } from "../lib/config.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { briefsDir } from "./brief-index.ts";
import { type DataVariant, readPointer } from "./publish-data.ts";
import { serveSite } from "./serve.ts";

/** Where a centre's brief is kept: one PDF per centre and variant of the data, replaced when its figures change. */
export const briefPath = (centreId: string, variant: DataVariant): string =>
  join(briefsDir(variant), `${centreId}.pdf`);

/**
 * The data a brief is printed from: the variant asked for, else what the site's server shows on this
 * machine (dashboards/serve.ts on loopback: the internal data when published, else the public).
 */
export async function briefData(
  site: string,
  variant?: DataVariant,
): Promise<{ variant: DataVariant; buildId: string } | null> {
  for (const v of variant ? [variant] : (["internal", "public"] as const)) {
    const pointer = await readPointer(join(dirname(site), "data", v));
    if (pointer) return { variant: v, buildId: pointer.buildId };
  }
  return null;
}

/**
 * The address readers open the dashboards at, printed on paper so a reader can find the page again:
 * OBS_PUBLIC_URL (e.g. https://obserwatorium.example.pl), else this machine's name with the port of
 * `npm run dashboards` ($PORT, default 3000).
 */
export function publicBaseUrl(): string {
  const configured = process.env.OBS_PUBLIC_URL?.trim();
  if (configured) return configured.replace(/\/+$/, "");
  return `http://${hostname()}:${process.env.PORT || "3000"}`;
}

/** Page margins: room for the running header and footer above and below the printed page. */
export const BRIEF_MARGIN = { top: "18mm", bottom: "18mm", left: "12mm", right: "12mm" };
/** The width the page's content has on A4 with those margins, in CSS pixels (96 per inch). */
export const PRINTABLE_WIDTH_PX = Math.floor(((210 - 24) / 25.4) * 96);

const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Chromium's header and footer templates (their own tiny documents: fonts and sizes set inline). */
export function headerFooter(centre: string, snapshot: string, address: string) {
  const style =
    "font-family:'DejaVu Sans',Arial,sans-serif;font-size:8px;color:#444;width:100%;margin:0 12mm;";
  return {
    headerTemplate: `<div style="${style}display:flex;justify-content:space-between"><span>Obserwatorium pomocy społecznej · ${escapeHtml(
      centre,
    )}</span><span>Dane: migawka z ${escapeHtml(snapshot)}</span></div>`,
    footerTemplate: `<div style="${style}display:flex;justify-content:space-between"><span>${escapeHtml(
      address,
    )}</span><span>Strona <span class="pageNumber"></span> z <span class="totalPages"></span></span></div>`,
  };
}

export interface BriefOptions {
  centreId: string;
  /** the built site (default: $OBS_DATA_DIR/dashboards/site) */
  site?: string;
  /** where the PDF goes (default: $OBS_DATA_DIR/briefs/<variant>/<centre>.pdf) */
  out?: string;
  /** the data to print (default: the internal data when published, else the public; see briefData) */
  variant?: DataVariant;
  /** a browser to reuse (the service makes many briefs in one go) */
  browser?: Browser;
}

export interface Brief {
  path: string;
  pages: number;
  bytes: number;
  variant: DataVariant;
  /** The build of the published data printed (dashboards/publish-data.ts). */
  dataBuildId: string;
}

/** Print one centre's page to PDF; returns the file written, how many pages it has and what data it shows. */
export async function makeBrief(opts: BriefOptions): Promise<Brief> {
  const site = opts.site ?? join(dataPaths().dashboards, "site");
  const data = await briefData(site, opts.variant);
  if (!data)
    throw new Error(
      `no published dashboards data beside ${site}${opts.variant ? ` (${opts.variant})` : ""}: run \`npm run build\` first`,
    );
  const out = opts.out ?? briefPath(opts.centreId, data.variant);
  const { server, url } = await serveSite(site, { log: () => {}, variant: data.variant });
  const browser = opts.browser ?? (await launchChromium());
  try {
    const page = await browser.newPage({ viewport: { width: PRINTABLE_WIDTH_PX, height: 1100 } });
    try {
      const pagePath = `/miasto?c=${encodeURIComponent(opts.centreId)}`;
      const response = await page.goto(url + pagePath, { waitUntil: "networkidle" });
      if (response?.status() !== 200)
        throw new Error(
          `no page ${pagePath} in ${site} (HTTP ${response?.status() ?? "?"}): is ${opts.centreId} a centre of the snapshot, and is the site built (npm run build)?`,
        );
      await page.locator("#observablehq-main h1").first().waitFor({ timeout: 30_000 });
      await page.emulateMedia({ media: "print" });
      const address = publicBaseUrl() + pagePath;
      // the printed page names its own address in full (on screen the browser's address bar does)
      const facts = await page.evaluate(
        ([publicAddress, publicBase]) => {
          for (const el of document.querySelectorAll(".page-address")) el.textContent = publicAddress;
          // another page's address on paper (e.g. the city's findings on Jakość danych): data-public-path
          for (const el of document.querySelectorAll<HTMLElement>("[data-public-path]"))
            el.textContent = publicBase + (el.dataset.publicPath ?? "");
          return {
            centre: document.querySelector("#observablehq-main h1")?.textContent?.trim() ?? "",
            snapshot: document.querySelector("[data-snapshot]")?.textContent?.trim() ?? "",
          };
        },
        [address, publicBaseUrl()] as const,
      );
      const pdf = await page.pdf({
        format: "A4",
        margin: BRIEF_MARGIN,
        printBackground: true,
        displayHeaderFooter: true,
        ...headerFooter(facts.centre || opts.centreId, facts.snapshot || "brak danych", address),
      });
      await mkdir(dirname(out), { recursive: true });
      // written beside and renamed: a reader never opens half a PDF
      const partial = join(dirname(out), `.${basename(out)}.${process.pid}.part`);
      await writeFile(partial, pdf);
      await rename(partial, out);
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      return { path: out, pages, bytes: pdf.length, variant: data.variant, dataBuildId: data.buildId };
    } finally {
      await page.close();
    }
  } finally {
    if (!opts.browser) await browser.close();
    server.close();
  }
}
