/**
 * npm run reference -- <fetch|import|units|status>: the official reference figures (GUS Bank Danych
 * Lokalnych) every build loads into raw.reference_figures, and the official register of gminas.
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { csvFormatRows } from "d3";
import { dataPaths } from "../lib/config.ts";
import { BdlClient, BdlFetchFailed, clientOptionsFromEnv } from "../sources/gus-bdl/client.ts";
import { fetchReference, fetchRegister } from "../sources/gus-bdl/fetch.ts";
import { importExport } from "../sources/gus-bdl/import.ts";
import {
  MEASURES,
  Measure,
  readFigures,
  readRegister,
  readStatus,
  referencePaths,
  writeRegister,
} from "../sources/gus-bdl/store.ts";
import { centreCatalogue } from "../sources/lib/centres.ts";
import { forTerminal, progress, runCommand, UsageError } from "./command.ts";

const environment = `Environment:
  OBS_DATA_DIR        data directory (default ./data); the reference data is in $OBS_DATA_DIR/reference/
  OBS_BDL_CLIENT_ID   a BDL API key (X-ClientId): higher limits (10/s, 500 per 15 min instead of 5/s, 100)
  OBS_BDL_BASE_URL    the API's address (default https://bdl.stat.gov.pl/api/v1)
  OBS_BDL_TIMEOUT_MS  timeout per request (default 30000); OBS_BDL_BACKOFF_MS: first back-off (default 2000)`;

const USAGE = {
  main: `Usage: npm run reference -- <command> [options]

Official reference figures from GUS Bank Danych Lokalnych (BDL): population at 31 XII and mid-year, and
the beneficiaries and households of środowiskowa pomoc społeczna (group G553), for the centres of
models/seeds/centres.csv. Every build loads them into raw.reference_figures (staging.stg_reference_figures).

Commands:
  fetch [--years 2019-2025] [--centre id]...   fetch from the BDL API (cached, within the limits)
  import <file.csv> [--measure m] [--variable id]  import a CSV exported from the BDL website
  units [--out file] [--centres-csv]           the official register of gminas (TERYT, name, BDL id)
  status                                       what is stored, where it came from, the last attempt

Each command has --help. A failed fetch or import keeps the last good data and says what happened.

${environment}`,
  fetch: `Usage: npm run reference -- fetch [--years 2019-2025] [--centre <id>]... [--max-age-days N] [--accept-unit-changes]

Fetch the reference figures of the seed's centres (or those named) from the BDL API: the register of
gminas (units, level 6) to map each centre's TERYT code to its BDL unit id, each measure's variable
(resolved and checked through the variables endpoint), then the values (data/by-unit). Every response is
cached in $OBS_DATA_DIR/reference/cache/ and reused; requests stay within BDL's limits, with back-off on
429 and 5xx (Retry-After honoured). Only a fetch that fully succeeded changes the stored figures
(figures.csv, replaced atomically); otherwise the last good data stays, the reason is printed and the exit
code is 1. The next build (npm run refresh, or the service) is then a full one.

Options:
  --years A-B            years to fetch (default: the last seven complete years)
  --centre <id>          a centre of models/seeds/centres.csv (repeatable; default every centre)
  --max-age-days N       reuse cached responses younger than N days (default 30; 0: always ask BDL)
  --accept-unit-changes  take a unit list in which a centre's BDL unit changed (after checking it)
  -h, --help             show this help

${environment}`,
  import: `Usage: npm run reference -- import <file.csv> [--measure population_31_dec] [--variable <id>] [--source-url <url>]

Import a table exported from the BDL website as CSV, on a machine with no network. Accepted layout:
semicolon-separated, UTF-8 or Windows-1250; a header beginning "Kod;Nazwa", then one column per year
(each column's header cells, one or more header rows, name exactly one year; with several columns for a
year, the single one headed only "ogółem" is taken); each row a unit's 7-digit TERYT code in Kod (rows of
voivodeships and powiats are skipped); values with spaces as thousands separators and a decimal comma;
an empty cell or "-" is missing, never zero. Another layout is rejected naming the file and the reason,
and nothing changes. The figures replace stored ones of the same gmina, measure and year.

Options:
  --measure m       ${MEASURES.join(" | ")} (default population_31_dec)
  --variable id     the BDL variable the table shows (default for population_31_dec: 72305; required otherwise)
  --source-url url  the address the table was exported from, kept as its provenance
  -h, --help        show this help

${environment}`,
  units: `Usage: npm run reference -- units [--out <file>] [--centres-csv]

List the official register of gminas as BDL gives it (units of level 6): TERYT code, name, BDL unit id,
kind (1 urban, 2 rural, 3 urban-rural, 4/5 the town/rural part of 3, 8/9 districts). Fetched from the API
(cached) and stored in $OBS_DATA_DIR/reference/units.csv; printed as CSV.

Options:
  --out <file>   write the CSV to a file instead of stdout
  --centres-csv  print rows in the columns of models/seeds/centres.csv for the gminas (kinds 1, 2, 3)
                 not yet in the seed, to grow it from the official list. BDL gives neither the genitive
                 and locative forms of a name nor the centre's own name nor the voivodeship's name:
                 name_genitive, name_locative and powiat are left empty, centre_name_pl is
                 "Ośrodek Pomocy Społecznej – <name>" and voivodeship the TERYT voivodeship code's name;
                 check and complete them before adding the rows
  -h, --help     show this help

${environment}`,
  status: `Usage: npm run reference -- status

What reference data is stored (figures per measure and year, which centres, where they came from), the
last fetch or import and what it did, and the BDL requests of the last 15 minutes.

Options:
  -h, --help  show this help

${environment}`,
};

const VOIVODESHIPS: Record<string, string> = {
  "02": "dolnośląskie",
  "04": "kujawsko-pomorskie",
  "06": "lubelskie",
  "08": "lubuskie",
  "10": "łódzkie",
  "12": "małopolskie",
  "14": "mazowieckie",
  "16": "opolskie",
  "18": "podkarpackie",
  "20": "podlaskie",
  "22": "pomorskie",
  "24": "śląskie",
  "26": "świętokrzyskie",
  "28": "warmińsko-mazurskie",
  "30": "wielkopolskie",
  "32": "zachodniopomorskie",
};
const GMINA_TYPES: Record<string, string> = {
  "1": "gmina miejska",
  "2": "gmina wiejska",
  "3": "gmina miejsko-wiejska",
};

/** "2019-2025" or "2023" → the years. */
function parseYears(text: string | undefined): number[] {
  const thisYear = new Date().getUTCFullYear();
  if (!text) return Array.from({ length: 7 }, (_, i) => thisYear - 7 + i);
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(text.trim());
  const from = Number(m?.[1]);
  const to = Number(m?.[2] ?? m?.[1]);
  if (!m || from > to || from < 1995 || to > thisYear)
    throw new UsageError(
      `--years must be a year or a range like 2019-2025 (up to ${thisYear}), not ${JSON.stringify(text)}`,
    );
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const dir = () => dataPaths().reference;
const LOAD_HINT =
  "Do hurtowni trafią przy następnej budowie: npm run refresh (usługa: przy nocnym przebiegu) — " +
  "the next build loads them (npm run refresh, or the service's nightly catch-up)";
const sub = process.argv[2];
const common = { help: { type: "boolean", short: "h" } } as const;

if (sub === "fetch") {
  await runCommand(
    {
      usage: USAGE.fetch,
      allowPositionals: true,
      options: {
        ...common,
        years: { type: "string" },
        centre: { type: "string", multiple: true },
        "max-age-days": { type: "string" },
        "accept-unit-changes": { type: "boolean" },
      },
    },
    async ({ values, positionals }) => {
      if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
      const maxAge = Number(values["max-age-days"] ?? "30");
      if (!Number.isFinite(maxAge) || maxAge < 0)
        throw new UsageError("--max-age-days must be a number of days ≥ 0");
      const r = await fetchReference({
        dir: dir(),
        client: { ...clientOptionsFromEnv(dir()), maxAgeMs: maxAge * 86_400_000 },
        years: parseYears(values.years),
        centres: values.centre,
        acceptUnitChanges: values["accept-unit-changes"] === true,
        log: progress,
      });
      for (const n of r.notes) progress(`  ! ${n}`);
      process.stdout.write(`${forTerminal(r.ok ? `✓ ${r.message}` : `✗ ${r.message}`)}\n`);
      if (r.ok && r.added + r.changed > 0) progress(LOAD_HINT);
      return r.ok ? 0 : 1;
    },
  );
} else if (sub === "import") {
  await runCommand(
    {
      usage: USAGE.import,
      allowPositionals: true,
      options: {
        ...common,
        measure: { type: "string" },
        variable: { type: "string" },
        "source-url": { type: "string" },
      },
    },
    async ({ values, positionals }) => {
      const [, file, ...more] = positionals;
      if (!file || more.length) throw new UsageError("name exactly one CSV file to import (see --help)");
      const measure = Measure.safeParse(values.measure ?? "population_31_dec");
      if (!measure.success) throw new UsageError(`--measure must be one of ${MEASURES.join(", ")}`);
      const r = await importExport({
        dir: dir(),
        file: resolve(process.env.INIT_CWD || process.cwd(), file),
        measure: measure.data,
        variableId: values.variable,
        sourceUrl: values["source-url"],
      });
      process.stdout.write(`${forTerminal(r.ok ? `✓ ${r.message}` : `✗ ${r.message}`)}\n`);
      if (r.ok) progress(LOAD_HINT);
      return r.ok ? 0 : 1;
    },
  );
} else if (sub === "units") {
  await runCommand(
    {
      usage: USAGE.units,
      allowPositionals: true,
      options: { ...common, out: { type: "string" }, "centres-csv": { type: "boolean" } },
    },
    async ({ values, positionals }) => {
      if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
      const client = new BdlClient({
        ...clientOptionsFromEnv(dir()),
        maxAgeMs: 30 * 86_400_000,
        log: progress,
      });
      let register: { teryt: string; unit_id: string; name: string; kind: string }[];
      try {
        register = await fetchRegister(client);
        await writeRegister(dir(), register);
      } catch (e) {
        const stored = await readRegister(dir());
        if (!(e instanceof BdlFetchFailed) || !stored) throw e;
        progress(`! ${e.message}; pokazuję ostatni zapisany wykaz — showing the last stored register`);
        register = stored;
      }
      let text: string;
      if (values["centres-csv"]) {
        const known = new Set([...centreCatalogue().values()].map((c) => c.teryt));
        const rows = register
          .filter((u) => GMINA_TYPES[u.kind] && !known.has(u.teryt))
          .map((u) => [
            u.teryt,
            "",
            u.name,
            "",
            "",
            `Ośrodek Pomocy Społecznej – ${u.name}`,
            VOIVODESHIPS[u.teryt.slice(0, 2)] ?? "",
            "",
            GMINA_TYPES[u.kind] ?? "",
          ]);
        text = csvFormatRows([
          [
            "teryt",
            "centre_id",
            "name_pl",
            "name_genitive",
            "name_locative",
            "centre_name_pl",
            "voivodeship",
            "powiat",
            "gmina_type",
          ],
          ...rows,
        ]);
        progress(
          `${rows.length} gmin spoza models/seeds/centres.csv. Uzupełnij centre_id, odmianę nazwy (dopełniacz, miejscownik), nazwę ośrodka i powiat: BDL ich nie podaje — ` +
            "fill in centre_id, the name forms, the centre's name and powiat: BDL does not give them",
        );
      } else {
        text = csvFormatRows([
          ["teryt", "name", "unit_id", "kind"],
          ...register.map((u) => [u.teryt, u.name, u.unit_id, u.kind]),
        ]);
      }
      if (values.out) {
        await writeFile(resolve(process.env.INIT_CWD || process.cwd(), values.out), `${text}\n`);
        progress(`zapisano ${values.out}`);
      } else process.stdout.write(`${text}\n`);
      return 0;
    },
  );
} else if (sub === "status") {
  await runCommand(
    { usage: USAGE.status, allowPositionals: true, options: common },
    async ({ positionals }) => {
      if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
      const figures = await readFigures(dir());
      const status = await readStatus(dir());
      const register = await readRegister(dir());
      const byTeryt = new Map([...centreCatalogue().values()].map((c) => [c.teryt, c.centre_id]));
      const out: string[] = [`Dane referencyjne (GUS BDL) w ${referencePaths(dir()).figures}:`];
      if (figures.length === 0)
        out.push("  brak — no reference figures (npm run reference -- fetch | import)");
      for (const measure of MEASURES) {
        const of = figures.filter((f) => f.measure === measure);
        if (of.length === 0) continue;
        const years = [...new Set(of.map((f) => f.year))].sort();
        const centres = [
          ...new Set(of.map((f) => byTeryt.get(f.teryt)).filter((c) => c !== undefined)),
        ].sort();
        const origins = [...new Set(of.map((f) => f.origin))].sort();
        out.push(
          `  ${measure}: ${of.length} liczb, lata ${years[0]}–${years[years.length - 1]}, ośrodki: ${centres.join(", ") || "żaden z seeda"}; źródło: ${origins.join(", ")}`,
        );
      }
      out.push(`Wykaz gmin BDL: ${register ? `${register.length} jednostek` : "nie pobrany"}`);
      const at = (s: { at: string } | null) => (s ? s.at.replace("T", " ").slice(0, 19) : "");
      out.push(
        status.last
          ? `Ostatnia próba (${status.last.action}, ${at(status.last)}): ${status.last.ok ? "✓" : "✗"} ${status.last.message}`
          : "Ostatnia próba: żadnej",
      );
      if (status.last_good && status.last && !status.last.ok)
        out.push(
          `Ostatnia udana (${status.last_good.action}, ${at(status.last_good)}): ${status.last_good.message}`,
        );
      out.push(`Zapytania do BDL w ostatnich 15 min: ${await BdlClient.recentRequests(dir())}`);
      process.stdout.write(`${forTerminal(out.join("\n"))}\n`);
      return 0;
    },
  );
} else {
  await runCommand(
    { usage: USAGE.main, allowPositionals: true, options: common },
    async ({ positionals }) => {
      throw new UsageError(
        positionals[0] ? `unknown command ${positionals[0]}` : "name a command (see --help)",
      );
    },
  );
}
