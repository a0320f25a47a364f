import { access } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";

/** Raised when there is nothing published to read yet. */
export class NoSnapshot extends Error {}

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
