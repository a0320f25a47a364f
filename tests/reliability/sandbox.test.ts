/**
 * `npm run sql` is read-only: files outside the snapshot, COPY … TO, ATTACH, INSTALL/LOAD, SET of
 * access settings, DDL and DML each fail with a clear message, and so does EXPLAIN ANALYZE of any of
 * them (it runs what it explains); the snapshot is opened so that even a statement past that check
 * cannot write it or its WAL. A runaway query is stopped by the timeout or the memory limit, a huge
 * result by the row and byte limits, and the machine stays fine; big results go to a file with --out.
 * (tests/pipeline/warehouse.test.ts keeps its short list; this is the full one.)
 */
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandbox } from "../../warehouse/sandbox.ts";
import { npmRun, ROOT, sqlJson } from "../helpers/cli.ts";
import {
  disposeDataDirs,
  filesUnder,
  hashFile,
  inParallel,
  npmRunAsync,
  refreshedDataDir,
} from "./helpers.ts";

const LEAKS = [
  "/var/tmp/obs-leak.csv",
  "/var/tmp/obs-leak.parquet",
  "/var/tmp/obs-export",
  "/var/tmp/obs-other.duckdb",
];

/** Each attack, and what it is an attack on. */
const ATTACKS: [string, string][] = [
  // files outside the snapshot
  ["read a file", "select * from read_csv('/etc/passwd')"],
  ["read a file (auto)", "select * from read_csv_auto('/etc/hostname')"],
  ["read a file as text", "select * from read_text('/etc/passwd')"],
  ["read a file as a blob", "select * from read_blob('/etc/shadow')"],
  ["read the environment", "select * from read_text('/proc/self/environ')"],
  ["read JSON", "select * from read_json('/etc/os-release')"],
  ["read Parquet by glob", "select * from read_parquet('/var/tmp/*.parquet')"],
  ["sniff a file", "select * from sniff_csv('/etc/passwd')"],
  ["list files", "select * from glob('/etc/*')"],
  ["list files recursively", "select * from glob('**/*.duckdb')"],
  ["a file as a table", "select * from '/etc/passwd'"],
  ["a URL", "select * from read_csv('https://example.com/data.csv')"],
  // writing files
  ["COPY TO", "copy marts.dim_centre to '/var/tmp/obs-leak.csv'"],
  [
    "COPY a query TO Parquet",
    "copy (select * from marts.fct_observation) to '/var/tmp/obs-leak.parquet' (format parquet)",
  ],
  ["COPY FROM", "copy marts.dim_centre from '/etc/passwd'"],
  ["EXPORT DATABASE", "export database '/var/tmp/obs-export'"],
  // other databases
  ["ATTACH a file", "attach '/var/tmp/obs-other.duckdb' as other"],
  ["ATTACH in memory", "attach ':memory:' as scratch"],
  ["ATTACH Postgres", "attach 'dbname=obserwatorium host=127.0.0.1' as pg (type postgres)"],
  ["DETACH", "detach published"],
  ["USE", "use marts"],
  // extensions
  ["INSTALL", "install httpfs"],
  ["FORCE INSTALL", "force install httpfs"],
  ["INSTALL from a URL", "install evil from 'http://example.com'"],
  ["LOAD", "load httpfs"],
  ["LOAD a file", "load '/var/tmp/evil.duckdb_extension'"],
  // settings that guard the sandbox
  ["SET external access", "set enable_external_access = true"],
  ["SET GLOBAL external access", "set global enable_external_access = true"],
  ["RESET external access", "reset enable_external_access"],
  ["SET allowed directories", "set allowed_directories = ['/']"],
  ["SET allowed paths", "set allowed_paths = ['/etc/passwd']"],
  ["SET lock", "set lock_configuration = false"],
  ["SET memory limit", "set memory_limit = '100GB'"],
  ["SET threads", "set threads = 64"],
  ["SET temp directory", "set temp_directory = '/var/tmp/obs-temp'"],
  ["SET autoinstall", "set autoinstall_known_extensions = true"],
  ["SET autoload", "set autoload_known_extensions = true"],
  ["SET unsigned extensions", "set allow_unsigned_extensions = true"],
  ["SET profiling output", "set profiling_output = '/var/tmp/obs-profile.json'"],
  ["SET query log", "set log_query_path = '/var/tmp/obs-queries.log'"],
  ["SET access mode", "set access_mode = 'READ_WRITE'"],
  ["PRAGMA profiling", "pragma enable_profiling"],
  // DDL
  ["CREATE TABLE", "create table marts.x as select 1"],
  ["CREATE TEMP TABLE", "create temp table scratch as select * from marts.fct_observation"],
  ["CREATE VIEW", "create view marts.v as select 1"],
  ["CREATE MACRO", "create or replace macro leak(x) as x"],
  ["CREATE SCHEMA", "create schema evil"],
  ["CREATE SEQUENCE", "create sequence s"],
  ["CREATE TYPE", "create type mood as enum ('a', 'b')"],
  ["CREATE INDEX", "create index i on marts.dim_centre (centre_id)"],
  ["CREATE SECRET", "create secret (type s3, key_id 'a', secret 'b')"],
  ["ALTER TABLE", "alter table marts.dim_centre rename to gone"],
  ["COMMENT ON", "comment on table marts.dim_centre is 'x'"],
  ["DROP TABLE", "drop table marts.dim_centre"],
  ["DROP SCHEMA", "drop schema marts cascade"],
  // DML
  ["INSERT", "insert into marts.dim_centre select * from marts.dim_centre"],
  ["UPDATE", "update marts.fct_observation set value = 0"],
  ["DELETE", "delete from marts.dim_centre"],
  ["TRUNCATE", "truncate marts.dim_centre"],
  ["CHECKPOINT", "checkpoint"],
  ["VACUUM", "vacuum"],
  ["a transaction", "begin transaction"],
  ["a write after a query", "select 1; drop table marts.dim_centre"],
];

/**
 * EXPLAIN ANALYZE runs the statement it explains: each of these wrote before (the first ones overwrote
 * the published snapshot with 8 bytes, or wrote a WAL beside it).
 */
const explainedWrites = (published: string): [string, string][] => [
  [
    "EXPLAIN ANALYZE COPY TO the snapshot",
    `explain analyze copy (select 'x' as a) to '${published}' (use_tmp_file false)`,
  ],
  [
    "EXPLAIN ANALYZE COPY TO the snapshot's WAL",
    `explain analyze copy (select 'x' as a) to '${published}.wal' (use_tmp_file false)`,
  ],
  ["EXPLAIN (ANALYZE) COPY TO the snapshot", `EXPLAIN (ANALYZE) COPY marts.dim_centre TO '${published}'`],
  [
    "EXPLAIN ANALYZE COPY after a comment",
    `-- only a plan\n  Explain Analyze copy (select 1) to '${published}' (use_tmp_file false)`,
  ],
  [
    "EXPLAIN ANALYZE COPY TO /var/tmp",
    "explain analyze copy marts.dim_centre to '/var/tmp/obs-leak-explain.csv'",
  ],
  ["EXPLAIN ANALYZE CREATE TABLE", "explain analyze create table marts.x as select 1"],
  ["EXPLAIN ANALYZE CREATE TEMP TABLE", "explain analyze create temp table scratch as select 1"],
  ["EXPLAIN ANALYZE INSERT", "explain analyze insert into marts.dim_centre select * from marts.dim_centre"],
  [
    "EXPLAIN ANALYZE INSERT with a CTE",
    "explain analyze with x as (select * from marts.dim_centre) insert into marts.dim_centre select * from x",
  ],
  ["EXPLAIN ANALYZE ATTACH", "explain analyze attach '/var/tmp/obs-other.duckdb' as other"],
  ["EXPLAIN ANALYZE CHECKPOINT", "explain analyze checkpoint"],
  ["EXPLAIN ANALYZE SET", "explain analyze set threads = 64"],
  ["EXPLAIN COPY", `explain copy (select 'x' as a) to '${published}' (use_tmp_file false)`],
  ["EXPLAIN ANALYZE after a query", "select 1; explain analyze create temp table t as select 1"],
];
const EXPLAIN_REFUSED = /^Permission Error: only queries that read data are allowed.*EXPLAIN/;

const REASONS =
  "Permission Error|disabled|read-only|locked|only queries that read data|does not exist|not allowed";
const CLEAR_MESSAGE = new RegExp(`^[^\\n]*(${REASONS})`, "i");
const CLEAR = new RegExp(`^error: [^\\n]*(${REASONS})`, "im");

describe("the SQL sandbox refuses everything but reading the data", () => {
  let data: string;
  let published: string;
  let before: string;

  beforeAll(() => {
    data = refreshedDataDir("obs-sandbox-");
    published = join(data, "warehouse", "published.duckdb");
    before = hashFile(published);
  });

  afterAll(() => disposeDataDirs([data]));

  it(`refuses each of ${ATTACKS.length} attacks with a clear message, and nothing changes`, async () => {
    // Every attack against the sandbox the CLI opens (warehouse/sandbox.ts), each in a fresh session.
    process.env.OBS_DATA_DIR = data;
    const filesBefore = filesUnder(data).filter((f) => !f.startsWith("postgres/"));
    const refused: string[] = [];
    for (const [what, q] of ATTACKS) {
      const sandbox = await openSandbox();
      try {
        const outcome = await sandbox.query(q, 10_000).then(
          (r) => `answered ${JSON.stringify(r.rows).slice(0, 200)}`,
          (e: Error) => e.message,
        );
        expect(outcome, `${what}: ${q}`).toMatch(CLEAR_MESSAGE);
        refused.push(what);
      } finally {
        sandbox.close();
      }
    }
    expect(refused).toHaveLength(ATTACKS.length);
    for (const leak of LEAKS) expect(existsSync(leak), leak).toBe(false);
    expect(
      readdirSync("/var/tmp").filter((f) => f.startsWith("obs-profile") || f.startsWith("obs-queries")),
    ).toEqual([]);
    expect(hashFile(published), "the snapshot byte for byte").toBe(before);
    expect(filesUnder(data).filter((f) => !f.startsWith("postgres/"))).toEqual(filesBefore);
  });

  it("refuses one attack of each kind through npm run sql: exit 1, the reason on one error line", async () => {
    const kinds = [
      "read a file",
      "list files",
      "read the environment",
      "COPY TO",
      "EXPORT DATABASE",
      "ATTACH a file",
      "INSTALL",
      "LOAD a file",
      "SET external access",
      "SET lock",
      "CREATE TEMP TABLE",
      "DROP TABLE",
      "DELETE",
      "a write after a query",
    ];
    const sample = ATTACKS.filter(([what]) => kinds.includes(what));
    expect(sample).toHaveLength(kinds.length);
    const results = await inParallel(sample, 2, ([, q]) => npmRunAsync("sql", [q], data));
    sample.forEach(([what, q], i) => {
      const r = results[i] as Awaited<ReturnType<typeof npmRunAsync>>;
      expect(r.status, `${what}: ${q}\n${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stdout, `${what}: nothing on stdout`).toBe("");
      expect(r.stderr, `${what}: ${q}`).toMatch(CLEAR);
      expect(r.stderr, `${what}: no stack trace`).not.toMatch(/^\s+at |node:internal/m);
    });
    expect(hashFile(published)).toBe(before);
  });

  it("runs with its guards on: the snapshot read-only, no external access, locked settings, bounded memory and threads", () => {
    const [settings] = sqlJson<Record<string, string>>(
      data,
      `select current_setting('enable_external_access')::varchar as external,
          current_setting('lock_configuration')::varchar as locked,
          (select readonly::varchar from duckdb_databases() where database_name = current_database()) as snapshot_read_only,
          current_setting('temp_directory') as spill,
          current_setting('memory_limit') as memory,
          current_setting('threads')::varchar as threads`,
    );
    expect(settings).toMatchObject({
      external: "false",
      locked: "true",
      snapshot_read_only: "true",
      spill: "",
      threads: "2",
    });
    expect(settings?.memory).toMatch(/^1\.[0-9] GiB$|^2\.0 GiB$|^1[0-9]{3}\.[0-9] MiB$/);
  });

  it("still answers a plain query, from an argument or standard input", () => {
    expect(sqlJson(data, "select count(*) > 0 as ok from marts.fct_observation")).toEqual([{ ok: true }]);
    const r = npmRun("sql", ["--format", "csv"], data, "describe marts.dim_centre");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^column_name,/);
  });

  describe("EXPLAIN ANALYZE runs what it explains: only a query may be explained", () => {
    it("refuses EXPLAIN [ANALYZE] of every write with a clear message, and nothing changes", async () => {
      process.env.OBS_DATA_DIR = data;
      const filesBefore = filesUnder(data).filter((f) => !f.startsWith("postgres/"));
      const outcomes: string[] = [];
      for (const [what, q] of explainedWrites(published)) {
        const sandbox = await openSandbox();
        try {
          const outcome = await sandbox.query(q, 10_000).then(
            (r) => `answered ${JSON.stringify(r.rows).slice(0, 200)}`,
            (e: Error) => e.message,
          );
          expect(outcome, `${what}: ${q}`).toMatch(EXPLAIN_REFUSED);
          outcomes.push(what);
        } finally {
          sandbox.close();
        }
        expect(hashFile(published), `${what}: the snapshot byte for byte`).toBe(before);
      }
      expect(outcomes).toHaveLength(explainedWrites(published).length);
      expect(existsSync(`${published}.wal`), "no WAL beside the snapshot").toBe(false);
      expect(existsSync("/var/tmp/obs-leak-explain.csv")).toBe(false);
      expect(existsSync("/var/tmp/obs-other.duckdb")).toBe(false);
      expect(filesUnder(data).filter((f) => !f.startsWith("postgres/"))).toEqual(filesBefore);
    });

    it("refuses EXPLAIN ANALYZE COPY TO the snapshot and its WAL through npm run sql: exit 1, one clear line", async () => {
      const attacks = explainedWrites(published).slice(0, 2);
      const results = await inParallel(attacks, 2, ([, q]) => npmRunAsync("sql", [q], data));
      attacks.forEach(([what, q], i) => {
        const r = results[i] as Awaited<ReturnType<typeof npmRunAsync>>;
        expect(r.status, `${what}: ${q}\n${r.stdout}${r.stderr}`).toBe(1);
        expect(r.stdout, what).toBe("");
        expect(r.stderr, what).toMatch(
          /^error: Permission Error: only queries that read data are allowed.*statement 1 is EXPLAIN ANALYZE of COPY$/m,
        );
        expect(r.stderr, `${what}: no stack trace`).not.toMatch(/^\s+at |node:internal/m);
      });
      expect(hashFile(published), "the snapshot byte for byte").toBe(before);
      expect(existsSync(`${published}.wal`), "no WAL beside the snapshot").toBe(false);
    });

    it("cannot write the snapshot or its WAL even with a statement past the check (defence in depth)", async () => {
      // The statement check is skipped: these go straight to the session the sandbox opened.
      process.env.OBS_DATA_DIR = data;
      const sandbox = await openSandbox();
      try {
        const path = await sandbox.connection.runAndReadAll(
          "select path from duckdb_databases() where database_name = current_database()",
        );
        expect(path.getRowsJS()).toEqual([[published]]);
        const writes = [
          `copy (select 'x' as a) to '${published}' (use_tmp_file false)`,
          `copy (select 'x' as a) to '${published}.wal' (use_tmp_file false)`,
          `explain analyze copy (select 'x' as a) to '${published}' (use_tmp_file false)`,
          `copy (select 'x' as a) to '${published}'`,
          "copy marts.dim_centre to '/var/tmp/obs-leak-bypass.csv'",
          "create table marts.x as select 1",
          "insert into marts.dim_centre select * from marts.dim_centre",
          "set disabled_filesystems = ''",
          "set enable_external_access = true",
        ];
        for (const q of writes) {
          const outcome = await sandbox.connection.run(q).then(
            () => "ran",
            (e: Error) => e.message,
          );
          expect(outcome, q).toMatch(/^(Permission Error|Invalid Input Error: Cannot (execute|change))/);
        }
      } finally {
        sandbox.close();
      }
      expect(hashFile(published), "the snapshot byte for byte").toBe(before);
      expect(existsSync(`${published}.wal`), "no WAL beside the snapshot").toBe(false);
      expect(existsSync("/var/tmp/obs-leak-bypass.csv")).toBe(false);
    });

    it("still runs EXPLAIN and EXPLAIN ANALYZE of a query", () => {
      const queries: [string, RegExp][] = [
        ["explain select count(*) from marts.fct_observation", /physical_plan/],
        ["EXPLAIN ANALYZE select count(*) from marts.fct_observation", /analyzed_plan/],
        [
          "explain analyze with c as (select * from marts.dim_centre) select count(*) from c",
          /analyzed_plan/,
        ],
        ["explain (analyze, format json) from marts.dim_centre", /analyzed_plan/],
        ["explain analyze describe marts.dim_centre", /analyzed_plan/],
      ];
      for (const [q, shape] of queries) {
        const r = npmRun("sql", ["--format", "csv", q], data);
        expect(r.status, `${q}\n${r.stderr}`).toBe(0);
        expect(r.stdout, q).toMatch(/^explain_key,explain_value\n/);
        expect(r.stdout, q).toMatch(shape);
      }
      // after a comment too (on standard input: an argument starting with "-" is an option)
      const commented = npmRun("sql", ["--format", "csv"], data, "-- the plan\nexplain analyze select 1");
      expect(commented.status, commented.stderr).toBe(0);
      expect(commented.stdout).toMatch(/analyzed_plan/);
      expect(hashFile(published)).toBe(before);
    });
  });

  describe("results are bounded in rows, bytes and time; big ones go to a file", () => {
    let exports: string;
    beforeAll(() => {
      exports = mkdtempSync("/var/tmp/obs-sql-export-");
    });
    afterAll(() => rmSync(exports, { recursive: true, force: true }));

    // Memory stays bounded: the command runs with a small JavaScript heap, which held every row before
    // (20 M rows took 8.3 GB and killed Node); DuckDB's own memory is bounded by its memory_limit.
    const smallHeap = { env: { NODE_OPTIONS: "--max-old-space-size=192" } };
    const crashed = /heap out of memory|FATAL ERROR|Aborted|node:internal/i;

    for (const format of ["table", "csv", "json"]) {
      it(`refuses to print twenty million rows as ${format}: nothing printed, a clear message, no crash`, async () => {
        const r = await npmRunAsync(
          "sql",
          ["--format", format, "select * from range(20000000)"],
          data,
          smallHeap,
        );
        expect(r.signal, r.stderr).toBeNull();
        expect(r.stderr).not.toMatch(crashed);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(
          /^error: the result has more than 100 000 rows, the most printed by default; nothing was printed\. .*--limit N.*--out <file> --limit 0$/m,
        );
      });
    }

    it("refuses more than 64 MB of output even within --limit", async () => {
      const r = await npmRunAsync(
        "sql",
        ["--format", "csv", "--limit", "2000000", "select repeat('x', 100) as x from range(1000000)"],
        data,
        smallHeap,
      );
      expect(r.stderr).not.toMatch(crashed);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^error: the output passed 64 MB, the most printed; .*--out <file>/m);
    });

    it("--limit N prints the first N rows and says there were more; --limit 0 only with --out", async () => {
      const csv = await npmRunAsync(
        "sql",
        ["--format", "csv", "--limit", "5", "select * from range(20000000)"],
        data,
      );
      expect(csv.status, csv.stderr).toBe(0);
      expect(csv.stdout).toBe("range\n0\n1\n2\n3\n4\n");
      expect(csv.stderr).toMatch(/more than 5 rows; only the first 5 \(--limit\)/);
      const table = npmRun(
        "sql",
        ["--limit", "2", "select centre_id from marts.dim_centre order by 1"],
        data,
      );
      expect(table.status, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/\njaworzno *\nkatowice *\n\(the first 2 rows; the result has more\)\n$/);
      const json = npmRun(
        "sql",
        ["--format", "json", "--limit", "3", "select range as n from range(10)"],
        data,
      );
      expect(json.status, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
      // a result within the limit says nothing more
      const within = npmRun(
        "sql",
        ["--format", "csv", "--limit", "4", "select centre_id from marts.dim_centre"],
        data,
      );
      expect(within.status).toBe(0);
      expect(within.stderr).toBe("");
      for (const args of [
        ["--limit", "0", "select 1"],
        ["--limit", "ten", "select 1"],
        ["--limit", "1.5", "select 1"],
      ]) {
        const r = npmRun("sql", args, data);
        expect(r.status, args.join(" ")).toBe(1);
        expect(r.stderr, args.join(" ")).toMatch(
          /^error: --limit (0 \(every row\) writes to a file only: add --out|must be a number of rows)/m,
        );
      }
    });

    it("--out streams a big result to a file in bounded memory, replacing the file only when complete", async () => {
      const file = join(exports, "range.csv");
      const r = await npmRunAsync(
        "sql",
        [
          "--out",
          file,
          "--limit",
          "0",
          "--timeout",
          "600",
          "select range as n, 'x' || range as s from range(3000000)",
        ],
        data,
        smallHeap,
      );
      expect(r.stderr).not.toMatch(crashed);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^Wrote 3 000 000 rows to .*range\.csv \(csv, \d+\.\d MB\)$/m);
      const text = readFileSync(file, "utf8");
      expect(text.startsWith("n,s\n0,x0\n1,x1\n")).toBe(true);
      expect(text.endsWith("2999999,x2999999\n")).toBe(true);
      expect(text.split("\n")).toHaveLength(3_000_002);
      expect(readdirSync(exports), "no temporary file left").toEqual(["range.csv"]);

      // JSON by the file's name; without --limit 0 a larger result writes nothing and keeps the old file
      const json = join(exports, "centres.json");
      const ok = npmRun("sql", ["--out", json, "select centre_id from marts.dim_centre order by 1"], data);
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(readFileSync(json, "utf8"))).toEqual([
        { centre_id: "jaworzno" },
        { centre_id: "katowice" },
        { centre_id: "kedzierzyn-kozle" },
        { centre_id: "wroclaw" },
      ]);
      const tooMany = await npmRunAsync("sql", ["--out", file, "select * from range(200000)"], data);
      expect(tooMany.status, tooMany.stderr).toBe(1);
      expect(tooMany.stderr).toMatch(
        /^error: the result has more than 100 000 rows, the default --limit; nothing was written\. .*--limit 0/m,
      );
      expect(readFileSync(file, "utf8").endsWith("2999999,x2999999\n"), "the earlier export unchanged").toBe(
        true,
      );
      const first = npmRun("sql", ["--out", file, "--limit", "2", "select * from range(200000)"], data);
      expect(first.status, first.stderr).toBe(0);
      expect(readFileSync(file, "utf8")).toBe("range\n0\n1\n");
      expect(readdirSync(exports).sort()).toEqual(["centres.json", "range.csv"]);
    });

    it("--out never writes inside the data directory, nor through a link, nor into a file linked to another", async () => {
      mkdirSync(join(exports, "links"));
      const toWarehouse = join(exports, "links", "warehouse");
      symlinkSync(join(data, "warehouse"), toWarehouse);
      const symlink = join(exports, "links", "symlink.csv");
      symlinkSync(published, symlink);
      const refused: [string, RegExp][] = [
        [published, /is inside the data directory .*; write exports elsewhere$/m],
        [`${published}.wal`, /is inside the data directory/],
        [join(data, "warehouse", "export.csv"), /is inside the data directory/],
        [join(data, "export.csv"), /is inside the data directory/],
        [join(toWarehouse, "published.duckdb"), /is inside the data directory/],
        [join(toWarehouse, "export.csv"), /is inside the data directory/],
        [symlink, /is there already and is no regular file \(a link, a directory, a device\)/],
        [join(exports, "links"), /is no regular file/],
      ];
      for (const [out, message] of refused) {
        const r = npmRun("sql", ["--out", out, "select 'x' as a"], data);
        expect(r.status, out).toBe(1);
        expect(r.stderr, out).toMatch(/^error: --out /);
        expect(r.stderr, out).toMatch(message);
      }
      // A hard link to the snapshot outside the data directory is replaced, never written through.
      const hardLink = join(exports, "links", "hard.csv");
      linkSync(published, hardLink);
      const r = npmRun("sql", ["--out", hardLink, "select 'x' as a"], data);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(hardLink, "utf8")).toBe("a\nx\n");
      expect(lstatSync(symlink).isSymbolicLink()).toBe(true);
      expect(hashFile(published), "the snapshot byte for byte").toBe(before);
      expect(existsSync(`${published}.wal`)).toBe(false);
      expect(existsSync(join(data, "warehouse", "export.csv"))).toBe(false);
      expect(existsSync(join(data, "export.csv"))).toBe(false);
      // A relative name is relative to where npm was started, not to the checkout npm runs it in.
      const relative = await npmRunAsync("sql", ["--out", "relative.csv", "select 1 as a"], data, {
        cwd: exports,
      });
      expect(relative.status, relative.stderr).toBe(0);
      expect(readFileSync(join(exports, "relative.csv"), "utf8")).toBe("a\n1\n");
      expect(existsSync(join(ROOT, "relative.csv"))).toBe(false);
    });

    it("the time limit covers writing the rows, not only DuckDB's work", async () => {
      const file = join(exports, "slow.csv");
      const r = await npmRunAsync(
        "sql",
        [
          "--out",
          file,
          "--limit",
          "0",
          "--timeout",
          "2",
          "select range, 'x' || range from range(1000000000)",
        ],
        data,
        smallHeap,
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error: the query ran longer than 2 s and was stopped$/m);
      expect(existsSync(file)).toBe(false);
      expect(readdirSync(exports).filter((f) => f.includes("slow"))).toEqual([]);
    });
  });

  describe("a runaway query is bounded and the machine stays fine", () => {
    const runaway: [string, string[], RegExp, number][] = [
      [
        "a count over a trillion rows",
        ["--timeout", "2", "select count(*) from range(1000000000000)"],
        /ran longer than 2 s and was stopped/,
        120,
      ],
      [
        "a cross join of a million by a million",
        ["--timeout", "2", "select sum(a.range * b.range) from range(1000000) a, range(1000000) b"],
        /ran longer than 2 s and was stopped/,
        120,
      ],
      [
        "a recursion without end",
        [
          "--timeout",
          "2",
          "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
        ],
        /ran longer than 2 s and was stopped|Out of Memory/,
        120,
      ],
      [
        "a list of three billion numbers",
        ["--timeout", "30", "select list(range) from range(3000000000)"],
        // the memory limit stops it (about 20–30 s of filling 2 GB), or on a busy machine the time limit first
        /Out of Memory Error|ran longer than 30 s and was stopped/,
        150,
      ],
      [
        "a string of a hundred gigabytes",
        ["--timeout", "30", "select string_agg(repeat('x', 1000), '') from range(100000000)"],
        /Out of Memory Error|ran longer than 30 s and was stopped/,
        150,
      ],
    ];
    for (const [what, args, message, seconds] of runaway) {
      it(`stops ${what}`, async () => {
        const r = await npmRunAsync("sql", args, data);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^error: .*${message.source}`, "m"));
        // A hang guard, not a timing: the message says what stopped it; a busy machine adds start-up time.
        expect(r.seconds, "stopped, not left running").toBeLessThan(seconds);
        // The machine is fine: the next query answers at once.
        expect(sqlJson(data, "select count(*) as n from marts.dim_centre")).toEqual([{ n: 4 }]);
      });
    }
  });
});
