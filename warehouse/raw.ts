/**
 * Raw loading: the seeds, the documents and their figures, the report calendar, into the raw tables
 * every model reads (raw.documents, raw.observations, raw.partitions). A full build loads every
 * document from the extraction cache (loadCachedRaw); an incremental build appends the new ones (loadRaw).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DuckDBAppender, type DuckDBConnection, listValue } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";
import { readFigures, readFiguresText, referenceVersionOf } from "../sources/gus-bdl/store.ts";
import { SEEDS_DIR } from "../sources/lib/catalogue.ts";
import { centreCatalogue } from "../sources/lib/centres.ts";
import { queryRows } from "./duckdb.ts";
import { type ExtractionResult, extractionCodeVersion, extractKnownDocument } from "./extract.ts";
import { type Log, silent } from "./log.ts";
import { type KnownDocument, listDocuments } from "./store.ts";

/** A known document with its extraction, as loadRaw appends it. */
export interface LoadedDocument {
  doc: KnownDocument;
  extraction: ExtractionResult;
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
  -- Section readers that threw on a document whose other readers' figures were taken: a warning in
  -- marts.data_quality naming the document and the reader (sources/registry.ts readSections).
  create table raw.reader_failures (
    document_id varchar not null, centre_id varchar not null, reader_id varchar not null, message_pl varchar not null
  );
  -- Official reference figures (GUS BDL: population, social-assistance beneficiaries), one per centre ×
  -- measure × year, with their provenance; filled from $OBS_DATA_DIR/reference/ (npm run reference).
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

/**
 * Load the stored official reference figures ($OBS_DATA_DIR/reference/figures.csv, written by `npm run
 * reference`) into raw.reference_figures: those of the gminas that are centres (by TERYT), each with its
 * centre. None stored: the table stays empty (rates then say "brak liczby mieszkańców"). A damaged file
 * fails the build: it is never read as "no data". Returns the number of figures loaded and their version.
 */
export async function loadReferenceFigures(
  connection: DuckDBConnection,
): Promise<{ count: number; version: string }> {
  const centres = new Map([...centreCatalogue().values()].map((c) => [c.teryt, c.centre_id]));
  // One read: the version the build records is that of the figures it loaded, even if a fetch replaces the file meanwhile.
  const text = await readFiguresText(dataPaths().reference);
  const figures = await readFigures(dataPaths().reference, text);
  const a = await connection.createAppender("reference_figures", "raw");
  let count = 0;
  for (const f of figures) {
    const centre = centres.get(f.teryt);
    if (centre === undefined) continue;
    a.appendVarchar(centre);
    a.appendVarchar(f.teryt);
    a.appendVarchar(f.measure);
    a.appendInteger(f.year);
    if (f.reference_date === null) a.appendNull();
    else a.appendVarchar(f.reference_date);
    a.appendDouble(f.value);
    a.appendVarchar(f.variable_id);
    a.appendVarchar(f.unit_id);
    a.appendVarchar(f.source_url);
    a.appendVarchar(timestampText(new Date(f.retrieved_at)) ?? "");
    a.appendVarchar(f.origin);
    a.endRow();
    count++;
  }
  a.closeSync();
  return { count, version: referenceVersionOf(text) };
}

/** The seeds (models/seeds/*.csv) as tables of text: seeds.centres, seeds.metrics, seeds.breakdowns, seeds.legal_norms. */
export async function loadSeeds(connection: DuckDBConnection) {
  await connection.run("create schema seeds");
  const seeds = {
    centres: "centres.csv",
    metrics: "metrics/*.csv",
    breakdowns: "breakdowns.csv",
    legal_norms: "legal_norms.csv",
  };
  for (const [table, file] of Object.entries(seeds)) {
    await connection.run(
      `create table seeds.${table} as
       select * from read_csv($1, header = true, all_varchar = true, union_by_name = true)`,
      [join(SEEDS_DIR, file)],
    );
  }
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
export async function loadRaw(connection: DuckDBConnection, docs: LoadedDocument[]): Promise<number> {
  const documents = await connection.createAppender("documents", "raw");
  const observations = await connection.createAppender("observations", "raw");
  const failures = await connection.createAppender("reader_failures", "raw");
  let count = 0;
  const optional = (a: typeof observations, v: string | null) =>
    v === null ? a.appendNull() : a.appendVarchar(v);
  for (const { doc, extraction } of docs) {
    appendDocumentFields(documents, doc);
    documents.appendVarchar(extraction.extractorId);
    documents.endRow();
    for (const f of extraction.readerFailures ?? []) {
      failures.appendVarchar(doc.documentId);
      failures.appendVarchar(doc.centreId);
      failures.appendVarchar(f.reader);
      failures.appendVarchar(f.message_pl);
      failures.endRow();
    }
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
  failures.closeSync();
  return count;
}

/** Extract every known document (cached per document and code version). */
export async function extractAll(log: Log = silent) {
  const docs = await listDocuments();
  const out: LoadedDocument[] = [];
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
 * List every known document (or take the caller's list: `known`) and make sure each has an extraction in the cache for this code version,
 * extracting (and caching) those that have none. Nothing is parsed here: a full build reads the cache
 * files with DuckDB (loadCachedRaw).
 */
export async function listExtracted(
  log: Log = silent,
  known?: readonly KnownDocument[],
): Promise<CachedDocument[]> {
  const docs = known ?? (await listDocuments());
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
  readerFailures: [{ reader: "VARCHAR", message_pl: "VARCHAR" }],
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
    await connection.run(
      `
      create or replace temp table load_parsed as
      select * exclude (content), json_transform_strict(decode(content), $1) as j
      from load_documents`,
      [CACHE_JSON_TYPE],
    );
    await connection.run("drop table temp.load_documents");
    const [check] = await queryRows(
      connection,
      `select count(*) filter (where j is null or j.documentId is distinct from document_id
         or j.codeVersion is distinct from $1 or j.observations is null) as bad
       from load_parsed`,
      [version],
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
    await connection.run(`
      insert into raw.reader_failures
      select document_id, centre_id, f.reader, f.message_pl
      from (select document_id, centre_id, unnest(j.readerFailures) as f from load_parsed)`);
    await connection.run("commit");
    steps.push(step("insert"));
    log(`  loaded the extraction cache: ${steps.join(", ")}`);
  } catch (e) {
    await connection.run("rollback").catch(() => {});
    log(
      `  the extraction cache could not be loaded as it is (${(e as Error).message.split("\n")[0]}); loading document by document`,
    );
    const extracted: LoadedDocument[] = [];
    for (const { doc } of docs) extracted.push({ doc, extraction: await extractKnownDocument(doc) });
    return await loadRaw(connection, extracted);
  } finally {
    await connection.run("drop table if exists temp.load_parsed; drop table if exists temp.load_documents");
  }
  const [row] = await queryRows(connection, "select count(*) as n from raw.observations");
  return Number(row?.n ?? 0);
}
