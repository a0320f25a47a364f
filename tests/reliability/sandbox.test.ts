/**
 * `npm run sql` is read-only: files outside the snapshot, COPY … TO, ATTACH, INSTALL/LOAD, SET of
 * access settings, DDL and DML each fail with a clear message; a runaway query is stopped by the
 * timeout or the memory limit and the machine stays fine. (tests/pipeline/warehouse.test.ts keeps its
 * short list; this is the full one.)
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandbox } from "../../warehouse/sandbox.ts";
import { npmRun, sqlJson } from "../helpers/cli.ts";
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

  it("runs with its guards on: no external access, locked settings, bounded memory and threads", () => {
    const [settings] = sqlJson<Record<string, string>>(
      data,
      `select current_setting('enable_external_access')::varchar as external,
          current_setting('lock_configuration')::varchar as locked,
          current_setting('access_mode') as mode,
          current_setting('memory_limit') as memory,
          current_setting('threads')::varchar as threads`,
    );
    expect(settings).toMatchObject({ external: "false", locked: "true", mode: "read_only", threads: "2" });
    expect(settings?.memory).toMatch(/^1\.[0-9] GiB$|^2\.0 GiB$|^1[0-9]{3}\.[0-9] MiB$/);
  });

  it("still answers a plain query, from an argument or standard input", () => {
    expect(sqlJson(data, "select count(*) > 0 as ok from marts.fct_observation")).toEqual([{ ok: true }]);
    const r = npmRun("sql", ["--format", "csv"], data, "describe marts.dim_centre");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^column_name,/);
  });

  describe("a runaway query is bounded and the machine stays fine", () => {
    const runaway: [string, string[], RegExp, number][] = [
      [
        "a count over a trillion rows",
        ["--timeout", "2", "select count(*) from range(1000000000000)"],
        /ran longer than 2 s and was stopped/,
        20,
      ],
      [
        "a cross join of a million by a million",
        ["--timeout", "2", "select sum(a.range * b.range) from range(1000000) a, range(1000000) b"],
        /ran longer than 2 s and was stopped/,
        20,
      ],
      [
        "a recursion without end",
        [
          "--timeout",
          "2",
          "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
        ],
        /ran longer than 2 s and was stopped|Out of Memory/,
        20,
      ],
      [
        "a list of three billion numbers",
        ["--timeout", "30", "select list(range) from range(3000000000)"],
        /Out of Memory Error/,
        40,
      ],
      [
        "a string of a hundred gigabytes",
        ["--timeout", "30", "select string_agg(repeat('x', 1000), '') from range(100000000)"],
        /Out of Memory Error/,
        40,
      ],
    ];
    for (const [what, args, message, seconds] of runaway) {
      it(`stops ${what}`, async () => {
        const r = await npmRunAsync("sql", args, data);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^error: .*${message.source}`, "m"));
        expect(r.seconds, "stopped in bounded time").toBeLessThan(seconds);
        // The machine is fine: the next query answers at once.
        expect(sqlJson(data, "select count(*) as n from marts.dim_centre")).toEqual([{ n: 4 }]);
      });
    }
  });
});
