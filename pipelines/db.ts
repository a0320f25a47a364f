/**
 * The run log: schema `obs` in the service's Postgres, typed with kysely. graphile-worker keeps its
 * own schema (`graphile_worker`); this one records what the pipeline did, for `npm run status`.
 */
import { type Logger, runMigrations } from "graphile-worker";
import {
  type ColumnType,
  type Generated,
  Kysely,
  type Migration,
  Migrator,
  PostgresDialect,
  sql,
} from "kysely";
import pg from "pg";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const RUN_STATUSES = ["running", "succeeded", "failed", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One row per execution of a task (quiet discoveries that found nothing are not recorded). */
export interface RunTable {
  run_id: Generated<number>;
  task: string;
  job_id: string | null;
  attempt: number;
  /** The graphile-worker pool that ran it (graphile_worker.jobs.locked_by). */
  pool_id: string | null;
  status: RunStatus;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  /** What the task did: counts, ids, the summary line. */
  detail: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  error: string | null;
}

export const DOCUMENT_STATES = ["stored", "loaded", "superseded", "rejected"] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];

/**
 * One row per document the pipeline has seen, by content: stored (accepted, not yet in a published
 * warehouse), loaded (its figures are current), superseded (a later version of the same report is
 * current), rejected (with the reason).
 */
export interface DocumentTable {
  document_id: string;
  file_name: string;
  /** bundled (sources/<centre>/documents), inbox, cli (npm run ingest) or collected. */
  origin: string;
  source_id: string | null;
  centre_id: string | null;
  kind: string | null;
  periods: string[] | null;
  state: DocumentState;
  error: string | null;
  superseded_by: string | null;
  /** When it arrived; null for the reports bundled with the project. */
  received_at: NullableTimestamp;
  loaded_at: NullableTimestamp;
  updated_at: Timestamp;
}

export const PARTITION_STATES = ["expected", "received", "late"] as const;
export type PartitionState = (typeof PARTITION_STATES)[number];

/** One row per centre × kind of report × period the report calendar expects. */
export interface PartitionTable {
  centre_id: string;
  report_kind: string;
  period_id: string;
  period_kind: "year" | "half_year";
  deadline: string;
  state: PartitionState;
  document_id: string | null;
  received_at: NullableTimestamp;
  checked_at: Timestamp;
}

/** What a collection round saw at each address of a report source. */
export interface SourceItemTable {
  source_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  sha256: string | null;
  /** new (dropped into the inbox), unchanged (same bytes), not_modified (HTTP 304), error. */
  status: "new" | "unchanged" | "not_modified" | "error";
  http_status: number | null;
  error: string | null;
  checked_at: Timestamp;
  changed_at: NullableTimestamp;
}

/** Worker pools that ran (or run) jobs: what tells a dead pool's locks from a live one's. */
export interface PoolTable {
  pool_id: string;
  hostname: string;
  pid: number;
  started_at: Timestamp;
  last_seen_at: Timestamp;
  stopped_at: NullableTimestamp;
}

export interface Database {
  "obs.runs": RunTable;
  "obs.documents": DocumentTable;
  "obs.partitions": PartitionTable;
  "obs.source_items": SourceItemTable;
  "obs.pools": PoolTable;
}

export type Db = Kysely<Database>;

/** Dates come back as JS Dates; `date` columns stay 'YYYY-MM-DD' strings. */
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * Rows per INSERT when many are written at once: Postgres takes at most 65,535 parameters in one
 * statement, and a national run log has tens of thousands of documents and partitions (× ~10 columns).
 */
export const INSERT_BATCH = 2000;

/** Run `write` on consecutive slices of `rows` of at most INSERT_BATCH rows (in order; none for no rows). */
export async function inBatches<T>(
  rows: readonly T[],
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await write(rows.slice(i, i + INSERT_BATCH));
}

/** A pg pool whose clients' errors (a connection lost, Postgres stopping) go to `onError`, never crash. */
export function createPool(connectionString: string, onError: (e: Error) => void, max = 12): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/** The obs schema, one migration per change; never edit one that has shipped, add the next. */
const MIGRATIONS: Record<string, Migration> = {
  "0001_run_log": {
    async up(db) {
      await sql`create schema if not exists obs`.execute(db);
      await db.schema
        .createTable("obs.runs")
        .addColumn("run_id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("task", "text", (c) => c.notNull())
        .addColumn("job_id", "text")
        .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("pool_id", "text")
        .addColumn("status", "text", (c) => c.notNull().check(sql`status in (${list(RUN_STATUSES)})`))
        .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("finished_at", "timestamptz")
        .addColumn("detail", "jsonb")
        .addColumn("error", "text")
        .execute();
      await db.schema.createIndex("runs_started_at").on("obs.runs").column("started_at").execute();
      await db.schema.createIndex("runs_pool_status").on("obs.runs").columns(["pool_id", "status"]).execute();

      await db.schema
        .createTable("obs.documents")
        .addColumn("document_id", "text", (c) => c.primaryKey())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("source_id", "text")
        .addColumn("centre_id", "text")
        .addColumn("kind", "text")
        .addColumn("periods", sql`text[]`)
        .addColumn("state", "text", (c) => c.notNull().check(sql`state in (${list(DOCUMENT_STATES)})`))
        .addColumn("error", "text")
        .addColumn("superseded_by", "text")
        .addColumn("received_at", "timestamptz")
        .addColumn("loaded_at", "timestamptz")
        .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable("obs.partitions")
        .addColumn("centre_id", "text", (c) => c.notNull())
        .addColumn("report_kind", "text", (c) => c.notNull())
        .addColumn("period_id", "text", (c) => c.notNull())
        .addColumn("period_kind", "text", (c) => c.notNull().check(sql`period_kind in ('year', 'half_year')`))
        .addColumn("deadline", "date", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull().check(sql`state in (${list(PARTITION_STATES)})`))
        .addColumn("document_id", "text")
        .addColumn("received_at", "timestamptz")
        .addColumn("checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("partitions_pk", ["centre_id", "report_kind", "period_id"])
        .execute();

      await db.schema
        .createTable("obs.source_items")
        .addColumn("source_id", "text", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("etag", "text")
        .addColumn("last_modified", "text")
        .addColumn("sha256", "text")
        .addColumn("status", "text", (c) =>
          c.notNull().check(sql`status in ('new', 'unchanged', 'not_modified', 'error')`),
        )
        .addColumn("http_status", "integer")
        .addColumn("error", "text")
        .addColumn("checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("changed_at", "timestamptz")
        .addPrimaryKeyConstraint("source_items_pk", ["source_id", "url"])
        .execute();

      await db.schema
        .createTable("obs.pools")
        .addColumn("pool_id", "text", (c) => c.primaryKey())
        .addColumn("hostname", "text", (c) => c.notNull())
        .addColumn("pid", "integer", (c) => c.notNull())
        .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("last_seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("stopped_at", "timestamptz")
        .execute();
    },
  },
  // The one-shot commands follow their own jobs by id through the run log.
  "0002_runs_job_id": {
    async up(db) {
      await db.schema.createIndex("runs_job_id").on("obs.runs").column("job_id").execute();
    },
  },
};

/**
 * What `migrate` would still do here, read without changing anything (for `npm run status`, which
 * only reads): null when both schemas are up to date, else a sentence saying what is missing.
 */
export async function schemaNotReady(db: Db): Promise<string | null> {
  const { rows } = await sql<{ present: boolean }>`
    select exists (select 1 from pg_namespace where nspname = 'graphile_worker') as present`.execute(db);
  if (!rows[0]?.present) return "the job queue's schema is not set up yet";
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: "obs",
  });
  const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined);
  if (pending.length === Object.keys(MIGRATIONS).length) return "the run log's schema is not set up yet";
  if (pending.length > 0) {
    return `the run log's schema is older than this code (${pending.map((m) => m.name).join(", ")} not applied)`;
  }
  return null;
}

/** graphile-worker's schema, then ours. Safe to run from several processes at once (both take a lock). */
export async function migrate(pool: pg.Pool, db: Db, logger?: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: "obs",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "of the obs schema"} failed: ${(error as Error).message}`);
  }
}
