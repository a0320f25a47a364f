import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type DuckDBConnection, listValue } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import { SEEDS_DIR } from "../sources/lib/catalogue.ts";
import { openDuckDb, queryRows, sqlString } from "./duckdb.ts";
import { type ExtractionResult, extractKnownDocument } from "./extract.ts";
import { recordBuildInfo } from "./incremental.ts";
import { type DataTest, loadModels, testsOf } from "./models.ts";
import { type KnownDocument, listDocuments } from "./store.ts";

export type Log = (line: string) => void;
const silent: Log = () => {};

export interface BuildResult {
  buildPath: string;
  documents: number;
  observations: number;
  models: number;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Builds whose process is gone (killed mid-build) are garbage: nothing reads them. */
async function removeStaleBuilds(log: Log) {
  const { builds } = dataPaths();
  for (const f of await readdir(builds).catch(() => [] as string[])) {
    const pid = Number(/^build-[\d-]+-(\d+)\.duckdb/.exec(f)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) {
      await rm(join(builds, f), { force: true });
      log(`  removed an abandoned build: ${f}`);
    }
  }
}

/** A new build file name; builds never touch the published snapshot. */
let buildSequence = 0;
function newBuildPath(): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  // The sequence number keeps two builds of one process within one second apart.
  return join(dataPaths().builds, `build-${stamp}-${++buildSequence}-${process.pid}.duckdb`);
}

export const RAW_SCHEMA = `
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
`;

export async function loadSeeds(connection: DuckDBConnection) {
  const csv = (file: string) =>
    `read_csv(${sqlString(join(SEEDS_DIR, file))}, header = true, all_varchar = true, union_by_name = true)`;
  await connection.run(`
    create schema seeds;
    create table seeds.centres as select * from ${csv("centres.csv")};
    create table seeds.metrics as select * from ${csv("metrics/*.csv")};
    create table seeds.breakdowns as select * from ${csv("breakdowns.csv")};
  `);
}

/** Append documents and their figures into the raw tables with DuckDB's Appender (bulk, fast). */
export async function loadRaw(
  connection: DuckDBConnection,
  docs: { doc: KnownDocument; extraction: ExtractionResult }[],
): Promise<number> {
  const documents = await connection.createAppender("documents", "raw");
  const observations = await connection.createAppender("observations", "raw");
  let count = 0;
  const optional = (a: typeof observations, v: string | null) =>
    v === null ? a.appendNull() : a.appendVarchar(v);
  for (const { doc, extraction } of docs) {
    documents.appendVarchar(doc.documentId);
    documents.appendVarchar(doc.centreId);
    documents.appendVarchar(doc.kind);
    documents.appendVarchar(doc.title);
    documents.appendVarchar(doc.fileName);
    documents.appendVarchar(doc.origin);
    documents.appendValue(listValue(doc.periods));
    optional(documents, doc.issuedOn);
    optional(documents, doc.receivedAt ? doc.receivedAt.replace("T", " ").replace("Z", "") : null);
    documents.appendBigInt(BigInt(doc.byteSize));
    documents.appendVarchar(extraction.extractorId);
    documents.endRow();
    extraction.observations.forEach((o, i) => {
      observations.appendVarchar(doc.documentId);
      observations.appendInteger(i);
      observations.appendVarchar(o.centre_id);
      observations.appendVarchar(o.period_id);
      optional(observations, o.as_of_date);
      observations.appendVarchar(o.metric_id);
      optional(observations, o.breakdown);
      if (o.value === null) observations.appendNull();
      else observations.appendDouble(o.value);
      observations.appendVarchar(o.unit);
      observations.appendInteger(o.line);
      observations.appendVarchar(o.quote);
      observations.appendVarchar(o.label);
      observations.appendVarchar(o.flags.join(","));
      optional(observations, o.note);
      observations.endRow();
      count++;
    });
  }
  documents.closeSync();
  observations.closeSync();
  return count;
}

/** Extract every known document (cached per document and code version). */
export async function extractAll(log: Log = silent) {
  const docs = await listDocuments();
  const out: { doc: KnownDocument; extraction: ExtractionResult }[] = [];
  for (const [i, doc] of docs.entries()) {
    const extraction = await extractKnownDocument(doc);
    log(
      `  extract ${i + 1}/${docs.length} ${doc.centreId}/${doc.kind} ${doc.fileName}: ${extraction.observations.length} figures`,
    );
    out.push({ doc, extraction });
  }
  return out;
}

/** Run the SQL models in dependency order into the given connection. */
export async function runModels(connection: DuckDBConnection, log: Log = silent): Promise<number> {
  const models = loadModels();
  for (const schema of new Set(models.map((m) => m.layer)))
    await connection.run(`create schema if not exists ${schema}`);
  for (const [i, model] of models.entries()) {
    if (i === Math.floor(models.length / 2)) faultPoint("build:mid-models");
    const started = performance.now();
    try {
      await connection.run(`create or replace table ${model.id} as ${model.sql}`);
    } catch (e) {
      throw new Error(`model ${model.id} failed: ${(e as Error).message}`);
    }
    const [row] = await queryRows(connection, `select count(*) as n from ${model.id}`);
    log(`  model ${model.id}: ${row?.n} rows (${Math.round(performance.now() - started)} ms)`);
  }
  return models.length;
}

/** Build a new warehouse file from every known document: seeds, raw figures, models. Not yet tested or published. */
export async function buildWarehouse(opts: { log?: Log } = {}): Promise<BuildResult> {
  const log = opts.log ?? silent;
  log("Extracting documents…");
  const extracted = await extractAll(log);
  const buildPath = newBuildPath();
  await mkdir(dirname(buildPath), { recursive: true });
  await removeStaleBuilds(log);
  log(`Building ${buildPath}…`);
  const db = await openDuckDb(buildPath);
  try {
    await loadSeeds(db.connection);
    await db.connection.run(RAW_SCHEMA);
    const observations = await loadRaw(db.connection, extracted);
    log(`  loaded ${extracted.length} documents, ${observations} figures`);
    faultPoint("build:after-load");
    const models = await runModels(db.connection, log);
    await recordBuildInfo(db.connection);
    await db.connection.run("checkpoint");
    return { buildPath, documents: extracted.length, observations, models };
  } catch (e) {
    db.close();
    await rm(buildPath, { force: true });
    throw e;
  } finally {
    try {
      db.close();
    } catch {
      // already closed after a failure
    }
  }
}

export interface TestOutcome extends DataTest {
  failures: number;
  passed: boolean;
}

/** Raised when an error-severity data test fails: the build is not published. */
export class DataTestsFailed extends Error {
  constructor(readonly failed: TestOutcome[]) {
    super(
      `${failed.length} data test(s) of severity error failed; the build was not published:\n${failed
        .map((t) => `  ✗ ${t.model}: ${t.name} (${t.description}) — ${t.failures} failing row(s)`)
        .join("\n")}`,
    );
    this.name = "DataTestsFailed";
  }
}

/** Columns a test's failing rows may carry into marts.data_quality. */
const QUALITY_COLUMNS = ["centre_id", "period_id", "metric_id", "breakdown", "document_id", "line"] as const;

/**
 * Run every data test of every model. Failed warnings are written into marts.data_quality;
 * failed errors throw DataTestsFailed (the caller leaves the published snapshot untouched).
 */
export async function testWarehouse(
  buildPath: string,
  opts: { log?: Log } = {},
): Promise<{ outcomes: TestOutcome[]; errors: number; warnings: number }> {
  const log = opts.log ?? silent;
  const db = await openDuckDb(buildPath);
  const outcomes: TestOutcome[] = [];
  try {
    const tests = loadModels().flatMap(testsOf);
    log(`Running ${tests.length} data tests…`);
    for (const [i, test] of tests.entries()) {
      if (i === Math.floor(tests.length / 2)) faultPoint("test:mid-tests");
      let failures: number;
      try {
        const [row] = await queryRows(db.connection, `select count(*) as n from (${test.sql})`);
        failures = Number(row?.n ?? 0);
      } catch (e) {
        throw new Error(`data test ${test.model}: ${test.name} could not run: ${(e as Error).message}`);
      }
      outcomes.push({ ...test, failures, passed: failures === 0 });
      if (failures > 0) {
        log(
          `  ${test.severity === "error" ? "✗ ERROR" : "! warn"} ${test.model}: ${test.name} — ${failures} row(s)`,
        );
        if (test.severity === "warn") await recordWarning(db.connection, test);
      }
    }
    await db.connection.run("checkpoint");
  } finally {
    db.close();
  }
  const failedErrors = outcomes.filter((t) => !t.passed && t.severity === "error");
  const warnings = outcomes.filter((t) => !t.passed && t.severity === "warn").length;
  log(
    `  ${outcomes.filter((t) => t.passed).length} passed, ${warnings} warnings, ${failedErrors.length} errors`,
  );
  if (failedErrors.length > 0) throw new DataTestsFailed(failedErrors);
  return { outcomes, errors: 0, warnings };
}

export async function recordWarning(connection: DuckDBConnection, test: DataTest) {
  const cols = (await connection.runAndReadAll(`select * from (${test.sql}) limit 0`)).columnNames();
  const pick = (c: string, type: string) => (cols.includes(c) ? `cast(${c} as ${type})` : `null::${type}`);
  const message = cols.includes("message_pl")
    ? "message_pl"
    : `${sqlString(`Test „${test.description}” nie przeszedł`)} || coalesce(': ' || ${cols.includes("centre_id") ? "centre_id" : "null"}, '')`;
  const select = QUALITY_COLUMNS.map((c) => pick(c, c === "line" ? "integer" : "varchar")).join(", ");
  await connection.run(`
    insert into marts.data_quality (centre_id, period_id, metric_id, breakdown, document_id, line, check_name, severity, message_pl)
    select ${select}, ${sqlString(`test:${test.model}.${test.name}`)}, 'warn', ${message}
    from (${test.sql})
  `);
}

/**
 * Publish a tested build: an atomic rename over the published snapshot, so a reader sees either the
 * old or the new warehouse, never half of one. Builds left by a crashed process are removed by the next build.
 */
export async function publishWarehouse(buildPath: string, opts: { log?: Log } = {}): Promise<string> {
  const { published } = dataPaths();
  await mkdir(dirname(published), { recursive: true });
  faultPoint("publish:before-rename");
  await rename(buildPath, published);
  faultPoint("publish:after-rename");
  opts.log?.(`Published ${published}`);
  return published;
}
