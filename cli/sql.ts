import { rmSync } from "node:fs";
import { type FileHandle, lstat, open, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { text } from "node:stream/consumers";
import { dataDir } from "../lib/config.ts";
import { DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, NoSnapshot, openSandbox } from "../warehouse/sandbox.ts";
import { progress, runCommand, UsageError } from "./command.ts";
import { formatTable } from "./table.ts";

/** The most a result prints on standard output, whatever --limit says: beyond it, --out. */
const MAX_PRINTED_BYTES = 64 * 1024 * 1024;

/** The longest --timeout: a day (and within what setTimeout can wait). */
const MAX_TIMEOUT_S = 86_400;

/** 100000 → "100 000". */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

const usage = `Usage: npm run sql -- [--format table|csv|json] [--limit N] [--timeout SECONDS] "<SQL>"
       npm run sql -- --out FILE.csv|FILE.json [--limit N|0] [--timeout SECONDS] "<SQL>"
       echo "<SQL>" | npm run sql -- [--format csv]

Run a read-only query on the published warehouse snapshot ($OBS_DATA_DIR/warehouse/published.duckdb).
Only queries run: SELECT (WITH, FROM-first, VALUES), DESCRIBE, SHOW, SUMMARIZE, and EXPLAIN or
EXPLAIN ANALYZE of such a query. The session is sandboxed: the snapshot is attached read-only and
DuckDB has no file system (no other files, no COPY … TO, ATTACH, INSTALL/LOAD, no spilling to disk),
settings cannot be changed; memory (2 GB), threads and time are bounded. A bad query exits 1 with
DuckDB's message.

Results are bounded too. At most ${count(DEFAULT_MAX_ROWS)} rows (--limit) and ${MAX_PRINTED_BYTES / 1024 / 1024} MB are printed; a larger
result prints nothing and exits 1: narrow the query (WHERE, LIMIT), print its first N rows with
--limit N, or write it to a file with --out. The time limit covers printing and writing as well.

Tables: marts.fct_observation, marts.dim_centre, marts.dim_period, marts.dim_metric,
marts.dim_breakdown, marts.dim_document, marts.families, marts.assistance_reasons,
marts.niebieska_karta, marts.staffing, marts.coverage, marts.data_quality, marts.observation_history,
marts.partition_status, marts.population, marts.rates, marts.comparable.

Options:
  -f, --format   table (default), csv or json; with --out csv or json (by default from FILE's extension)
  --limit N      at most N rows: the first N of a larger result, with a note on stderr (default
                 ${count(DEFAULT_MAX_ROWS)}, and then a larger result is an error); 0 = every row, only with --out
  -o, --out FILE write the result to FILE (CSV, or JSON for *.json) as DuckDB streams it, replacing
                 FILE only when complete; this command writes it, not DuckDB, and never inside
                 $OBS_DATA_DIR; FILE is relative to where npm was started. Every row: --out FILE
                 --limit 0. A big export may need a larger --timeout: turning a million rows of
                 marts.fct_observation into CSV can take a minute
  --timeout      seconds before a query is stopped, printing or writing included (default ${DEFAULT_TIMEOUT_S})
  -h, --help     show this help

Examples:
  npm run sql -- "select * from marts.staffing"
  npm run sql -- --limit 20 "from marts.fct_observation order by value desc"
  npm run sql -- --out observations.csv --limit 0 "from marts.fct_observation"`;

type Format = "table" | "csv" | "json";

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(cellText).join(", ")}]`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

/** Turns rows into text a chunk at a time: the head, each chunk of rows, then the end. */
interface Formatter {
  head(): string;
  rows(rows: unknown[][]): string;
  end(rows: number, more: boolean): string;
}

function csvFormatter(columns: string[]): Formatter {
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return {
    head: () => `${columns.map(esc).join(",")}\n`,
    rows: (rows) => rows.map((r) => `${r.map((v) => esc(cellText(v))).join(",")}\n`).join(""),
    end: () => "",
  };
}

/** The layout of JSON.stringify(rows as objects, …, 2), one object at a time. */
function jsonFormatter(columns: string[]): Formatter {
  const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? Number(v) : v);
  let first = true;
  return {
    head: () => "[",
    rows: (rows) =>
      rows
        .map((r) => {
          const object = Object.fromEntries(columns.map((c, i) => [c, r[i]]));
          const item = `${first ? "\n" : ",\n"}  ${JSON.stringify(object, replacer, 2).replaceAll("\n", "\n  ")}`;
          first = false;
          return item;
        })
        .join(""),
    end: (rows) => (rows > 0 ? "\n]\n" : "]\n"),
  };
}

/** A table needs every cell for its widths: it keeps them (within `maxBytes`) and prints at the end. */
function tableFormatter(columns: string[], maxBytes: number): Formatter {
  const cells: string[][] = [];
  let bytes = 0;
  return {
    head: () => "",
    rows(rows) {
      for (const r of rows) {
        const row = r.map((v) => (v === null || v === undefined ? "NULL" : cellText(v)));
        for (const s of row) bytes += s.length + 3;
        if (bytes > maxBytes) throw new OutputTooLarge();
        cells.push(row);
      }
      return "";
    },
    end(rows, more) {
      const lines = formatTable(columns, cells, {
        maxWidth: 60,
        separator: " │ ",
        rule: { line: "─", cross: "─┼─" },
      });
      lines.push(more ? `(the first ${rows} rows; the result has more)` : `(${rows} rows)`);
      return `${lines.join("\n")}\n`;
    },
  };
}

class OutputTooLarge extends Error {}

/** Where the text goes: added as it is made, then committed whole or dropped. */
interface Sink {
  add(text: string): Promise<void>;
  commit(checkTime: () => void): Promise<void>;
  abort(): Promise<void>;
}

/** Standard output, all or nothing: kept (within `maxBytes`) until the result is complete and within bounds. */
function stdoutSink(maxBytes: number): Sink {
  const parts: string[] = [];
  let bytes = 0;
  return {
    async add(text) {
      if (text === "") return;
      bytes += Buffer.byteLength(text);
      if (bytes > maxBytes) throw new OutputTooLarge();
      parts.push(text);
    },
    async commit(checkTime) {
      for (const part of parts.splice(0)) {
        await new Promise<void>((done, fail) => process.stdout.write(part, (e) => (e ? fail(e) : done())));
        checkTime();
      }
    },
    async abort() {
      parts.length = 0;
    },
  };
}

/**
 * A file, streamed: written to a new temporary file beside it (created exclusively, so never through a
 * link someone left there) and renamed over the target when complete, so that a file hard-linked to
 * another keeps the other's content; the temporary file is removed on failure or Ctrl-C.
 */
async function fileSink(target: string): Promise<Sink & { bytes: () => number }> {
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const handle: FileHandle = await open(temporary, "wx");
  let bytes = 0;
  let pending = "";
  let closed = false;
  const interrupted = () => {
    rmSync(temporary, { force: true });
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const close = async () => {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  const flush = async () => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    bytes += Buffer.byteLength(text);
    await handle.write(text);
  };
  return {
    async add(text) {
      pending += text;
      if (pending.length >= 1 << 20) await flush();
    },
    async commit(checkTime) {
      await flush();
      checkTime();
      await close();
      await rename(temporary, target);
    },
    async abort() {
      await close().catch(() => {});
      await rm(temporary, { force: true });
    },
    bytes: () => bytes,
  };
}

/**
 * The file --out names, relative to where `npm run` was started (npm runs the command in the checkout),
 * its directory resolved through links: refused inside the data directory, and when it is there already
 * as anything but a regular file (a link, a device, a directory), which the export would replace.
 */
async function exportTarget(out: string): Promise<string> {
  const target = resolve(process.env.INIT_CWD ?? process.cwd(), out);
  let directory: string;
  try {
    directory = await realpath(dirname(target));
  } catch {
    throw new UsageError(`--out ${out}: there is no directory ${dirname(target)}`);
  }
  const data = await realpath(dataDir()).catch(() => dataDir());
  const inside = relative(data, directory);
  if (inside === "" || !(inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside))) {
    throw new UsageError(
      `--out ${out} is inside the data directory ${data} (the published warehouse and the pipeline's state); write exports elsewhere`,
    );
  }
  const file = join(directory, basename(target));
  const existing = await lstat(file).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new UsageError(
      `--out ${out} is there already and is no regular file (a link, a directory, a device); name another file`,
    );
  }
  return file;
}

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: {
      format: { type: "string", short: "f" },
      limit: { type: "string" },
      out: { type: "string", short: "o" },
      timeout: { type: "string", default: String(DEFAULT_TIMEOUT_S) },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values, positionals }) => {
    // The arguments are checked by hand, not with zod: importing zod would cost most of a short
    // query's start (see bench/README.md, section 4, and cli/compiled.mjs).
    const out = values.out;
    if (out !== undefined && out.trim() === "") throw new UsageError("--out needs a file name");
    const format =
      values.format ??
      (out === undefined ? "table" : extname(out).toLowerCase() === ".json" ? "json" : "csv");
    if (format !== "table" && format !== "csv" && format !== "json") {
      throw new UsageError(`--format must be table, csv or json, not ${format}`);
    }
    if (out !== undefined && format === "table")
      throw new UsageError("--out writes csv or json, not a table");
    const timeout = Number(values.timeout);
    if (!(timeout > 0 && timeout <= MAX_TIMEOUT_S)) {
      throw new UsageError(
        `--timeout must be a positive number of seconds, at most ${MAX_TIMEOUT_S} (a day)`,
      );
    }
    const explicitLimit = values.limit !== undefined;
    const limit = explicitLimit ? Number(values.limit) : DEFAULT_MAX_ROWS;
    if (!/^\d+$/.test(values.limit ?? "0") || !Number.isSafeInteger(limit)) {
      throw new UsageError(
        `--limit must be a number of rows (0 = every row, with --out), not ${values.limit}`,
      );
    }
    if (limit === 0 && out === undefined) {
      throw new UsageError("--limit 0 (every row) writes to a file only: add --out <file>");
    }
    const target = out === undefined ? undefined : await exportTarget(out);
    let sql = positionals.join(" ").trim();
    if (sql === "" && !process.stdin.isTTY) sql = (await text(process.stdin)).trim();
    if (sql === "") throw new UsageError("give a query as an argument or on standard input (see --help)");

    let sandbox: Awaited<ReturnType<typeof openSandbox>>;
    try {
      sandbox = await openSandbox();
    } catch (e) {
      if (e instanceof NoSnapshot) throw new UsageError(e.message);
      throw e;
    }
    try {
      const running = await sandbox.start(sql, timeout * 1000).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      const file =
        target === undefined
          ? undefined
          : await fileSink(target).catch((e: Error) => {
              running.finish();
              throw new UsageError(`--out ${out}: ${e.message}`);
            });
      const sink = file ?? stdoutSink(MAX_PRINTED_BYTES);
      const formatters: Record<Format, () => Formatter> = {
        table: () => tableFormatter(running.columns, MAX_PRINTED_BYTES),
        csv: () => csvFormatter(running.columns),
        json: () => jsonFormatter(running.columns),
      };
      const formatter = formatters[format]();
      let rows = 0;
      let more = false;
      try {
        await sink.add(formatter.head());
        for await (const batch of running.batches()) {
          const room = limit === 0 ? batch.length : limit - rows;
          more = batch.length > room;
          const taken = more ? batch.slice(0, room) : batch;
          if (taken.length > 0) {
            await sink.add(formatter.rows(taken));
            rows += taken.length;
          }
          running.checkTime();
          if (more) break;
        }
        await sink.add(formatter.end(rows, more));
        running.checkTime();
        if (more && !explicitLimit) {
          throw new UsageError(
            file
              ? `the result has more than ${count(limit)} rows, the default --limit; nothing was written. Write every row with --limit 0, or the first N with --limit N`
              : `the result has more than ${count(limit)} rows, the most printed by default; nothing was printed. Narrow the query (WHERE, LIMIT), print the first N rows with --limit N, or write every row to a file with --out <file> --limit 0`,
          );
        }
        await sink.commit(() => running.checkTime());
      } catch (e) {
        await sink.abort();
        if (e instanceof OutputTooLarge) {
          throw new UsageError(
            `the output passed ${MAX_PRINTED_BYTES / 1024 / 1024} MB, the most printed; nothing was printed. Narrow the query, lower --limit, or write it to a file with --out <file>`,
          );
        }
        throw e instanceof UsageError ? e : new UsageError((e as Error).message);
      } finally {
        running.finish();
      }
      if (more)
        progress(
          `note: the result has more than ${count(limit)} rows; only the first ${count(limit)} (--limit)`,
        );
      if (file && target) {
        progress(`Wrote ${count(rows)} rows to ${target} (${format}, ${(file.bytes() / 1e6).toFixed(1)} MB)`);
      }
      return 0;
    } finally {
      sandbox.close();
    }
  },
);
