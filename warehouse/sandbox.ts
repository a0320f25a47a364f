import { access } from "node:fs/promises";
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  JSDuckDBValueConverter,
  StatementType,
} from "@duckdb/node-api";
import { QUERY_START, splitExplain } from "../dashboards/components/sql-statements.ts";
import { dataPaths } from "../lib/config.ts";
import { sqlLiteral } from "./duckdb.ts";

/** Raised when there is nothing published to read yet. */
export class NoSnapshot extends Error {}

/** Raised for a statement that does something else than read data. */
export class NotAQuery extends Error {}

/** Raised when a query runs past its time limit: DuckDB's work and turning its rows into output both count. */
export class QueryTimeout extends Error {}

/** Raised by `query` when a result has more rows than it may hold. */
export class ResultTooLarge extends Error {}

/** Seconds a query may take by default (`npm run sql -- --timeout`). */
export const DEFAULT_TIMEOUT_S = 60;
/** Rows a result may have by default (`npm run sql -- --limit`). */
export const DEFAULT_MAX_ROWS = 100_000;

const REFUSED =
  "Permission Error: only queries that read data are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN [ANALYZE] of a query)";

const statementName = (type: StatementType) => StatementType[type] ?? String(type);

const MALFORMED_EXPLAIN = `${REFUSED}; write EXPLAIN as EXPLAIN [ANALYZE] <query> or EXPLAIN (<options>) <query>, with nothing between`;

/**
 * Why an EXPLAIN that DuckDB could not even parse or prepare is refused, named by the first word of
 * what it explains (DuckDB binds a COPY … TO while preparing, and the file system is off): undefined
 * when that is no EXPLAIN or what it explains starts like a query, whose own error DuckDB's message says.
 */
function refusedExplain(sql: string): NotAQuery | undefined {
  const explain = splitExplain(sql);
  if (explain === undefined) return undefined;
  if (explain.explained === undefined) return new NotAQuery(MALFORMED_EXPLAIN);
  if (QUERY_START.test(explain.explained)) return undefined;
  const word = /^[a-z_]+/i.exec(explain.explained)?.[0]?.toUpperCase() ?? "something else";
  return new NotAQuery(`${REFUSED}; statement 1 is ${explain.what} of ${word}`);
}

/**
 * EXPLAIN ANALYZE runs the statement it explains (DuckDB reports it as an EXPLAIN, whatever it wraps),
 * so the explained statement is parsed and prepared on its own and must be a query too. It is found as
 * the text after EXPLAIN's head: a head written any other way is refused rather than guessed at, and a
 * split that went wrong leaves text that is no single query, refused as well.
 */
async function checkExplained(connection: DuckDBConnection, sql: string, count: number) {
  if (count > 1) throw new NotAQuery(`${REFUSED}; an EXPLAIN must be the only statement`);
  const explain = splitExplain(sql);
  if (explain?.explained === undefined) throw new NotAQuery(MALFORMED_EXPLAIN);
  let type: StatementType;
  try {
    const inner = await connection.extractStatements(explain.explained);
    if (inner.count !== 1) throw new Error(`${inner.count} statements`);
    const prepared = await inner.prepare(0);
    type = prepared.statementType;
    prepared.destroySync();
  } catch (e) {
    const reason = (e as Error).message.split("\n", 1)[0];
    throw (
      refusedExplain(sql) ??
      new NotAQuery(`${REFUSED}; ${explain.what} must be followed by the one query it explains (${reason})`)
    );
  }
  if (type !== StatementType.SELECT) {
    throw new NotAQuery(`${REFUSED}; statement 1 is ${explain.what} of ${statementName(type)}`);
  }
}

/**
 * Prepare every statement and refuse everything but a query before running anything; the prepared
 * statements are what then runs, not the text parsed again. Only SELECT in all its forms (WITH,
 * FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE, table pragmas) and EXPLAIN [ANALYZE] of such a query
 * pass. The snapshot is attached read-only and the local file system is off (see `openSandbox`), but
 * DuckDB still allows in-memory tables, macros, USE, CHECKPOINT and profiling pragmas: none of them reads data.
 */
async function prepareQueries(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement[]> {
  const statements = await connection.extractStatements(sql).catch((e: Error) => {
    throw refusedExplain(sql) ?? e;
  });
  const prepared: DuckDBPreparedStatement[] = [];
  try {
    for (let i = 0; i < statements.count; i++) {
      const statement = await statements.prepare(i).catch((e: Error) => {
        throw (i === 0 && refusedExplain(sql)) || e;
      });
      prepared.push(statement);
      const type = statement.statementType;
      if (type === StatementType.EXPLAIN) await checkExplained(connection, sql, statements.count);
      else if (type !== StatementType.SELECT) {
        throw new NotAQuery(`${REFUSED}; statement ${i + 1} is ${statementName(type)}`);
      }
    }
    return prepared;
  } catch (e) {
    for (const statement of prepared) statement.destroySync();
    throw e;
  }
}

/** A query under way: its columns, then its rows in DuckDB's chunks (up to 2,048 rows each). */
export interface RunningQuery {
  columns: string[];
  /** The rows, a chunk at a time, as DuckDB produces them; throws QueryTimeout past the time limit. */
  batches(): AsyncGenerator<unknown[][], void, undefined>;
  /** Throw QueryTimeout when the time limit has passed (call it while working on the rows). */
  checkTime(): void;
  /** Stop the clock; DuckDB's work on rows not fetched stops with the next query or `close`. */
  finish(): void;
}

/**
 * The analyst's sandbox. DuckDB runs in memory and the published snapshot is ATTACHed READ_ONLY; then
 * spilling to disk, external access (read_csv of other files, COPY … TO, ATTACH, EXPORT, INSTALL/LOAD)
 * and the local file system as a whole are switched off, and the configuration is locked so no SET
 * can undo any of it. Turning the local file system off is what protects the snapshot itself: with
 * external access off DuckDB still allows writing the files of every attached database (the snapshot
 * and its .wal, named by `duckdb_databases()`), and it writes them even from a read-only attachment.
 * Memory, threads and time are bounded; a query past the memory limit fails, it does not spill.
 */
export async function openSandbox(opts: { memoryLimit?: string; threads?: number } = {}) {
  const path = dataPaths().published;
  try {
    await access(path);
  } catch {
    throw new NoSnapshot(`no published warehouse at ${path}; run \`npm run refresh\` first`);
  }
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: opts.memoryLimit ?? "2GB",
    threads: String(opts.threads ?? 2),
  });
  const connection = await instance.connect();
  try {
    // Order matters: each step needs what the next one takes away.
    for (const statement of [
      "SET temp_directory = ''",
      // ATTACH takes no parameter: the path goes through the one quoting function.
      `ATTACH ${sqlLiteral(path)} AS published (READ_ONLY)`,
      "USE published",
      "SET enable_external_access = false",
      "SET disabled_filesystems = 'LocalFileSystem'",
      "SET lock_configuration = true",
    ]) {
      await connection.run(statement);
    }
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    throw e;
  }

  /** Start a query (every statement checked first), stopped after `timeoutMs` whatever it is doing. */
  async function start(sql: string, timeoutMs = DEFAULT_TIMEOUT_S * 1000): Promise<RunningQuery> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, timeoutMs);
    timer.unref(); // DuckDB's work keeps the process alive while it runs; a forgotten clock does not
    const timeout = () => new QueryTimeout(`the query ran longer than ${timeoutMs / 1000} s and was stopped`);
    const guarded = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } catch (e) {
        throw timedOut ? timeout() : e;
      }
    };
    try {
      const prepared = await guarded(prepareQueries(connection, sql));
      try {
        for (const statement of prepared.slice(0, -1)) await guarded(statement.run());
        const last = prepared.at(-1) as DuckDBPreparedStatement;
        const result = await guarded(last.stream());
        return {
          columns: result.columnNames(),
          async *batches() {
            for (;;) {
              if (timedOut) throw timeout();
              const chunk = await guarded(result.fetchChunk());
              if (!chunk || chunk.rowCount === 0) return;
              yield chunk.convertRows(JSDuckDBValueConverter);
            }
          },
          checkTime() {
            if (timedOut) throw timeout();
          },
          finish() {
            clearTimeout(timer);
          },
        };
      } finally {
        for (const statement of prepared) statement.destroySync();
      }
    } catch (e) {
      clearTimeout(timer);
      throw e;
    }
  }

  return {
    /** The session itself, for tests that check what it allows past the statement check. */
    connection,
    start,
    /** Run a query and keep its rows (at most `maxRows`, else ResultTooLarge), interrupted after `timeoutMs`. */
    async query(sql: string, timeoutMs = DEFAULT_TIMEOUT_S * 1000, maxRows = DEFAULT_MAX_ROWS) {
      const running = await start(sql, timeoutMs);
      try {
        const rows: unknown[][] = [];
        for await (const batch of running.batches()) {
          if (rows.length + batch.length > maxRows) {
            throw new ResultTooLarge(`the result has more than ${maxRows} rows`);
          }
          for (const row of batch) rows.push(row);
        }
        return { columns: running.columns, rows };
      } finally {
        running.finish();
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
