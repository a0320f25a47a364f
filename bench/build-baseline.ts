/**
 * The baseline: a raw DuckDB script doing the same work with nothing of the pipeline around it.
 * It reads the plain observations file (the same figures the pipeline reads from its extraction
 * cache), appends them with the Appender value by value, loads the same seeds, then runs the same
 * model SQL files in dependency order. No validation, no per-model row counts, no data tests, no
 * publish step.
 *
 *   node --import tsx bench/build-baseline.ts --input DIR --out FILE.duckdb [--bundled DIR]
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuckDBInstance, listValue } from "@duckdb/node-api";
import { Phases, reportResult } from "./lib/child.ts";
import { addNationalSeeds, inputPaths } from "./lib/national.ts";
import {
  DOCUMENT_COLUMNS,
  OBSERVATION_COLUMNS,
  readCsvAll,
  readCsvBatches,
} from "./lib/observations-file.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    input: { type: "string" },
    out: { type: "string" },
    holdout: { type: "boolean", default: false },
    bundled: { type: "string" },
  },
});
if (!values.input || !values.out) throw new Error("--input DIR and --out FILE are required");
const input = inputPaths(values.input);
const t = new Phases();

rmSync(values.out, { force: true });
rmSync(`${values.out}.wal`, { force: true });
const instance = await DuckDBInstance.create(values.out);
const c = await instance.connect();
const seeds = join(ROOT, "models", "seeds");
await c.run("create schema seeds");
for (const [table, file] of Object.entries({
  centres: "centres.csv",
  metrics: "metrics/*.csv",
  breakdowns: "breakdowns.csv",
  legal_norms: "legal_norms.csv",
})) {
  await c.run(
    `create table seeds.${table} as
     select * from read_csv($1, header = true, all_varchar = true, union_by_name = true)`,
    [join(seeds, file)],
  );
}
await addNationalSeeds(c, input.dir);
// The same tables as warehouse/build.ts RAW_SCHEMA (copied: the baseline loads nothing of the pipeline).
await c.run(`
  create schema raw;
  create table raw.documents (
    document_id varchar primary key, centre_id varchar not null, kind varchar not null, title varchar not null,
    file_name varchar not null, origin varchar not null, periods varchar[] not null, issued_on date,
    received_at timestamp, byte_size bigint not null, extractor_id varchar not null
  );
  create table raw.observations (
    document_id varchar not null, ordinal integer not null, centre_id varchar not null, period_id varchar not null,
    as_of_date varchar, metric_id varchar not null, breakdown varchar, value double, unit varchar not null,
    line integer not null, quote varchar not null, label varchar not null, flags varchar not null, note varchar
  );
  create table raw.reader_failures (
    document_id varchar not null, centre_id varchar not null, reader_id varchar not null, message_pl varchar not null
  );
  create table raw.reference_figures (
    centre_id varchar not null, teryt varchar not null, measure varchar not null, year integer not null,
    reference_date date, value double not null, variable_id varchar not null, unit_id varchar not null,
    source_url varchar not null, retrieved_at timestamp not null, origin varchar not null
  );
  create table raw.partitions (
    centre_id varchar not null, report_kind varchar not null, period_id varchar not null,
    period_kind varchar not null, deadline date not null, state varchar not null, document_id varchar,
    received_at timestamp, checked_at timestamp
  );
`);
t.mark("seeds");

// --bundled DIR: the bundled reports' figures (bench/prepare-store.ts --bundled-out), which every
// pipeline build loads too.
const extra = (f: string) => [
  ...(values.holdout ? [join(input.dir, "holdout", f)] : []),
  ...(values.bundled ? [join(values.bundled, f)] : []),
];
const documentFiles = [input.documents, ...extra("documents.csv")];
const observationFiles = [input.observations, ...extra("observations.csv")];

const docs = await c.createAppender("documents", "raw");
for (const f of documentFiles) {
  for (const r of await readCsvAll(f, DOCUMENT_COLUMNS)) {
    const [id, centre, kind, title, file, origin, periods, issued, received, size, extractor] = r as string[];
    docs.appendVarchar(id as string);
    docs.appendVarchar(centre as string);
    docs.appendVarchar(kind as string);
    docs.appendVarchar(title as string);
    docs.appendVarchar(file as string);
    docs.appendVarchar(origin as string);
    docs.appendValue(listValue((periods as string).split(";")));
    if (issued) docs.appendVarchar(issued);
    else docs.appendNull();
    if (received) docs.appendVarchar(received.replace("T", " ").replace("Z", ""));
    else docs.appendNull();
    docs.appendBigInt(BigInt(size as string));
    docs.appendVarchar(extractor as string);
    docs.endRow();
  }
}
docs.closeSync();

// Value by value: faster here than building data chunks in JS (bench/README.md, "the baseline").
const appender = await c.createAppender("observations", "raw");
let observations = 0;
for (const f of observationFiles) {
  for await (const batch of readCsvBatches(f, OBSERVATION_COLUMNS)) {
    for (const r of batch) {
      for (let i = 0; i < 14; i++) {
        const v = r[i] as string;
        if (i === 1 || i === 9) appender.appendInteger(Number(v));
        else if (i === 7) v === "" ? appender.appendNull() : appender.appendDouble(Number(v));
        else if ((i === 4 || i === 6 || i === 13) && v === "") appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    observations += batch.length;
  }
}
appender.closeSync();
// The models' one contract with the engine: build.touched_centres, every centre in a full build.
await c.run(`
  create schema build;
  create table build.touched_centres as
  select distinct centre_id from (
    select centre_id from seeds.centres union all select centre_id from raw.documents
    union all select centre_id from raw.observations
  )`);
t.mark("load");

// The model SQL files, each after the models it reads.
const models: { id: string; sql: string; deps: string[] }[] = [];
for (const layer of ["staging", "intermediate", "marts"]) {
  const dir = join(ROOT, "models", layer);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  } catch {
    continue;
  }
  for (const f of files.sort()) {
    const sql = readFileSync(join(dir, f), "utf8").trim().replace(/;\s*$/, "");
    const id = `${layer}.${basename(f, ".sql")}`;
    // The tables it names outside comments (a raw script: no SQL parser, as a hand-written one would do).
    const code = sql.replace(/--[^\n]*/g, "");
    const deps = [...code.matchAll(/\b(staging|intermediate|marts)\.([a-z_][a-z0-9_]*)/g)].map(
      (m) => `${m[1]}.${m[2]}`,
    );
    models.push({ id, sql, deps: deps.filter((d) => d !== id) });
  }
}
const done = new Set<string>();
const order: typeof models = [];
const visit = (m: (typeof models)[number]) => {
  if (done.has(m.id)) return;
  done.add(m.id);
  for (const d of m.deps) {
    const dep = models.find((x) => x.id === d);
    if (dep) visit(dep);
  }
  order.push(m);
};
for (const m of models) visit(m);
await c.run("create schema staging; create schema marts; create schema intermediate;");
const modelSeconds: Record<string, number> = {};
for (const m of order) {
  const started = performance.now();
  await c.run(`create or replace table ${m.id} as ${m.sql}`);
  modelSeconds[m.id] = (performance.now() - started) / 1000;
}
t.mark("models");
c.closeSync();
instance.closeSync();
t.mark("close");

reportResult({
  name: "baseline-build",
  observations,
  models: order.length,
  wall_s: t.total,
  phases: t.phases,
  model_s: modelSeconds,
});
