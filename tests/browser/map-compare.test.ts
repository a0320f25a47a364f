// The map and Porównanie miast in a real Chromium (issue 13): a fresh pipeline run, the dashboards build,
// a local server. The map is drawn from the bundled outlines with no request leaving 127.0.0.1, one mark
// per centre, "brak danych" in the legend and drawn apart from zero; Porównanie starts on an indicator two
// or more centres report, groups indicators by topic with counts, and finds a city by name.
// Screenshots go to tests/artifacts/ to be looked at.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageBytes } from "../../dashboards/page-bytes.ts";
import { serveSite } from "../../dashboards/serve.ts";
import { ROOT, sqlJson } from "../helpers/cli.ts";
import { builtSiteDataDir } from "../helpers/prepared-dirs.ts";
import { launchChromium } from "./chromium.ts";

const ARTIFACTS = join(ROOT, "tests", "artifacts");
const text = (s: string | null) => (s ?? "").replaceAll("\u00a0", " ");

describe("the map and Porównanie miast in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let site: string;
  let data: string;
  const pages: Page[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // a refresh and a dashboards build, shared by the browser tests (tests/helpers/prepared-dirs.ts)
    data = builtSiteDataDir("obs-map-");
    site = join(data, "dashboards", "site");
    ({ server, url: origin } = await serveSite(site));
  }, 1_200_000); // a hang guard: the first browser file to ask makes the shared refresh and build, minutes on a busy machine

  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => {});
    await browser?.close();
    server?.close();
    if (data) rmSync(data, { recursive: true, force: true });
  });

  /** Open a page; record console errors and every request that leaves the local server. */
  async function visit(path: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    const errors: string[] = [];
    const external: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.protocol !== "data:" && u.protocol !== "blob:" && u.origin !== origin) external.push(r.url());
    });
    await page.goto(origin + path, { waitUntil: "networkidle" });
    await page.locator(".map svg").first().waitFor({ timeout: 15_000 });
    return { page, errors, external };
  }

  /** A page's data as published beside the site (dashboards/publish-data.ts: data/internal/<build>/<name>.json). */
  const builtData = (name: string) => {
    const published = join(data, "dashboards", "data", "internal");
    const { buildId } = JSON.parse(readFileSync(join(published, "current.json"), "utf8")) as {
      buildId: string;
    };
    return JSON.parse(readFileSync(join(published, buildId, `${name}.json`), "utf8"));
  };

  const marks = (page: Page, cls: string) => page.locator(`.map g.${cls} > *`).count();

  it("draws Poland offline on Przegląd: voivodeships, powiats, a mark per centre, brak danych apart from zero", async () => {
    const { page, errors, external } = await visit("/");
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    const map = page.locator(".map").first();
    // 16 voivodeships and 380 powiats, each a path
    expect(await map.locator("g.map-voivodeship path").count()).toBe(16);
    expect(await map.locator("g.map-powiat path").count()).toBe(380);
    const centres = sqlJson<{ n: number }>(data, "select count(*) as n from marts.dim_centre")[0]?.n;
    const { map: published } = builtData("overview") as {
      map: { rows: { centre_id: string; value: number | null }[] };
    };
    const missing = published.rows.filter((r) => r.value === null).length;
    const zero = published.rows.filter((r) => r.value === 0).length;
    expect(published.rows).toHaveLength(Number(centres));
    expect(await marks(page, "map-centre")).toBe(Number(centres));
    expect(await marks(page, "map-centre-missing")).toBe(missing);
    expect(await marks(page, "map-centre-zero")).toBe(zero);
    expect(await marks(page, "map-centre-value")).toBe(Number(centres) - missing - zero);
    // "brak danych": hollow (white fill, dashed grey stroke), never the filled mark of a value
    const legend = map.locator("[data-legend=brak-danych]");
    expect(text(await legend.textContent())).toContain("brak danych");
    expect(text(await legend.textContent())).toContain("nie jest zero");
    if (missing > 0) {
      const hollow = map.locator("g.map-centre-missing").first();
      expect(await hollow.getAttribute("fill")).toBe("white");
      expect(await hollow.getAttribute("stroke-dasharray")).toBeTruthy();
    }
    // a centre's label says its name and value in Polish (or brak danych)
    const labels = text(
      await map
        .locator("g.map-label")
        .allTextContents()
        .then((t) => t.join(" | ")),
    );
    expect(labels).toMatch(/Wrocław: /);
    expect(labels).not.toMatch(/\d[,.]\d{3}\b/);
    await map.screenshot({ path: join(ARTIFACTS, "map-przeglad.png") });
  });

  it("keeps the first page under 1 MB with the outlines in it", async () => {
    const r = await pageBytes(site, "/");
    const outlines = r.files.find((f) => /^_file\/geo\/polska\.[0-9a-f]+\.json$/.test(f.path));
    expect(outlines, r.files.map((f) => f.path).join()).toBeDefined();
    expect(outlines?.bytes).toBeLessThan(200 * 1024);
    expect(r.bytes).toBeLessThan(1024 * 1024);
  });

  it("starts Porównanie on an indicator two or more centres report, with the map of it", async () => {
    const { page, errors, external } = await visit("/porownanie");
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.locator("[data-chart=drawn] svg").first().waitFor({ timeout: 10_000 });
    expect(await page.locator(".observablehq--error").allTextContents()).toEqual([]);
    const withValue = (await marks(page, "map-centre-value")) + (await marks(page, "map-centre-zero"));
    expect(withValue).toBeGreaterThanOrEqual(2);
    // the bar chart agrees: two or more bars, and the table two or more cities with a number
    const bars = await page.locator("svg g[aria-label='bar'] > *").count();
    expect(bars).toBeGreaterThanOrEqual(2);
    const centres = sqlJson<{ n: number }>(data, "select count(*) as n from marts.dim_centre")[0]?.n;
    expect(await marks(page, "map-centre")).toBe(Number(centres));
    // change against the previous comparable period has its column; the rank among similar gminas too
    // where some city has a population of the figure's date, else one line says why (never a column of
    // "brak klasy wielkości" for every city: these four have no GUS population until it is imported)
    const head = text(await page.locator("table.figures-table thead").first().textContent());
    expect(head).toContain("Zmiana wobec poprzedniego okresu");
    const body = text(await page.locator("#observablehq-main").textContent());
    expect(body).not.toContain("brak klasy wielkości");
    expect(
      head.includes("Pozycja wśród podobnych gmin") || body.includes("Pozycji wśród podobnych gmin"),
    ).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "map-porownanie.png"), fullPage: true });
  });

  it("groups Porównanie's indicators by topic with the number of centres, and switches on a pick", async () => {
    const { page } = await visit("/porownanie");
    const select = page.locator("form.indicator-picker select");
    const groups = await select.locator("optgroup").evaluateAll((els) =>
      els.map((g) => ({
        label: (g as HTMLOptGroupElement).label,
        options: [...(g as HTMLOptGroupElement).querySelectorAll("option")].map((o) => ({
          value: o.value,
          text: o.textContent ?? "",
        })),
      })),
    );
    const { series } = builtData("compare") as { series: { slug: string; topic: string; cities: number }[] };
    expect(groups.length).toBe(new Set(series.map((s) => s.topic)).size);
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.flatMap((g) => g.options)).toHaveLength(series.length);
    for (const g of groups) {
      for (const o of g.options) {
        const s = series.find((x) => x.slug === o.value);
        expect(g.label.startsWith(s?.topic ?? "?"), `${o.value} under ${g.label}`).toBe(true);
        expect(text(o.text)).toMatch(new RegExp(`– ${s?.cities} ośrod(ek|ki|ków)$`));
      }
    }
    // picking an indicator of another topic redraws the chart with its name
    const current = await select.inputValue();
    const other = groups
      .flatMap((g) => g.options)
      .find((o) => o.value !== current && !o.value.includes("--"));
    await select.selectOption(other?.value ?? "");
    const label = series.find((s) => s.slug === other?.value) as unknown as { label: string };
    await expect
      .poll(async () => text(await page.locator("[data-chart=drawn] h2").first().textContent()), {
        timeout: 10_000,
      })
      .toContain(label.label);
  });

  it("finds a city by name in Porównanie (case and diacritics ignored)", async () => {
    const { page } = await visit("/porownanie");
    const rows = page.locator("table.figures-table tbody tr");
    const before = await rows.count();
    expect(before).toBeGreaterThan(1);
    await page.locator("input[placeholder^='nazwa']").fill("kedzierzyn");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(text(await rows.first().textContent())).toContain("Kędzierzyn-Koźle");
    await page.locator("input[placeholder^='nazwa']").fill("");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(before);
  });
});
