// Observable Framework configuration: Polish dashboards that build and run with no internet
// (no CDN, fonts or telemetry; every library from node_modules, see ../shared/STACK.md).
import { join } from "node:path";
import { dataPaths } from "./lib/config.ts";

process.env.OBSERVABLE_TELEMETRY_DISABLE = "true";

// The site holds no data: the pages fetch the data published with the warehouse at runtime
// (dashboards/publish-data.ts, dashboards/components/published-data.ts), so this build depends on the
// pages' code only and runs once per change of it, not once per report (dashboards/build.ts).

/**
 * "Ostatnia aktualizacja" on every page: when the warehouse snapshot the data comes from was published,
 * in Polish time (the pointer /data/current.json the server answers with the current data build).
 */
const LAST_UPDATE_SCRIPT = `document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("observablehq-main");
  if (!main) return;
  const note = document.createElement("p");
  note.className = "obs-updated";
  main.prepend(note);
  // every page is at the site root (the city page too: /miasto?c=<id>)
  fetch(new URL("data/current.json", location.href), { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
    .then((v) => {
      const when = new Intl.DateTimeFormat("pl-PL", { timeZone: "Europe/Warsaw", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(v.warehousePublishedAt));
      note.textContent = "Ostatnia aktualizacja: " + when + (v.public ? " · wersja publiczna (liczby 1–4 osób lub rodzin ukryte)" : "");
      note.title = "Publikacja danych " + v.buildId;
      note.dataset.build = v.buildId;
    })
    .catch(() => { note.textContent = "Dane pulpitów nie zostały jeszcze opublikowane."; note.classList.add("missing"); });
});`;

export default {
  root: "dashboards",
  // `npm run build` writes a new directory and swaps it in (OBS_DASHBOARD_OUTPUT), so the served site is never half built
  output: process.env.OBS_DASHBOARD_OUTPUT || join(dataPaths().dashboards, "site"),
  title: "Obserwatorium pomocy społecznej",
  home: "Obserwatorium",
  pages: [
    { name: "Przegląd", path: "/" },
    { name: "Porównanie miast", path: "/porownanie" },
    // one template for every centre (/miasto?c=<id>); without an id it lists them, with a search
    { name: "Miasta", path: "/miasto" },
    { name: "Rodziny i powody pomocy", path: "/rodziny" },
    { name: "Niebieska Karta", path: "/niebieska-karta" },
    { name: "Kadry", path: "/kadry" },
    { name: "Jakość danych", path: "/jakosc" },
    { name: "Dane i słownik", path: "/dane" },
    { name: "Słownik pojęć", path: "/slownik" },
    { name: "SQL", path: "/sql" },
  ],
  // The default pulls Google Fonts; the theme and Inputs' CSS come from style.css instead.
  globalStylesheets: [],
  style: "style.css",
  // Polish for the browser and screen readers, including the Framework's one English tooltip
  head: `<link rel="icon" href="data:,"><script>document.documentElement.lang = "pl";
${LAST_UPDATE_SCRIPT}
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("observablehq-sidebar-toggle");
  if (toggle) toggle.title = "Pokaż lub ukryj menu";
});</script>`,
  footer:
    "Obserwatorium · dane opublikowane z hurtownią · liczby ze sprawozdań MOPS, z odnośnikiem do źródła",
  toc: false,
  search: false,
};
