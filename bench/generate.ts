/**
 * Synthetic national data for the benchmark, deterministic for a seed:
 *   npx tsx bench/generate.ts --out DIR [--scale 2477] [--seed 1] [--reports 400]
 *
 * Writes DIR/observations.csv + documents.csv (every gmina × 15 years × {year, H1} × 40 figures, the
 * columns of raw.observations / raw.documents), centres.csv and bench-metrics.csv (seed rows the
 * benchmark's builds add), holdout/ (one report held back: it "arrives" in the incremental run),
 * reports/ (a sample of reports written in the real layouts, for extraction) and manifest.json.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_METRICS, formatPl, SLOTS, slotValues } from "./lib/figures.ts";
import { type Gmina, generateGminas, NATIONAL_GMINAS } from "./lib/gminas.ts";
import { csvRow, DOCUMENT_COLUMNS, OBSERVATION_COLUMNS } from "./lib/observations-file.ts";
import { gminaTypeOf, powiatOf } from "./lib/powiats.ts";
import { hash32, streamFor } from "./lib/random.ts";
import { writeSampleReports } from "./lib/reports.ts";

export const FIRST_YEAR = 2011;
export const LAST_YEAR = 2025;
// 4: centres.csv gives each gmina a real powiat name and its gmina type (the dashboards' map and ranks)
// 5: no synthetic gmina takes the TERYT code of a real centre of the seed (Kędzierzyn-Koźle's 1603011 did)
export const GENERATOR_VERSION = 5;

export interface Manifest {
  generatorVersion: number;
  seed: number;
  scale: number;
  years: [number, number];
  slots: number;
  documents: number;
  observations: number;
  bytes: { observations: number; documents: number };
  holdout: { documentId: string; centreId: string; year: number; observations: number };
  reports: { count: number; bytes: number; layouts: Record<string, number> };
}

/** A buffered file writer: the national file is ~700 MB, written in 4 MB pieces. */
class Out {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(path: string, header: string) {
    this.fd = openSync(path, "w");
    this.write(header);
  }
  write(s: string) {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 4 << 20) this.flush();
  }
  flush() {
    const data = Buffer.from(this.buf.join(""), "utf8");
    writeSync(this.fd, data);
    this.bytes += data.length;
    this.buf = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

const documentIdOf = (seed: number, key: string) =>
  [hash32(`${seed}|a|${key}`), hash32(`${seed}|b|${key}`)]
    .map((h) => h.toString(16).padStart(8, "0"))
    .join("");

export interface GeneratedDocument {
  row: (string | number | null)[];
  observations: (string | number | null)[][];
}

/** One gmina's annual report for a year (and, for ~1 % of them, an earlier version it corrects). */
export function gminaYearDocuments(seed: number, g: Gmina, year: number): GeneratedDocument[] {
  const r = streamFor(seed, `doc|${g.centreId}|${year}`);
  const values = SLOTS.map((slot) => slotValues(slot, g, year, r));
  // A rare impossible half-year (more distinct families in H1 than in the year): a data-test warning.
  if (r() < 0.004) {
    const i = SLOTS.findIndex((s) => s.aggregation === "distinct_count");
    const v = values[i];
    if (v) v.h1 = v.year + 1 + Math.floor(r() * 9);
  }
  const corrected = r() < 0.01;
  const day = 1 + (hash32(`${g.centreId}${year}`) % 28);
  const dd = String(day).padStart(2, "0");
  const versions = corrected
    ? [
        { v: 1, receivedAt: `${year + 1}-03-${dd}T08:00:00.000Z` },
        { v: 2, receivedAt: `${year + 1}-05-${dd}T08:00:00.000Z` },
      ]
    : [{ v: 1, receivedAt: `${year + 1}-04-${dd}T08:00:00.000Z` }];
  return versions.map(({ v, receivedAt }) => {
    const last = v === versions.length;
    const documentId = documentIdOf(seed, `${g.centreId}|${year}|${v}`);
    const observations: (string | number | null)[][] = [];
    SLOTS.forEach((slot, s) => {
      const val = values[s] ?? { year: 0, h1: 0 };
      // An earlier version differs in a few figures (the correction the later one made).
      const fix = (n: number) => (last || r() > 0.1 ? n : n + 1 + Math.floor(r() * 5));
      const y = fix(val.year);
      const h = fix(val.h1);
      const missing = r() < 0.002 ? (r() < 0.5 ? "year" : "h1") : null;
      const assumed = r() < 0.005;
      const line = 14 + 2 * s;
      const quote = `${slot.label} ${missing === "year" ? "–" : formatPl(y)} ${missing === "h1" ? "–" : formatPl(h)}`;
      for (const [period, value, isMissing] of [
        [String(year), y, missing === "year"],
        [`${year}-H1`, h, missing === "h1"],
      ] as const) {
        const flags = isMissing ? "missing" : assumed ? "period_assumed" : "";
        const note = isMissing
          ? "Wartość nieczytelna w sprawozdaniu (to nie jest zero)."
          : assumed
            ? "Okres przyjęty z nagłówka tabeli."
            : null;
        observations.push([
          documentId,
          observations.length,
          g.centreId,
          period,
          slot.metricId === "residents" ? (period.endsWith("H1") ? `${year}-06-30` : `${year}-12-31`) : null,
          slot.metricId,
          slot.breakdown,
          isMissing ? null : value,
          slot.unit,
          line,
          quote,
          slot.label,
          flags,
          note,
        ]);
      }
    });
    const row = [
      documentId,
      g.centreId,
      "sprawozdanie-roczne",
      `Sprawozdanie z działalności Ośrodka Pomocy Społecznej w ${g.nameLoc} za rok ${year}`,
      `${g.centreId}_ops_sprawozdanie_${year}${corrected ? `_v${v}` : ""}.txt`,
      "stored",
      `${year};${year}-H1`,
      `${year + 1}-03-31`,
      receivedAt,
      9000 + observations.length * 40,
      "bench/sprawozdanie-roczne",
    ];
    return { row, observations };
  });
}

export function generate(opts: { out: string; scale: number; seed: number; reports: number }): Manifest {
  const out = resolve(opts.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "holdout"), { recursive: true });
  const gminas = generateGminas(opts.seed, opts.scale);

  writeFileSync(
    join(out, "centres.csv"),
    // The columns of models/seeds/centres.csv: the gminas go through the same contract as the project's centres.
    `teryt,centre_id,name_pl,name_genitive,name_locative,centre_name_pl,voivodeship,powiat,gmina_type\n${gminas
      .map((g) =>
        csvRow([
          g.teryt,
          g.centreId,
          g.name,
          g.nameGen,
          `w ${g.nameLoc}`,
          `Ośrodek Pomocy Społecznej w ${g.nameLoc}`,
          g.voivodeship,
          powiatOf(g.voivodeship, g.teryt),
          gminaTypeOf(g.teryt, Number(g.teryt.slice(2, 4)) >= 61),
        ]),
      )
      .join("")}`,
  );
  writeFileSync(
    join(out, "bench-metrics.csv"),
    `metric_id,label_pl,unit,aggregation,breakdown_vocabulary,description,legal_basis,description_pl\n${BENCH_METRICS.map(
      // description_pl too: the dashboards' data dictionary requires one for every metric
      (m) =>
        csvRow([
          m.metric_id,
          m.label_pl,
          m.unit,
          m.aggregation,
          "",
          "Synthetic benchmark metric.",
          "",
          "Wskaźnik syntetyczny benchmarku (dane wygenerowane, nie ze sprawozdań).",
        ]),
    ).join("")}`,
  );

  const obs = new Out(join(out, "observations.csv"), `${OBSERVATION_COLUMNS.join(",")}\n`);
  const docs = new Out(join(out, "documents.csv"), `${DOCUMENT_COLUMNS.join(",")}\n`);
  const holdObs = new Out(join(out, "holdout", "observations.csv"), `${OBSERVATION_COLUMNS.join(",")}\n`);
  const holdDocs = new Out(join(out, "holdout", "documents.csv"), `${DOCUMENT_COLUMNS.join(",")}\n`);
  let documents = 0;
  let observations = 0;
  let holdout: Manifest["holdout"] | undefined;
  // The last gmina's last report is held back: it arrives later, in the incremental run.
  const held = gminas[gminas.length - 1];
  for (const g of gminas) {
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      const isHeld = g === held && year === LAST_YEAR;
      for (const d of gminaYearDocuments(opts.seed, g, year)) {
        const [o, dw] = isHeld ? [holdObs, holdDocs] : [obs, docs];
        dw.write(csvRow(d.row));
        for (const row of d.observations) o.write(csvRow(row));
        if (isHeld) {
          holdout = {
            documentId: String(d.row[0]),
            centreId: g.centreId,
            year,
            observations: d.observations.length,
          };
        } else {
          documents++;
          observations += d.observations.length;
        }
      }
    }
  }
  for (const f of [obs, docs, holdObs, holdDocs]) f.close();
  if (!holdout) throw new Error("no report was held out");

  const reports = writeSampleReports({
    out: join(out, "reports"),
    seed: opts.seed,
    gminas,
    count: opts.reports,
  });
  writeSampleReports({
    out: join(out, "holdout", "report"),
    seed: opts.seed,
    gminas: [held as Gmina],
    count: 1,
    years: [LAST_YEAR],
  });

  const manifest: Manifest = {
    generatorVersion: GENERATOR_VERSION,
    seed: opts.seed,
    scale: opts.scale,
    years: [FIRST_YEAR, LAST_YEAR],
    slots: SLOTS.length,
    documents,
    observations,
    bytes: { observations: obs.bytes, documents: docs.bytes },
    holdout,
    reports,
  };
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      scale: { type: "string", default: String(NATIONAL_GMINAS) },
      seed: { type: "string", default: "1" },
      reports: { type: "string", default: "400" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.out) {
    process.stdout.write(
      "Usage: npx tsx bench/generate.ts --out DIR [--scale 2477] [--seed 1] [--reports 400]\n",
    );
    process.exit(values.help ? 0 : 2);
  }
  const started = performance.now();
  const m = generate({
    out: values.out,
    scale: Number(values.scale),
    seed: Number(values.seed),
    reports: Number(values.reports),
  });
  const s = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `generated ${m.scale} gminas: ${m.documents} documents, ${m.observations} observations (${(m.bytes.observations / 1e6).toFixed(0)} MB), ${m.reports.count} sample reports in ${s} s\n`,
  );
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
