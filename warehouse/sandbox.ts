import { access } from "node:fs/promises";
import { type DuckDBConnection, DuckDBInstance, StatementType } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";

/** Raised when there is nothing published to read yet. */
export class NoSnapshot extends Error {}

/** Raised for a statement that does something else than read data. */
export class NotAQuery extends Error {}

/** Queries only: SELECT in all its forms (WITH, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE, table pragmas) and EXPLAIN. */
const READING = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Refuse every statement but a query before running anything. The read-only snapshot and the locked
 * configuration refuse writes to it and to files, but DuckDB still allows in-memory temporary tables,
 * macros, USE, CHECKPOINT and profiling pragmas in a read-only session: none of them is reading data.
 */
async function checkOnlyQueries(connection: DuckDBConnection, sql: string) {
  const statements = await connection.extractStatements(sql);
  for (let i = 0; i < statements.count; i++) {
    const type = (await statements.prepare(i)).statementType;
    if (!READING.has(type)) {
      throw new NotAQuery(
        `Permission Error: only queries that read data are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); statement ${i + 1} is ${StatementType[type] ?? type}`,
      );
    }
  }
}

/**
 * The analyst's sandbox: the published snapshot opened read-only, no file system access (no
 * read_csv of other files, COPY TO, ATTACH, EXPORT, INSTALL/LOAD), bounded memory and threads,
 * and the configuration locked so no SET can undo any of it.
 */
export async function openSandbox(opts: { memoryLimit?: string; threads?: number } = {}) {
  const path = dataPaths().published;
  try {
    await access(path);
  } catch {
    throw new NoSnapshot(`no published warehouse at ${path}; run \`npm run refresh\` first`);
  }
  const instance = await DuckDBInstance.create(path, {
    access_mode: "READ_ONLY",
    enable_external_access: "false",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: opts.memoryLimit ?? "2GB",
    threads: String(opts.threads ?? 2),
    lock_configuration: "true",
  });
  const connection = await instance.connect();
  return {
    connection,
    /** Run a query, interrupted after `timeoutMs`. */
    async query(sql: string, timeoutMs = 60_000) {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        connection.interrupt();
      }, timeoutMs);
      try {
        await checkOnlyQueries(connection, sql);
        const reader = await connection.runAndReadAll(sql);
        return { columns: reader.columnNames(), rows: reader.getRowsJS() };
      } catch (e) {
        if (timedOut) throw new Error(`the query ran longer than ${timeoutMs / 1000} s and was stopped`);
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
