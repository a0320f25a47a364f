/**
 * The warehouse engine: one model runner for full and incremental builds.
 *
 * A full build loads every known document into a new DuckDB file and creates every model, with
 * build.touched_centres holding every centre. An incremental build (the planner's choice when
 * documents were added and nothing else changed: warehouse/plan.ts) copies the published snapshot,
 * appends the new documents' raw rows and brings each model that reads changed data up to date, as
 * its .yml declares:
 *
 *   - `partition_by: centre_id`: the touched centres' rows are replaced by what the model's SQL
 *     gives with build.touched_centres holding those centres (it reads its per-centre inputs through
 *     it; a row of another centre is an error);
 *   - nothing declared, or an input that changed beyond the touched centres: the model is rebuilt
 *     whole (build.touched_centres holding every centre), and when its content changed, whatever
 *     reads it is rebuilt whole too.
 *
 * Then the data tests of what changed (warehouse/data-tests.ts), in the build. Either way the result
 * is a build file that is published by an atomic rename (warehouse/builds.ts), equal table by table
 * to a full build of the same documents and report calendar (tests/pipeline/warehouse.test.ts, the
 * benchmark's --verify), apart from dim_document.loaded_at.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { faultPoint } from "../lib/faults.ts";
import { buildFingerprint, readBuildInfo, recordBuildInfo } from "./build-info.ts";
import { copyPublished, discardBuild, startBuildFile } from "./builds.ts";
import { type Changes, runDataTests, WARNING_PREFIX, WARNINGS_TABLE } from "./data-tests.ts";
import { openDuckDb, queryRows } from "./duckdb.ts";
import type { TestOutcome } from "./errors.ts";
import { extractKnownDocument } from "./extract.ts";
import { type Log, silent } from "./log.ts";
import { loadModels, type Model, TOUCHED_CENTRES } from "./models.ts";
import type { BuildPlan } from "./plan.ts";
import {
  type LoadedDocument,
  listExtracted,
  loadCachedRaw,
  loadPartitions,
  loadRaw,
  loadReferenceFigures,
  loadSeeds,
  RAW_SCHEMA,
  type RawPartition,
} from "./raw.ts";
import { countEveryCentre, type Scope, setScope } from "./scope.ts";
import { findDocument, type KnownDocument } from "./store.ts";

/** How one model was brought up to date: created (full build), its touched centres replaced, or rebuilt whole. */
export interface ModelStep {
  model: string;
  strategy: "create" | "partition" | "rebuild";
  seconds: number;
}

/** The raw tables a new document adds rows to (of its centre). */
const DOCUMENT_TABLES = ["raw.documents", "raw.observations", "raw.reader_failures"];
/** The report calendar: replaced whole when a build is given one. */
const PARTITIONS_TABLE = "raw.partitions";

/** What an incremental build changed before its models run. */
export interface Update {
  centres: string[];
  /** Tables whose touched centres' rows changed. */
  byCentre: string[];
  /** Tables that changed beyond the touched centres. */
  whole: string[];
}

/** A fingerprint of a table's content, to tell whether rebuilding it changed it. */
async function contentHash(connection: DuckDBConnection, table: string): Promise<string> {
  const [row] = await queryRows(
    connection,
    `select count(*) as n, coalesce(sum(hash(t)::hugeint), 0)::varchar as h from ${table} t`,
  );
  return `${row?.n}:${row?.h}`;
}

/** A partitioned model has its partition column, never null (a full build checks it once). */
async function checkPartitionColumn(connection: DuckDBConnection, model: Model): Promise<void> {
  const [row] = await queryRows(
    connection,
    `select count(*) filter (where column_name = $1) as has from duckdb_columns()
     where database_name = current_database() and schema_name = $2 and table_name = $3`,
    [model.partitionBy ?? "", model.layer, model.name],
  );
  if (Number(row?.has) === 0)
    throw new Error(`it declares partition_by: ${model.partitionBy} but has no such column`);
  const [nulls] = await queryRows(
    connection,
    `select count(*) as n from ${model.id} where ${model.partitionBy} is null`,
  );
  if (Number(nulls?.n) > 0)
    throw new Error(`it declares partition_by: ${model.partitionBy} but ${nulls?.n} row(s) have none`);
}

/**
 * Run the models into the connection, in dependency order: every one created (no `update`: a full
 * build), or those an incremental `update` touches, each as its .yml declares. Leaves
 * build.touched_centres holding every centre. Returns the models, the steps and what changed (for
 * the data tests).
 */
export async function runModels(
  connection: DuckDBConnection,
  opts: { log?: Log; update?: Update; models?: Model[] } = {},
): Promise<{ models: Model[]; steps: ModelStep[]; changes: Changes }> {
  const log = opts.log ?? silent;
  const models = opts.models ?? (await loadModels(undefined, connection));
  await countEveryCentre(connection);
  for (const schema of new Set(models.map((m) => m.layer)))
    await connection.run(`create schema if not exists ${schema}`);
  let current: "centres" | "all" | null = null;
  const scope = async (s: "centres" | "all") => {
    if (s === current) return;
    const to: Scope = s === "all" || !opts.update ? "all" : opts.update.centres;
    await setScope(connection, to);
    current = s;
  };
  const byCentre = new Set(opts.update?.byCentre);
  const whole = new Set(opts.update?.whole);
  const steps: ModelStep[] = [];
  for (const [i, model] of models.entries()) {
    if (i === Math.floor(models.length / 2)) faultPoint("build:mid-models");
    const started = performance.now();
    let strategy: ModelStep["strategy"];
    try {
      if (!opts.update) {
        strategy = "create";
        await scope("all");
        await connection.run(`create or replace table ${model.id} as ${model.sql}`);
        if (model.partitionBy) await checkPartitionColumn(connection, model);
      } else {
        if (!model.reads.some((t) => byCentre.has(t) || whole.has(t))) continue;
        if (!model.partitionBy || model.reads.some((t) => whole.has(t))) {
          strategy = "rebuild";
          await scope("all");
          const before = await contentHash(connection, model.id);
          await connection.run(`create or replace table ${model.id} as ${model.sql}`);
          if ((await contentHash(connection, model.id)) !== before) whole.add(model.id);
        } else {
          strategy = "partition";
          await scope("centres");
          await replaceTouchedCentres(connection, model);
          byCentre.add(model.id);
        }
      }
    } catch (e) {
      throw new Error(`model ${model.id} failed: ${(e as Error).message}`);
    }
    const seconds = (performance.now() - started) / 1000;
    steps.push({ model: model.id, strategy, seconds });
    if (strategy === "create") {
      const [row] = await queryRows(connection, `select count(*) as n from ${model.id}`);
      log(`  model ${model.id}: ${row?.n} rows (${Math.round(seconds * 1000)} ms)`);
    } else log(`  model ${model.id}: ${strategy} (${Math.round(seconds * 1000)} ms)`);
  }
  await scope("all");
  const changes: Changes = opts.update
    ? { kind: "partial", centres: opts.update.centres, byCentre, whole }
    : { kind: "full" };
  return { models, steps, changes };
}

/**
 * Replace a partitioned model's rows of the touched centres by what its SQL gives for them. The
 * warnings the data tests wrote into marts.data_quality stay: the tests that run again replace theirs.
 */
async function replaceTouchedCentres(connection: DuckDBConnection, model: Model): Promise<void> {
  const keepWarnings = model.id === WARNINGS_TABLE ? " and not starts_with(check_name, $1)" : "";
  await connection.run(
    `delete from ${model.id} where centre_id in (select centre_id from ${TOUCHED_CENTRES})${keepWarnings}`,
    keepWarnings ? [WARNING_PREFIX] : [],
  );
  // A row of a centre not being built fails the statement (DuckDB's error()), and the build with it.
  await connection.run(
    `insert into ${model.id} by name
     select * from (${model.sql}) touched_rows
     where if(centre_id in (select centre_id from ${TOUCHED_CENTRES}), true,
       error('it declares partition_by: ${model.partitionBy} but gave a row of ' || coalesce(centre_id, 'no centre')
         || ', a centre not being built: its SQL must read its per-centre inputs through ${TOUCHED_CENTRES}'))`,
  );
}

export interface BuildResult {
  buildPath: string;
  kind: "full" | "incremental";
  /** Documents and figures in the build. */
  documents: number;
  observations: number;
  /** Models in the build. */
  models: number;
  /** The models run, and how. */
  steps: ModelStep[];
  /** An incremental build: the documents added and their centres. */
  added: number;
  centres: string[];
  /** An incremental build ran its data tests: its failed warning tests (of the whole build). */
  tested: { warnings: number; outcomes: TestOutcome[] } | null;
  /** Seconds per phase: list, load, models, tests, checkpoint (those it had). */
  phases: Record<string, number>;
  seconds: number;
}

export interface BuildOptions {
  log?: Log;
  /** What to build (planBuild); a full build when not given. */
  plan?: BuildPlan;
  /** The report calendar as of this build (raw.partitions); an incremental build replaces the snapshot's. */
  partitions?: RawPartition[];
  /** The known documents, when the caller listed them already (listing costs seconds at national scale). */
  known?: readonly KnownDocument[];
  /** A full build: documents left out (a probe that tells which document fails a test). */
  exclude?: ReadonlySet<string>;
  /** An incremental build: the new documents already extracted (the benchmark), else read from the store. */
  extracted?: LoadedDocument[];
  /** A full build: called once the seeds and raw tables are loaded, before the models (the benchmark's national seeds). */
  afterLoad?: (connection: DuckDBConnection) => Promise<void>;
}

/**
 * Build a new warehouse file as the plan says: full (every known document; not yet tested) or
 * incremental (the new documents into a copy of the published snapshot; tested). Not published.
 * A failure removes the build file and throws (DataTestsFailed for a failed error test).
 */
export async function buildWarehouse(opts: BuildOptions = {}): Promise<BuildResult> {
  const plan = opts.plan ?? { kind: "full", reason: "forced", why: "a full build" };
  if (plan.kind === "up to date") throw new Error(`nothing to build: ${plan.why}`);
  return plan.kind === "incremental" ? incrementalBuild(plan, opts) : fullBuild(opts);
}

/** Seconds per phase, and a log line for each (the build's profile). */
function phaseClock(log: Log) {
  const started = performance.now();
  let last = started;
  const phases: Record<string, number> = {};
  return {
    phases,
    mark(name: string) {
      const now = performance.now();
      phases[name] = (now - last) / 1000;
      log(`  ${name}: ${(phases[name] ?? 0).toFixed(2)} s`);
      last = now;
    },
    total: () => (performance.now() - started) / 1000,
  };
}

async function fullBuild(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? silent;
  const clock = phaseClock(log);
  log("Extracting documents…");
  const extracted = (await listExtracted(log, opts.known)).filter(
    (d) => !opts.exclude?.has(d.doc.documentId),
  );
  clock.mark("list");
  const buildPath = await startBuildFile(log);
  log(`Building ${buildPath}…`);
  return inBuildFile(buildPath, async (connection) => {
    await loadSeeds(connection);
    await connection.run(RAW_SCHEMA);
    const observations = await loadCachedRaw(connection, extracted, log);
    await loadPartitions(connection, opts.partitions ?? []);
    // An incremental build keeps the snapshot's: its fingerprint says they are the same (build-info.ts).
    const reference = await loadReferenceFigures(connection);
    if (reference.count > 0) log(`  loaded ${reference.count} official reference figures (GUS BDL)`);
    await opts.afterLoad?.(connection);
    log(`  loaded ${extracted.length} documents, ${observations} figures`);
    clock.mark("load");
    faultPoint("build:after-load");
    const { models, steps } = await runModels(connection, { log });
    await recordBuildInfo(connection, "full", reference.version);
    clock.mark("models");
    await connection.run("checkpoint");
    clock.mark("checkpoint");
    return {
      buildPath,
      kind: "full",
      documents: extracted.length,
      observations,
      models: models.length,
      steps,
      added: 0,
      centres: [],
      tested: null,
      phases: clock.phases,
      seconds: clock.total(),
    };
  });
}

/** Write a build file: closed when done; closed and removed when anything fails. */
async function inBuildFile<T>(
  buildPath: string,
  fn: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const db = await openDuckDb(buildPath);
  try {
    const result = await fn(db.connection);
    db.close();
    return result;
  } catch (e) {
    try {
      db.close();
    } catch {
      // closed already
    }
    await discardBuild(buildPath);
    throw e;
  }
}

async function incrementalBuild(
  plan: Extract<BuildPlan, { kind: "incremental" }>,
  opts: BuildOptions,
): Promise<BuildResult> {
  const log = opts.log ?? silent;
  const clock = phaseClock(log);
  const buildPath = await startBuildFile(log);
  await copyPublished(buildPath);
  clock.mark("copy");
  return inBuildFile(buildPath, async (connection) => {
    // Planned against the published snapshot's build info: it must still be what was copied.
    const copied = await readBuildInfo(connection);
    if (copied?.fingerprint !== (await buildFingerprint()).fingerprint)
      throw new Error("the published snapshot was replaced by one of other code since the build was planned");
    const given = new Map(opts.extracted?.map((d) => [d.doc.documentId, d]));
    const known = new Map(opts.known?.map((d) => [d.documentId, d]));
    const added: LoadedDocument[] = [];
    for (const id of plan.documentIds) {
      const ready = given.get(id);
      if (ready) {
        added.push(ready);
        continue;
      }
      const doc = known.get(id) ?? (await findDocument(id));
      if (!doc) throw new Error(`document ${id} is not in the store`);
      added.push({ doc, extraction: await extractKnownDocument(doc) });
    }
    clock.mark("extract");
    log(`Adding ${added.length} document(s) to a copy of the published snapshot…`);
    // The touched centres: the planned ones, and those of the documents' figures (the same, normally).
    const centres = [
      ...new Set([
        ...plan.centres,
        ...added.flatMap((d) => [d.doc.centreId, ...d.extraction.observations.map((o) => o.centre_id)]),
      ]),
    ].sort();
    await loadRaw(connection, added);
    const whole: string[] = [];
    if (opts.partitions) {
      await connection.run(`delete from ${PARTITIONS_TABLE}`);
      await loadPartitions(connection, opts.partitions);
      whole.push(PARTITIONS_TABLE);
    }
    faultPoint("build:after-load");
    clock.mark("load");
    const { models, steps, changes } = await runModels(connection, {
      log,
      update: { centres, byCentre: DOCUMENT_TABLES, whole },
    });
    // The copied snapshot's reference figures, whatever the file holds by now.
    await recordBuildInfo(connection, "incremental", copied.reference);
    clock.mark("models");
    const tested = await runDataTests(connection, changes, { log, models });
    clock.mark("tests");
    const [counts] = await queryRows(
      connection,
      "select (select count(*) from raw.documents) as documents, (select count(*) from raw.observations) as observations",
    );
    await connection.run("checkpoint");
    clock.mark("checkpoint");
    return {
      buildPath,
      kind: "incremental",
      documents: Number(counts?.documents),
      observations: Number(counts?.observations),
      models: models.length,
      steps,
      added: added.length,
      centres,
      tested,
      phases: clock.phases,
      seconds: clock.total(),
    };
  });
}
