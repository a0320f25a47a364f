// Issue 14 in a real Chromium, on a site built from a fresh pipeline run: the SQL console refuses writes
// before loading anything and pages its results; a downloaded CSV opens as Polish Excel reads it; a shared
// address reopens the same view (Porównanie, Rodziny, Kadry); each city's committee brief prints on A4
// with nothing wider than the printable area, nothing cut and nothing shrunk (its pages are rendered to PNG
// in tests/artifacts/ to be looked at, and checked by tests/browser/pdf-pages.ts); Polish everywhere.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser, Download, Page } from "playwright-core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRIEF_MARGIN, makeBrief, PRINTABLE_WIDTH_PX } from "../../dashboards/brief.ts";
import { serveSite } from "../../dashboards/serve.ts";
import { ROOT } from "../helpers/cli.ts";
import { builtSiteDataDir } from "../helpers/prepared-dirs.ts";
import { launchChromium } from "./chromium.ts";
import { drawPdfPages, millimetres } from "./pdf-pages.ts";

const ARTIFACTS = join(ROOT, "tests", "artifacts");
const text = (s: string | null) => (s ?? "").replaceAll("\u00a0", " ").replaceAll("\u202f", " ");

/** A CSV as Polish Excel reads it: BOM, CRLF rows, `;` between cells, `"` quoting, decimal comma. */
function readPolishExcelCsv(bytes: Buffer): { header: string[]; rows: string[][] } {
  expect([...bytes.subarray(0, 3)], "UTF-8 BOM (else Excel reads the Polish letters as cp1250)").toEqual([
    0xef, 0xbb, 0xbf,
  ]);
  const body = bytes.subarray(3).toString("utf8");
  const records: string[][] = [];
  let cell = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && body[i + 1] === "\n") {
      row.push(cell);
      records.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** A cell Polish Excel takes for a number: digits, an optional decimal comma, no grouping spaces. */
const EXCEL_NUMBER = /^-?\d+(,\d+)?$/;

describe("issue 14: console, export and share, the committee brief, Polish", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let site: string;
  let data: string;
  let cities: string[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // a refresh and a dashboards build, shared by the browser tests (tests/helpers/prepared-dirs.ts)
    data = builtSiteDataDir("obs-console-");
    site = join(data, "dashboards", "site");
    // the centres of the current published data (one city page template serves them all)
    const published = join(data, "dashboards", "data", "internal");
    const { buildId } = JSON.parse(readFileSync(join(published, "current.json"), "utf8")) as {
      buildId: string;
    };
    cities = readdirSync(join(published, buildId, "centre")).map((f) => f.replace(/\.json$/, ""));
    ({ server, url: origin } = await serveSite(site));
  }, 1_200_000); // a hang guard: the first browser file to ask makes the shared refresh and build, minutes on a busy machine

  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => {});
    await browser?.close();
    server?.close();
    if (data) rmSync(data, { recursive: true, force: true });
  });

  async function open(path: string, viewport = { width: 1280, height: 900 }) {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    pages.push(page);
    const errors: string[] = [];
    const fetched: { path: string; bytes: number }[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", async (r) => {
      const body = await r.body().catch(() => Buffer.alloc(0));
      fetched.push({ path: new URL(r.url()).pathname, bytes: body.length });
    });
    await page.goto(origin + path, { waitUntil: "networkidle" });
    return { page, errors, fetched };
  }

  const saved = async (download: Download) => readFileSync(await download.path());

  it("refuses writes in Polish before loading DuckDB, then answers in pages with years and NULL as written", async () => {
    const { page, errors, fetched } = await open("/sql");
    const before = fetched.reduce((n, f) => n + f.bytes, 0);
    expect(fetched.filter((f) => /duckdb|\.arrow$|marts/.test(f.path))).toEqual([]);
    expect(before, "bytes before the first query").toBeLessThan(1024 * 1024);

    const run = async (sql: string) => {
      await page.locator("textarea").fill(sql);
      await page.getByRole("button", { name: /Uruchom/ }).click();
    };
    for (const [sql, kind] of [
      ["create table marts.x as select 1", "CREATE"],
      ["select 1; insert into marts.families select * from marts.families", "INSERT"],
      ["explain analyze delete from marts.families", "EXPLAIN ANALYZE DELETE"],
      ["with a as (select 1) update marts.dim_centre set name_pl = 'x'", "WITH … UPDATE"],
      ["copy marts.families to 'x.csv'", "COPY"],
      ["attach 'x.db' as x", "ATTACH"],
      ["set threads = 1", "SET"],
      ["pragma version", "PRAGMA"],
    ]) {
      await run(sql as string);
      const refusal = text(await page.locator(".sql-refused").textContent());
      expect(refusal).toContain("tylko czyta dane");
      expect(refusal).toContain(`(${kind})`);
    }
    // nothing was loaded for the refusals
    expect(fetched.filter((f) => /duckdb|\.arrow$/.test(f.path))).toEqual([]);

    await run(
      "select o.year, o.observation_id, o.breakdown, o.value from marts.fct_observation o order by o.year nulls first, o.observation_id",
    );
    await expect.poll(() => page.locator(".sql-status").textContent(), { timeout: 90_000 }).toMatch(/wiersz/);
    const total = Number(
      text(await page.locator(".sql-status").textContent())
        .match(/^([\d ]+)/)?.[1]
        ?.replaceAll(" ", ""),
    );
    expect(total).toBeGreaterThan(50);
    expect(await page.locator("table.sql-result tbody tr").count()).toBe(50);
    expect(text(await page.locator(".sql-pager").textContent())).toMatch(/Strona 1 z \d+ · wiersze 1–50 z /);
    const years = await page.locator("table.sql-result tbody tr td:first-child").allTextContents();
    expect(
      years.filter((y) => /^\d/.test(y)).every((y) => /^\d{4}$/.test(y)),
      years.join("|"),
    ).toBe(true);
    const breakdowns = await page.locator("table.sql-result tbody tr td:nth-child(3)").allTextContents();
    expect(breakdowns).toContain("NULL");
    expect(text(await page.locator("table.sql-result").textContent())).not.toContain("brak danych");
    await page.getByRole("button", { name: "Następna ›" }).click();
    expect(text(await page.locator(".sql-pager").textContent())).toMatch(
      /Strona 2 z \d+ · wiersze 51–100 z /,
    );

    // the schema browser: every column of every table with a Polish description
    await page.locator(".sql-schema > summary").click();
    const tables = await page.locator(".sql-table").count();
    expect(tables).toBeGreaterThanOrEqual(13);
    expect(await page.locator(".sql-columns tbody tr").count()).toBeGreaterThan(100);
    expect(await page.locator(".sql-schema").textContent()).not.toContain("bez opisu");
    await page.screenshot({ path: join(ARTIFACTS, "console-sql.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("downloads a table and a chart's data as CSV that Polish Excel reads, and the chart as PNG and SVG", async () => {
    const { page, errors } = await open("/porownanie");
    await page.locator("[data-chart=drawn] svg").first().waitFor({ timeout: 20_000 });
    const [tableCsv] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".table-block .export-bar button").first().click(),
    ]);
    expect(tableCsv.suggestedFilename()).toMatch(/\.csv$/);
    const table = readPolishExcelCsv(await saved(tableCsv));
    expect(table.header.length).toBeGreaterThan(1);
    expect(table.header, "ids beside the labels").toContain("centre_id");
    expect(table.rows.length).toBeGreaterThan(0);
    const cells = table.rows.flat();
    expect(
      cells.some((c) => EXCEL_NUMBER.test(c)),
      "numbers Excel can add up",
    ).toBe(true);
    expect(
      cells.some((c) => /^\d{1,3}( \d{3})+$/.test(c)),
      "no grouping spaces in numbers",
    ).toBe(false);
    expect(cells.join(" ")).toMatch(/[ąćęłńóśźżŁŚŻ]/); // Polish labels survived the encoding

    const bar = page.locator("[data-chart=drawn] .export-bar").first();
    const [chartCsv] = await Promise.all([
      page.waitForEvent("download"),
      bar.getByRole("button", { name: "CSV" }).click(),
    ]);
    const chart = readPolishExcelCsv(await saved(chartCsv));
    expect(chart.header).toEqual(expect.arrayContaining(["centre_id", "value"]));
    const values = chart.rows.map((r) => r[chart.header.indexOf("value")] ?? "").filter((v) => v !== "");
    expect(values.length).toBeGreaterThan(0);
    expect(
      values.every((v) => EXCEL_NUMBER.test(v)),
      values.join("|"),
    ).toBe(true);

    const [png] = await Promise.all([
      page.waitForEvent("download"),
      bar.getByRole("button", { name: "PNG" }).click(),
    ]);
    const pngBytes = await saved(png);
    expect([...pngBytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    expect(pngBytes.readUInt32BE(16), "PNG width: the chart at twice its size").toBeGreaterThan(600);
    writeFileSync(join(ARTIFACTS, "console-chart-export.png"), pngBytes);
    const [svg] = await Promise.all([
      page.waitForEvent("download"),
      bar.getByRole("button", { name: "SVG" }).click(),
    ]);
    const svgText = (await saved(svg)).toString("utf8");
    expect(svgText).toMatch(/^<\?xml/);
    expect(svgText).toContain("<svg");
    expect(errors).toEqual([]);
  });

  it("keeps the view in the address: a shared link reopens the same indicator, kind of period and period", async () => {
    const { page } = await open("/porownanie");
    await page.locator("[data-chart=drawn] svg").first().waitFor({ timeout: 20_000 });
    const indicator = page.locator("form select").first();
    // a series with years and half-years (NK-A forms), its half-years, and the oldest of them
    const nk = await indicator.evaluate((s) =>
      [...(s as HTMLSelectElement).options].findIndex((o) => /Niebieska Karta – A( – \d|$)/.test(o.text)),
    );
    expect(nk).toBeGreaterThanOrEqual(0);
    await indicator.selectOption({ index: nk });
    await page.waitForTimeout(500);
    // the kind of period's radios (the page has a second group: counts or per 10,000 residents)
    const kindRadios = (p: Page) =>
      p.locator("form").filter({ hasText: "Rodzaj okresu" }).locator("input[type=radio]");
    await kindRadios(page).nth(1).check();
    await page.waitForTimeout(500);
    const period = page.locator("form select").nth(1);
    const periodCount = await period.locator("option").count();
    expect(periodCount).toBeGreaterThan(1);
    await period.selectOption({ index: periodCount - 1 });
    await page.waitForTimeout(500);
    const shared = page.url();
    expect(new URL(shared).searchParams.get("wskaznik")).toBe("nk_a_forms");
    expect(new URL(shared).searchParams.get("rodzaj")).toBe("half_year");
    const shown = async (p: Page) => ({
      indicator: await p
        .locator("form select")
        .first()
        .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text),
      period: await p
        .locator("form select")
        .nth(1)
        .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text),
      kind: await kindRadios(p).evaluateAll((rs) => (rs as HTMLInputElement[]).find((r) => r.checked)?.value),
      scale: await p
        .locator("form")
        .filter({ hasText: "Pokaż" })
        .locator("input[type=radio]:checked")
        .evaluate((r) => (r as HTMLInputElement).value),
    });
    const expected = await shown(page);
    const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(again);
    await again.goto(shared, { waitUntil: "networkidle" });
    await again.locator("form select").nth(1).waitFor({ timeout: 20_000 });
    await again.waitForTimeout(500);
    expect(await shown(again)).toEqual(expected);
  });

  it("keeps the pick in the address on Rodziny and Kadry: a shared link reopens the same city and period", async () => {
    for (const { path, label, params } of [
      { path: "/rodziny", label: "Miasto i okres", params: ["miasto", "okres"] },
      { path: "/kadry", label: "Miasto", params: ["miasto"] },
    ]) {
      const { page, errors } = await open(path);
      const picker = (p: Page) => p.locator("form").filter({ hasText: label }).locator("select").first();
      await picker(page).waitFor({ timeout: 20_000 });
      const shownFirst = await picker(page).evaluate((s) => (s as HTMLSelectElement).selectedIndex);
      const options = await picker(page).locator("option").count();
      expect(options, `${path}: a choice to make`).toBeGreaterThan(1);
      // an option other than the one shown by default
      const other = shownFirst === options - 1 ? 0 : options - 1;
      await picker(page).selectOption({ index: other });
      await page.waitForTimeout(500);
      const shared = new URL(page.url());
      for (const name of params) expect(shared.searchParams.get(name), `${path}: ${name}`).toBeTruthy();
      const chosen = await picker(page).evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text);
      const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      pages.push(again);
      await again.goto(shared.href, { waitUntil: "networkidle" });
      await picker(again).waitFor({ timeout: 20_000 });
      expect(await picker(again).evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text)).toBe(
        chosen,
      );
      // what the pick shows follows it: the city's name in the section below the picker
      const city = (chosen ?? "").split(" – ")[0] ?? "";
      await expect
        .poll(async () => text(await again.locator("#observablehq-main").textContent()))
        .toContain(
          path === "/kadry"
            ? `${city}: pracownicy socjalni`
            : `Powody przyznania pomocy – ${(chosen ?? "").replace(" – ", ", ")}`,
        );
      expect(errors).toEqual([]);
    }
  });

  it("prints each city's brief on A4 with header and footer, nothing wider than the printable area, nothing cut or shrunk", async () => {
    expect(cities.length).toBeGreaterThanOrEqual(4);
    const margins = {
      top: millimetres(BRIEF_MARGIN.top),
      bottom: millimetres(BRIEF_MARGIN.bottom),
      left: millimetres(BRIEF_MARGIN.left),
      right: millimetres(BRIEF_MARGIN.right),
    };
    let withFindings = 0;
    for (const city of cities) {
      // nothing on the print-media page sticks out of the printable width
      const { page, errors } = await open(`/miasto?c=${city}`, { width: PRINTABLE_WIDTH_PX, height: 1000 });
      // no brief printed into this data dir's briefs/: no link to one, and no failed request for it
      expect(await page.locator("a.brief-link").count()).toBe(0);
      expect(errors).toEqual([]);
      // nothing shown as a bare value (an empty string displayed is '""'), no period "bez daty" as the latest
      const main = text(await page.locator("#observablehq-main").textContent());
      expect(main).not.toContain('""');
      expect(main).not.toContain("najnowszy okres bez daty");
      await page.emulateMedia({ media: "print" });
      const h1 = await page.evaluate(() => {
        const e = document.querySelector("#observablehq-main h1") as HTMLElement;
        return {
          pt: Number.parseFloat(getComputedStyle(e).fontSize) * 0.75,
          text: e.textContent?.trim() ?? "",
        };
      });
      const overflow = await page.evaluate((limit) => {
        const main = document.querySelector("#observablehq-main") as HTMLElement;
        const left = main.getBoundingClientRect().left;
        return [...main.querySelectorAll("*")]
          .filter((e) => (e as HTMLElement).offsetParent !== null || e instanceof SVGElement)
          .map((e) => ({ e, r: e.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 0 && r.right - left > limit + 1)
          .map(
            ({ e, r }) => `${e.tagName}.${e.getAttribute("class") ?? ""} right=${Math.round(r.right - left)}`,
          )
          .slice(0, 10);
      }, PRINTABLE_WIDTH_PX);
      expect(overflow, `${city}: elements wider than the printable area`).toEqual([]);
      const scrolled = await page.evaluate(
        () =>
          [...document.querySelectorAll(".table-scroll")].filter((t) => t.scrollWidth > t.clientWidth + 1)
            .length,
      );
      expect(scrolled, `${city}: tables that would be cut on paper`).toBe(0);

      const out = join(data, "briefs-test", `${city}.pdf`);
      const brief = await makeBrief({ centreId: city, site, out, browser });
      const pdf = readFileSync(brief.path);
      expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
      const doc = await getDocumentProxy(new Uint8Array(pdf));
      const { text: perPage, totalPages } = await extractText(doc, { mergePages: false });
      expect(totalPages).toBeGreaterThanOrEqual(1);
      const first = text(perPage[0] ?? "");
      expect(first).toContain("Obserwatorium pomocy społecznej");
      expect(first).toContain(`Strona 1 z ${totalPages}`);
      expect(first).toMatch(new RegExp(`https?://[^\\s/]+(:\\d+)?/miasto\\?c=${city}`));
      expect(first).toMatch(/Najważniejsze liczby/);
      expect(first).not.toContain("Pobierz");
      // other pages' addresses in full too (the city's findings on Jakość danych), never the print server's
      const flat = perPage.join(" ").replace(/\s+/g, "");
      if (flat.includes("zob.Jakośćdanych")) {
        expect(flat).toMatch(new RegExp(`Jakośćdanych,https?://[^/]+/jakosc\\?miasto=${city}\\.`));
        withFindings++;
      }
      expect(flat).not.toMatch(/127\.0\.0\.1/);
      // every page rendered to PNG, to be looked at, and checked: no text cut at the printable area's edge,
      // and the page not shrunk to fit (the title at the size the print CSS gives it)
      const drawn = await drawPdfPages(browser, pdf, margins);
      expect(drawn).toHaveLength(totalPages);
      for (const [i, p] of drawn.entries()) {
        writeFileSync(join(ARTIFACTS, `brief-${city}-${i + 1}.png`), p.png);
        expect(p.cut, `${city}, page ${i + 1}: text cut at the right edge`).toEqual([]);
      }
      const title = drawn[0]?.text.find((t) => t.str.trim() === h1.text);
      expect(title, `${city}: the title on page 1`).toBeTruthy();
      expect(
        Math.abs((title?.pt ?? 0) - h1.pt),
        `${city}: title ${title?.pt} pt, CSS ${h1.pt} pt`,
      ).toBeLessThan(0.3);
      await page.close();
    }
    expect(withFindings, "a brief naming the city's findings on Jakość danych").toBeGreaterThan(0);
    expect(BRIEF_MARGIN.left).toBe("12mm");
  }, 900_000);

  it("speaks Polish: findings by their Polish names, the glossary in the nav, the 404 page in the layout", async () => {
    const { page } = await open("/jakosc");
    const body = text(await page.locator("#observablehq-main").textContent());
    expect(body).not.toMatch(/flag:|test:[a-z]/);
    expect(body).not.toMatch(/Test „[a-z][a-z ']+” nie przeszedł/); // an English test description
    const glossary = await open("/slownik");
    expect(await glossary.page.locator("#observablehq-sidebar a[href$='slownik']").count()).toBeGreaterThan(
      0,
    );
    const glossaryText = text(await glossary.page.locator("#observablehq-main").textContent());
    for (const term of [
      "NK-A",
      "Przepływ i stan",
      "Liczone w ciągu roku",
      "grupą roboczą",
      "Asystent rodziny",
      "Półrocze",
      "Okres wieloletni",
      "Stan bez daty",
    ])
      expect(glossaryText).toContain(term);
    const missing = await browser.newPage();
    pages.push(missing);
    const response = await missing.goto(`${origin}/nie-ma-takiej-strony`);
    expect(response?.status()).toBe(404);
    expect(await missing.locator("#observablehq-sidebar").count()).toBe(1);
    expect(text(await missing.locator("#observablehq-main h1").textContent())).toBe("Nie ma takiej strony");
    const catalogue = await open("/dane");
    const search = catalogue.page.locator("input.catalogue-search");
    await search.fill("asystent");
    const rows = await catalogue.page.locator(".catalogue tbody tr").allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /asystent/i.test(r))).toBe(true);
  });
});
