// Benchmark of the built dashboards in Chromium: bytes transferred for the first page (cold cache) and the
// time to its first chart. Targets (issue 5): at most 1 MB, first chart within 1.5 s. Prints figures and
// never fails: a missing site, snapshot or browser is reported and the script exits 0.
//
//   OBS_DATA_DIR=/var/tmp/obs-dash npx tsx bench/dashboards.ts [--runs 5]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildDashboards } from "../dashboards/build.ts";
import { serveSite } from "../dashboards/serve.ts";
import { dataPaths } from "../lib/config.ts";
import { launchChromium } from "../tests/browser/chromium.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Math.max(1, Number(values.runs) || 5);
const MB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;

/** Sets window.__firstChart to performance.now() when the first drawn chart is in the document. */
const FIRST_CHART = `
  new MutationObserver((_, observer) => {
    if (document.querySelector("[data-chart=drawn] svg")) {
      window.__firstChart = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function main() {
  const site = join(dataPaths().dashboards, "site");
  if (!existsSync(join(site, "index.html"))) {
    if (!existsSync(dataPaths().published)) {
      console.log(
        `No site in ${site} and no published snapshot: run \`npm run refresh\` and \`npm run build\` first.`,
      );
      return;
    }
    console.log("No built site: building it first…");
    await buildDashboards({ log: (l) => /Dashboards (site built|data)/.test(l) && console.log(l) });
  }
  const browser = await launchChromium();
  const { server, url } = await serveSite(site);
  try {
    const measure = async (path: string, { gzip = true } = {}) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } }); // cold cache
      const page = await context.newPage();
      await page.addInitScript(FIRST_CHART);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      if (!gzip)
        await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": "identity" } });
      let bytes = 0;
      let requests = 0;
      cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
        bytes += e.encodedDataLength;
        requests++;
      });
      await page.goto(url + path, { waitUntil: "networkidle" });
      const firstChart = await page
        .waitForFunction(() => (window as unknown as { __firstChart?: number }).__firstChart, null, {
          timeout: 15_000,
        })
        .then((h) => h.jsonValue() as Promise<number>)
        .catch(() => Number.NaN);
      await context.close();
      return { bytes, requests, firstChart };
    };

    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure("/"));
    const bytes = median(runs.map((r) => r.bytes));
    const chart = median(runs.map((r) => r.firstChart));
    console.log(`First page (/), ${RUNS} cold loads on this machine (Chromium headless, localhost):`);
    console.log(
      `  transferred: ${kB(bytes)} in ${median(runs.map((r) => r.requests))} requests  (target ≤ 1 024 kB: ${bytes <= MB ? "ok" : "ABOVE TARGET"})`,
    );
    console.log(
      `  first chart: ${chart.toFixed(0)} ms after navigation start  (target ≤ 1 500 ms: ${chart <= 1500 ? "ok" : "ABOVE TARGET"})`,
    );
    console.log(`  runs: ${runs.map((r) => `${kB(r.bytes)} / ${r.firstChart.toFixed(0)} ms`).join(", ")}`);
    const plain = await measure("/", { gzip: false });
    console.log(
      `  without gzip (a server that does not compress): ${kB(plain.bytes)}, first chart ${plain.firstChart.toFixed(0)} ms`,
    );

    console.log("Other pages (one cold load each):");
    for (const path of [
      "/porownanie",
      "/miasto?c=wroclaw",
      "/rodziny",
      "/niebieska-karta",
      "/kadry",
      "/jakosc",
      "/dane",
      "/sql",
    ]) {
      const r = await measure(path);
      const chartText = Number.isNaN(r.firstChart) ? "no chart" : `first chart ${r.firstChart.toFixed(0)} ms`;
      const note =
        path === "/sql" ? "  (+ DuckDB wasm, ~34 MB, fetched by its worker: not counted here)" : "";
      console.log(
        `  ${path.padEnd(18)} ${kB(r.bytes).padStart(9)}  ${String(r.requests).padStart(3)} requests  ${chartText}${note}`,
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.log(`benchmark not run: ${(e as Error).message}`);
});
