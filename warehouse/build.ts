import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { type DuckDBAppender, type DuckDBConnection, listValue } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import { SEEDS_DIR } from "../sources/lib/catalogue.ts";
import { openDuckDb, queryRows, sqlString } from "./duckdb.ts";
import { DataTestsFailed, type FailingDocument, type TestOutcome } from "./errors.ts";
import { type ExtractionResult, extractionCodeVersion, extractKnownDocument } from "./extract.ts";
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
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** A build untouched this long and named by no queued job is garbage, whichever machine made it. */
const ABANDONED_BUILD_MS = 6 * 60 * 60 * 1000;

/** This machine in a build's file name: a process id says nothing about another machine's processes. */
const buildHost = () => hostname().replace(/[^A-Za-z0-9.-]/g, "_") || "localhost";

/**
 * How to learn which build files queued or running jobs still need (their tests, their publish):
 * the pipeline registers a question to its Postgres (pipelines/worker.ts). Without one (a build
 * outside the pipeline) no job can name a build.
 */
let buildsInUse: (() => Promise<Iterable<string>>) | null = null;
export function setBuildsInUse(fn: (() => Promise<Iterable<string>>) | null): void {
  buildsInUse = fn;
}

/**
 * Remove the builds nothing will read. Never one a queued or running job names (its tests or
 * publish are still to come, maybe in another process), nor one of this process. Otherwise a build
 * of this machine whose process is gone (killed mid-build), or, since another machine's processes
 * cannot be asked, any build untouched for 6 hours. When it cannot be told which builds are in
 * use, none is removed.
 */
export async function removeStaleBuilds(log: Log, current: string) {
  const { builds } = dataPaths();
  const names = await readdir(builds).catch(() => [] as string[]);
  if (names.length === 0) return;
  let inUse: Set<string>;
  try {
    inUse = new Set([...((await buildsInUse?.()) ?? [])].map((p) => basename(p)));
  } catch (e) {
    log(`  old builds kept: cannot tell which are in use (${(e as Error).message})`);
    return;
  }
  const host = buildHost();
  for (const f of names) {
    // build-<stamp>[-<sequence>]-<pid>[@<host>].duckdb, and its .wal (older builds carry no host).
    const m = /^(build-\d{8}-\d{6}(?:-\d+)?-(\d+)(?:@(.+?))?\.duckdb)(?:\.wal)?$/.exec(f);
    if (!m) continue;
    const [, file = "", pidText, fileHost] = m;
    const pid = Number(pidText);
    const local = fileHost === undefined || fileHost === host;
    if (inUse.has(file) || file === basename(current) || (local && pid === process.pid)) continue;
    const abandoned =
      (local && !isAlive(pid)) ||
      Date.now() - ((await stat(join(builds, f)).catch(() => null))?.mtimeMs ?? Date.now()) >
        ABANDONED_BUILD_MS;
    if (abandoned) {
      await rm(join(builds, f), { force: true });
      log(`  removed an abandoned build: ${f}`);
    }
  }
}

/** A new build file name; builds never touch the published snapshot. */
let buildSequence = 0;
export function newBuildPath(): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  // The sequence number keeps two builds of one process within one second apart; the host, builds of
  // processes of other machines sharing the data dir.
  return join(dataPaths().builds, `build-${stamp}-${++buildSequence}-${process.pid}@${buildHost()}.duckdb`);
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
  create table raw.partitions (
    centre_id varchar not null, report_kind varchar not null, period_id varchar not null,
    period_kind varchar not null, deadline date not null, state varchar not null, document_id varchar,
    received_at timestamp, checked_at timestamp
  );
`;

/**
 * One centre × kind of report × period of the report calendar, as the service's freshness check wrote it
 * (obs.partitions in Postgres). A build without the service (npm run refresh) has none: the mart is empty.
 */
export interface RawPartition {
  centre_id: string;
  report_kind: string;
  period_id: string;
  period_kind: string;
  /** YYYY-MM-DD */
  deadline: string;
  state: string;
  document_id: string | null;
  received_at: Date | string | null;
  checked_at: Date | string | null;
}

const timestampText = (v: Date | string | null) =>
  v === null
    ? null
    : (v instanceof Date ? v.toISOString() : v).replace("T", " ").replace(/Z$|[+-]00(:?00)?$/, "");

/** Append the report calendar's partitions into raw.partitions. */
export async function loadPartitions(
  connection: DuckDBConnection,
  partitions: RawPartition[],
): Promise<void> {
  const a = await connection.createAppender("partitions", "raw");
  const optional = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
  for (const p of partitions) {
    a.appendVarchar(p.centre_id);
    a.appendVarchar(p.report_kind);
    a.appendVarchar(p.period_id);
    a.appendVarchar(p.period_kind);
    a.appendVarchar(p.deadline);
    a.appendVarchar(p.state);
    optional(p.document_id);
    optional(timestampText(p.received_at));
    optional(timestampText(p.checked_at));
    a.endRow();
  }
  a.closeSync();
}

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

/** A document's metadata columns, in the order of raw.documents (document_id … byte_size). */
function appendDocumentFields(a: DuckDBAppender, doc: KnownDocument): void {
  a.appendVarchar(doc.documentId);
  a.appendVarchar(doc.centreId);
  a.appendVarchar(doc.kind);
  a.appendVarchar(doc.title);
  a.appendVarchar(doc.fileName);
  a.appendVarchar(doc.origin);
  a.appendValue(listValue(doc.periods));
  if (doc.issuedOn === null) a.appendNull();
  else a.appendVarchar(doc.issuedOn);
  if (!doc.receivedAt) a.appendNull();
  else a.appendVarchar(doc.receivedAt.replace("T", " ").replace("Z", ""));
  a.appendBigInt(BigInt(doc.byteSize));
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
    appendDocumentFields(documents, doc);
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

/** A known document whose extraction is in the cache: `<extracted>/<document_id>.<code version>.json`. */
export interface CachedDocument {
  doc: KnownDocument;
  cacheFile: string;
}

/**
 * List every known document and make sure each has an extraction in the cache for this code version,
 * extracting (and caching) those that have none. Nothing is parsed here: a full build reads the cache
 * files with DuckDB (loadCachedRaw).
 */
export async function listExtracted(log: Log = silent): Promise<CachedDocument[]> {
  const docs = await listDocuments();
  const version = await extractionCodeVersion();
  const dir = dataPaths().extracted;
  const cached = new Set(await readdir(dir).catch(() => [] as string[]));
  const out: CachedDocument[] = [];
  let extracted = 0;
  for (const doc of docs) {
    const name = `${doc.documentId}.${version}.json`;
    if (!cached.has(name)) {
      const extraction = await extractKnownDocument(doc);
      extracted++;
      log(
        `  extracted ${doc.centreId}/${doc.kind} ${doc.fileName}: ${extraction.observations.length} figures`,
      );
    }
    out.push({ doc, cacheFile: join(dir, name) });
  }
  log(
    `  ${docs.length} documents (${docs.length - extracted} from the extraction cache, ${extracted} extracted)`,
  );
  return out;
}

/** The part of a cached ExtractionResult the raw tables hold, as DuckDB reads it (recognition is not needed). */
const CACHE_JSON_TYPE = JSON.stringify({
  documentId: "VARCHAR",
  extractorId: "VARCHAR",
  codeVersion: "VARCHAR",
  observations: [
    {
      centre_id: "VARCHAR",
      period_id: "VARCHAR",
      as_of_date: "VARCHAR",
      metric_id: "VARCHAR",
      breakdown: "VARCHAR",
      value: "DOUBLE",
      unit: "VARCHAR",
      line: "INTEGER",
      quote: "VARCHAR",
      label: "VARCHAR",
      flags: ["VARCHAR"],
      note: "VARCHAR",
    },
  ],
});

/** Files read at once while loading the cache (async reads: a build in the service must not block its event loop). */
const READ_BATCH = 64;

/**
 * Load the documents and their cached extractions into raw.documents / raw.observations with
 * DuckDB's JSON reader: the cache files' text is read in parallel batches and appended as one string
 * per document, then parsed, typed and unnested by DuckDB (vectorised, off the Node heap) — no JS
 * object per figure, and the same rows, in the same order, as loadRaw gives. A cache entry written by
 * this code version was validated (zod) when it was written, so it is not validated again figure by
 * figure; its shape is checked here (json_transform_strict: a field of another type fails), the raw
 * tables' NOT NULL constraints hold, and its document id and code version must be the expected ones.
 * If any of that fails — a damaged or hand-edited cache file, one removed meanwhile — nothing of this
 * load stays and the documents are loaded the slow way (extractKnownDocument validates each cache
 * entry and extracts again those that fail, then loadRaw). Returns the number of figures.
 */
export async function loadCachedRaw(
  connection: DuckDBConnection,
  docs: CachedDocument[],
  log: Log = silent,
): Promise<number> {
  const version = await extractionCodeVersion();
  let started = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    const seconds = ((now - started) / 1000).toFixed(2);
    started = now;
    return `${name} ${seconds} s`;
  };
  const steps: string[] = [];
  await connection.run(`
    create or replace temp table load_documents (
      seq integer not null, document_id varchar not null, centre_id varchar not null, kind varchar not null,
      title varchar not null, file_name varchar not null, origin varchar not null, periods varchar[] not null,
      issued_on varchar, received_at varchar, byte_size bigint not null, content blob not null
    )`);
  try {
    const stage = await connection.createAppender("load_documents", "main", "temp");
    for (let start = 0; start < docs.length; start += READ_BATCH) {
      const batch = docs.slice(start, start + READ_BATCH);
      // Bytes, not strings: DuckDB checks the UTF-8 itself (decode), no JS string per file.
      const contents = await Promise.all(batch.map((d) => readFile(d.cacheFile)));
      batch.forEach(({ doc }, i) => {
        stage.appendInteger(start + i);
        appendDocumentFields(stage, doc);
        stage.appendBlob(contents[i] as Uint8Array);
        stage.endRow();
      });
    }
    stage.closeSync();
    steps.push(step("read the cache files"));
    await connection.run(`
      create or replace temp table load_parsed as
      select * exclude (content), json_transform_strict(decode(content), ${sqlString(CACHE_JSON_TYPE)}) as j
      from load_documents;
      drop table temp.load_documents`);
    const [check] = await queryRows(
      connection,
      `select count(*) filter (where j is null or j.documentId is distinct from document_id
         or j.codeVersion is distinct from ${sqlString(version)} or j.observations is null) as bad
       from load_parsed`,
    );
    if (Number(check?.bad) > 0) throw new Error(`${check?.bad} cache entries of another document or version`);
    steps.push(step("parse"));
    await connection.run("begin transaction");
    await connection.run(`
      insert into raw.documents
      select document_id, centre_id, kind, title, file_name, origin, periods, issued_on::date,
          received_at::timestamp, byte_size, j.extractorId
      from load_parsed`);
    // In load_parsed's order (seq, then each document's figures in order): DuckDB keeps insertion order
    // without an ORDER BY (preserve_insertion_order), and sorting 3 M rows would cost seconds.
    await connection.run(`
      insert into raw.observations
      select document_id, ordinal, centre_id, period_id, as_of_date, metric_id, breakdown, value, unit, line,
          quote, label, array_to_string(flags, ','), note
      from (
        select seq, document_id, generate_subscripts(j.observations, 1) - 1 as ordinal,
            unnest(j.observations, recursive := true)
        from load_parsed
      )`);
    await connection.run("commit");
    steps.push(step("insert"));
    log(`  loaded the extraction cache: ${steps.join(", ")}`);
  } catch (e) {
    await connection.run("rollback").catch(() => {});
    log(
      `  the extraction cache could not be loaded as it is (${(e as Error).message.split("\n")[0]}); loading document by document`,
    );
    const extracted: { doc: KnownDocument; extraction: ExtractionResult }[] = [];
    for (const { doc } of docs) extracted.push({ doc, extraction: await extractKnownDocument(doc) });
    return await loadRaw(connection, extracted);
  } finally {
    await connection.run("drop table if exists temp.load_parsed; drop table if exists temp.load_documents");
  }
  const [row] = await queryRows(connection, "select count(*) as n from raw.observations");
  return Number(row?.n ?? 0);
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
export async function buildWarehouse(
  opts: { log?: Log; partitions?: RawPartition[]; exclude?: ReadonlySet<string> } = {},
): Promise<BuildResult> {
  const log = opts.log ?? silent;
  let phaseStarted = performance.now();
  /** Log how long the phase that ends here took (the build's profile: list, load, models, checkpoint). */
  const phase = (name: string) => {
    const now = performance.now();
    log(`  ${name}: ${((now - phaseStarted) / 1000).toFixed(2)} s`);
    phaseStarted = now;
  };
  log("Extracting documents…");
  // `exclude`: documents left out of this build (a probe that tells which document fails a test).
  const extracted = (await listExtracted(log)).filter((d) => !opts.exclude?.has(d.doc.documentId));
  phase("list and extract");
  const buildPath = newBuildPath();
  await mkdir(dirname(buildPath), { recursive: true });
  await removeStaleBuilds(log, buildPath);
  log(`Building ${buildPath}…`);
  const db = await openDuckDb(buildPath);
  try {
    await loadSeeds(db.connection);
    await db.connection.run(RAW_SCHEMA);
    const observations = await loadCachedRaw(db.connection, extracted, log);
    await loadPartitions(db.connection, opts.partitions ?? []);
    log(`  loaded ${extracted.length} documents, ${observations} figures`);
    phase("load");
    faultPoint("build:after-load");
    const models = await runModels(db.connection, log);
    await recordBuildInfo(db.connection);
    phase("models");
    await db.connection.run("checkpoint");
    phase("checkpoint");
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

export { DataTestsFailed, type FailingDocument, type TestOutcome };

/** Figures described per document in a failed test's reason. */
const FIGURES_PER_DOCUMENT = 5;

/**
 * The documents a failed test's rows lead to: a row's document_id, or the document of its
 * observation_id (or of a *_observation_id column) in staging.stg_observations. Rows that lead to none
 * are counted as unattributed.
 */
export async function failingDocuments(
  connection: DuckDBConnection,
  test: DataTest,
): Promise<{ documents: FailingDocument[]; unattributedRows: number }> {
  const cols = (await connection.runAndReadAll(`select * from (${test.sql}) limit 0`)).columnNames();
  const idCol = cols.includes("observation_id")
    ? "observation_id"
    : cols.find((c) => c.endsWith("_observation_id"));
  const q = (c: string) => `"${c.replaceAll('"', '""')}"`;
  const own = (c: string, type = "varchar") =>
    cols.includes(c) ? `cast(f.${q(c)} as ${type})` : `null::${type}`;
  const joined = idCol !== undefined;
  const from = joined
    ? `(${test.sql}) f left join staging.stg_observations o on o.observation_id = cast(f.${q(idCol)} as varchar)`
    : `(${test.sql}) f`;
  const viaObs = (c: string, type = "varchar") => (joined ? `cast(o.${c} as ${type})` : `null::${type}`);
  const rows = await queryRows(
    connection,
    `with a as (
       select coalesce(${own("document_id")}, ${viaObs("document_id")}) as document_id,
         concat_ws(' ',
           'line ' || coalesce(${own("line", "integer")}, ${viaObs("line", "integer")}),
           coalesce(${own("metric_id")}, ${viaObs("metric_id")}),
           coalesce(${own("breakdown")}, ${viaObs("breakdown")}),
           coalesce(${own("period_id")}, ${viaObs("period_id")})) as figure
       from ${from}
     )
     select document_id, count(*) as n,
       list(distinct figure order by figure) filter (where figure <> '') as figures
     from a group by document_id order by document_id nulls last`,
  );
  const documents: FailingDocument[] = [];
  let unattributedRows = 0;
  for (const r of rows) {
    if (r.document_id === null || r.document_id === undefined) unattributedRows += Number(r.n);
    else
      documents.push({
        documentId: String(r.document_id),
        rows: Number(r.n),
        figures: ((r.figures as string[] | null) ?? []).slice(0, FIGURES_PER_DOCUMENT),
      });
  }
  return { documents, unattributedRows };
}

/** At most this many new documents are probed one by one when a failure names no document. */
export const MAX_PROBED_DOCUMENTS = 4;

/**
 * Which of the `candidates` (documents not yet published) make the failed tests fail, when their
 * failing rows name no document: a build without every candidate must pass them (else the failure is
 * not theirs: null), then each candidate is built alone with the others left out; a candidate whose
 * build fails a test is a culprit, with the tests it fails. Null when it cannot be told (too many
 * candidates, or no candidate fails alone). Probe builds are removed.
 */
export async function culpritsByElimination(
  failed: TestOutcome[],
  candidates: string[],
  opts: { log?: Log; partitions?: RawPartition[] } = {},
): Promise<Map<string, string[]> | null> {
  const log = opts.log ?? silent;
  if (candidates.length === 0 || candidates.length > MAX_PROBED_DOCUMENTS) return null;
  const probe = async (exclude: string[]) => {
    const build = await buildWarehouse({ partitions: opts.partitions, exclude: new Set(exclude) });
    try {
      // The whole test run, warnings recorded as in a real one (a grain test of marts.data_quality sees them).
      await testWarehouse(build.buildPath);
      return [];
    } catch (e) {
      if (!(e instanceof DataTestsFailed)) throw e;
      const wanted = new Set(failed.map((t) => `${t.model}.${t.name}`));
      return e.failed.map((t) => `${t.model}.${t.name}`).filter((k) => wanted.has(k));
    } finally {
      await rm(build.buildPath, { force: true });
      await rm(`${build.buildPath}.wal`, { force: true });
    }
  };
  log(`  probing which of ${candidates.length} new document(s) makes the tests fail…`);
  if ((await probe(candidates)).length > 0) return null;
  const culprits = new Map<string, string[]>();
  for (const id of candidates) {
    const fails = await probe(candidates.filter((c) => c !== id));
    if (fails.length > 0) culprits.set(id, fails);
  }
  return culprits.size > 0 ? culprits : null;
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
        else {
          // Which documents the failing rows lead to (a failure that cannot be traced names none).
          const traced = await failingDocuments(db.connection, test).catch(() => ({
            documents: [],
            unattributedRows: failures,
          }));
          Object.assign(outcomes[outcomes.length - 1] as TestOutcome, traced);
        }
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
