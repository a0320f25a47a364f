// Observable Framework configuration: Polish dashboards that build and run with no internet
// (no CDN, fonts or telemetry; every library from node_modules).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PAGE_CENTRES_SQL, SERIES_SQL } from "./dashboards/data/series.ts";
import { dataPaths } from "./lib/config.ts";
import { openSnapshot, queryRows } from "./warehouse/duckdb.ts";

process.env.OBSERVABLE_TELEMETRY_DISABLE = "true";

/** One column of a query on the published snapshot. */
async function readColumn(sql: string, column: string): Promise<string[]> {
  const path = process.env.OBS_DASHBOARD_SNAPSHOT || dataPaths().published;
  const db = await openSnapshot(path);
  try {
    return (await queryRows(db.connection, sql)).map((r) => String(r[column]));
  } finally {
    db.close();
  }
}

/** The cities of the published snapshot: one briefing page each (dashboards/miasto/[centre].md). */
async function readCentres(): Promise<{ centre_id: string; name_pl: string }[]> {
  const path = process.env.OBS_DASHBOARD_SNAPSHOT || dataPaths().published;
  if (!existsSync(path)) {
    throw new Error(
      `observablehq.config.ts: no published warehouse at ${path}; run \`npm run refresh\` first`,
    );
  }
  const db = await openSnapshot(path);
  try {
    const centres = (await queryRows(
      db.connection,
      "select centre_id, name_pl from marts.dim_centre order by name_pl",
    )) as { centre_id: string; name_pl: string }[];
    if (centres.length === 0) throw new Error(`observablehq.config.ts: marts.dim_centre is empty in ${path}`);
    return centres;
  } finally {
    db.close();
  }
}

const centres = await readCentres();
// the series of Porównanie miast and the centres Rodziny charts (dashboards/data/series.ts), one file each
const seriesFiles = await readColumn(
  `select kind || '/' || slug as file from (${SERIES_SQL}), unnest(kinds) as k(kind) order by file`,
  "file",
);
const pageCentres = await readColumn(PAGE_CENTRES_SQL, "centre_id");

/**
 * The sidebar lists the city pages while there are few; at national scale (2,477 gminas) the list would
 * add ~250 kB to every page's HTML, so the pages are reached from the tables (Przegląd, Porównanie miast).
 */
export const SIDEBAR_CITIES = 40;

export default {
  root: "dashboards",
  // `npm run build` writes a new directory and swaps it in (OBS_DASHBOARD_OUTPUT), so the served site is never half built
  output: process.env.OBS_DASHBOARD_OUTPUT || join(dataPaths().dashboards, "site"),
  title: "Obserwatorium pomocy społecznej",
  home: "Obserwatorium",
  pages: [
    { name: "Przegląd", path: "/" },
    { name: "Porównanie miast", path: "/porownanie" },
    ...(centres.length <= SIDEBAR_CITIES
      ? [
          {
            name: "Miasta",
            open: true,
            pages: centres.map((c) => ({ name: c.name_pl, path: `/miasto/${c.centre_id}` })),
          },
        ]
      : []),
    { name: "Rodziny i powody pomocy", path: "/rodziny" },
    { name: "Niebieska Karta", path: "/niebieska-karta" },
    { name: "Kadry", path: "/kadry" },
    { name: "Jakość danych", path: "/jakosc" },
    { name: "Dane i słownik", path: "/dane" },
    { name: "Słownik pojęć", path: "/slownik" },
    { name: "SQL", path: "/sql" },
  ],
  // city pages; and files copied under fixed names, which pages fetch only when the reader asks for them:
  // one centre's figures with provenance ("skąd ta liczba?"), one series for Porównanie miast, one centre's
  // reasons for assistance for Rodziny, one centre's coverage and data-quality findings for Jakość danych
  dynamicPaths: [
    ...centres.map((c) => `/miasto/${c.centre_id}`),
    ...centres.map((c) => `/data/centre/${c.centre_id}.json`),
    ...seriesFiles.map((f) => `/data/series/${f}.json`),
    ...pageCentres.map((c) => `/data/reasons/${c}.json`),
    // one centre's coverage and findings for Jakość danych ("_": findings tied to no centre)
    ...centres.map((c) => `/data/quality/${c.centre_id}.json`),
    "/data/quality/_.json",
  ],
  // The default pulls Google Fonts; the theme and Inputs' CSS come from style.css instead.
  globalStylesheets: [],
  style: "style.css",
  // Polish for the browser and screen readers, including the Framework's one English tooltip
  head: `<link rel="icon" href="data:,"><script>document.documentElement.lang = "pl";
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("observablehq-sidebar-toggle");
  if (toggle) toggle.title = "Pokaż lub ukryj menu";
});</script>`,
  footer:
    "Obserwatorium · dane z opublikowanej migawki hurtowni · liczby ze sprawozdań MOPS, z odnośnikiem do źródła",
  toc: false,
  search: false,
};
