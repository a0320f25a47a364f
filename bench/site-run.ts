/**
 * The dashboards as published beside the site (issue 13), on the published snapshot of $OBS_DATA_DIR:
 *   - whole-site build time (Observable Framework, forced; one city template, so it does not grow with
 *     the number of gminas; target ≤ 60 s at national scale);
 *   - the first data publish (every file) and the first page in Chromium: bytes (≤ 1 MB) and the time to
 *     its first chart (≤ 1.5 s);
 *   - publish-to-visible: a changed figure of one centre (a new report, as the warehouse publishes it:
 *     the snapshot replaced by an atomic rename), from the warehouse publish until the new value shows
 *     on that centre's page in Chromium, without a site rebuild (target ≤ 10 s).
 *
 *   OBS_DATA_DIR=… node --import tsx bench/site-run.ts [--skip-site]
 */
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { buildDashboards, ensureSite } from "../dashboards/build.ts";
import { formatNumber } from "../dashboards/components/format.ts";
import { publishDashboardData } from "../dashboards/publish-data.ts";
import { serveSite } from "../dashboards/serve.ts";
import { dataPaths } from "../lib/config.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { Phases, progress, reportResult } from "./lib/child.ts";

const { values } = parseArgs({ options: { "skip-site": { type: "boolean", default: false } } });
const t = new Phases();
const result: Record<string, unknown> = { name: "site" };

/** Sets window.__firstChart to performance.now() when the first drawn chart is in the document. */
const FIRST_CHART = `
  new MutationObserver((_, observer) => {
    if (document.querySelector("[data-chart=drawn] svg")) {
      window.__firstChart = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** The changed figure: one centre's families_assisted in its latest year, +1 (a corrected report). */
async function changeOneFigure(): Promise<{ centreId: string; value: number }> {
  const { published } = dataPaths();
  const next = `${published}.bench-${process.pid}`;
  copyFileSync(published, next);
  const instance = await DuckDBInstance.create(next);
  const c = await instance.connect();
  try {
    const reader = await c.runAndReadAll(`select observation_id, centre_id, value from marts.fct_observation
      where metric_id = 'families_assisted' and breakdown is null and period_kind = 'year' and value is not null
      order by centre_id, year desc limit 1`);
    const row = reader.getRowObjectsJS()[0];
    if (!row) throw new Error("no families_assisted figure to change");
    const value = Number(row.value) + 1;
    const prepared = await c.prepare("update marts.fct_observation set value = $1 where observation_id = $2");
    prepared.bindDouble(1, value);
    prepared.bindVarchar(2, String(row.observation_id));
    await prepared.run();
    await c.run("checkpoint");
    return { centreId: String(row.centre_id), value };
  } finally {
    c.closeSync();
    instance.closeSync();
    renameSync(next, published); // the warehouse's publish: an atomic rename
  }
}

async function main() {
  const log = (line: string) => progress(`    ${line}`);
  const first = await publishDashboardData({ log, public: false });
  result.first_publish_s = first.seconds;
  result.first_publish_files = first.written;
  t.mark("first_publish");
  if (!values["skip-site"]) {
    const started = performance.now();
    await ensureSite({ log, forceSite: true });
    result.site_build_s = (performance.now() - started) / 1000;
    t.mark("site_build");
  }
  const site = join(dataPaths().dashboards, "site");
  const siteBuild = (await ensureSite({ log })).siteBuildId;
  const browser = await launchChromium();
  const { server, url } = await serveSite(site);
  try {
    // the first page, cold cache: bytes and the first chart (median of 3)
    const loads: { bytes: number; chart: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(FIRST_CHART);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      let bytes = 0;
      cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
        bytes += e.encodedDataLength;
      });
      await page.goto(`${url}/`, { waitUntil: "networkidle" });
      const chart = await page
        .waitForFunction(() => (window as unknown as { __firstChart?: number }).__firstChart, null, {
          timeout: 15_000,
        })
        .then((h) => h.jsonValue() as Promise<number>)
        .catch(() => Number.NaN);
      loads.push({ bytes, chart });
      await context.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? Number.NaN;
    result.first_page_bytes = median(loads.map((l) => l.bytes));
    result.first_chart_ms = median(loads.map((l) => l.chart));
    t.mark("first_page");

    // publish-to-visible: the warehouse publishes a changed figure; the data publish follows (as the
    // service's build_dashboards job does); the centre's page is opened until the new value shows
    const { centreId, value } = await changeOneFigure();
    const publishedAt = performance.now();
    // as the service's build_dashboards job: the data published in a process of its own (the server here
    // must keep answering), not awaited: the pages are current after its first build, the marts follow
    const publishing = buildDashboards({ log, public: false });
    const context = await browser.newContext();
    const page = await context.newPage();
    // as the page writes it (dashboards/components/format.ts), compared with spaces normalised
    const shown = formatNumber(value).replace(/\s/g, " ");
    let visible = false;
    while (!visible && performance.now() - publishedAt < 120_000) {
      await page.goto(`${url}/miasto?c=${encodeURIComponent(centreId)}`, { waitUntil: "networkidle" });
      visible = await page
        .waitForFunction(
          (text) =>
            (document.getElementById("observablehq-main")?.textContent ?? "")
              .replace(/\s/g, " ")
              .includes(text),
          shown,
          { timeout: 5_000 },
        )
        .then(() => true)
        .catch(() => false);
    }
    result.publish_to_visible_s = visible ? (performance.now() - publishedAt) / 1000 : null;
    const again = (await publishing).data;
    result.incremental_publish_s = again.seconds;
    result.incremental_marts_s = again.martsSeconds ?? 0;
    result.incremental_files = { written: again.written, linked: again.linked };
    result.site_rebuilt_for_report = (await ensureSite({ log })).siteBuildId !== siteBuild;
    await context.close();
    t.mark("publish_to_visible");
  } finally {
    await browser.close();
    server.close();
  }
  const fmt = (n: unknown, d = 1) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(d) : "–");
  reportResult({
    ...result,
    summary: `site build ${fmt(result.site_build_s)} s (target ≤ 60 s); data publish ${fmt(result.first_publish_s)} s (${String(result.first_publish_files)} files written), ${fmt(result.incremental_publish_s)} s after one changed figure (+ ${fmt(result.incremental_marts_s)} s for the changed marts); publish to visible ${fmt(result.publish_to_visible_s)} s (target ≤ 10 s); first page ${fmt((result.first_page_bytes as number) / 1024, 0)} kB (≤ 1 024), first chart ${fmt(result.first_chart_ms, 0)} ms (≤ 1 500)`,
    wall_s: t.total,
    phases: t.phases,
  });
}

main().catch((e) => {
  rmSync(`${dataPaths().published}.bench-${process.pid}`, { force: true });
  progress(`site bench failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
