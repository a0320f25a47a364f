import { hostname } from "node:os";
import { sql } from "kysely";
import { dataPaths } from "../lib/config.ts";
import { computePartitions, type Partition, readCalendar } from "../pipelines/calendar.ts";
import { nextFire, readCrontab } from "../pipelines/crontab.ts";
import { createDb, createPool, type Db, schemaNotReady } from "../pipelines/db.ts";
import { findDeadPools, interruptedCause } from "../pipelines/pools.ts";
import { isProcessAlive, openDatabase } from "../pipelines/postgres.ts";
import { jobSummary } from "../pipelines/queue.ts";
import { printable } from "../warehouse/quarantine.ts";
import { listDocuments } from "../warehouse/store.ts";
import { runCommand } from "./command.ts";
import { formatTable } from "./table.ts";

const usage = `Usage: npm run status [-- --json] [--runs 15]

What the service knows: every document and its state (loaded / superseded / stored / rejected, with
the reason), the freshness of every centre × report × period of the report calendar (received,
expected or late, with the deadline), the last runs and how long they took, the jobs pending, running
and failed, the worker processes, and when each schedule of the crontab fires next (UTC).
A run or job whose process ended during it (a crash, kill -9) shows as interrupted, with that cause,
also before the next \`npm start\` releases it and tries it again. Only reads; changes nothing.
Works whether or not \`npm start\` runs (the embedded Postgres is started for the question if needed).

Options:
  --json       one JSON object on stdout instead of tables
  --runs N     how many of the last runs to show (default 15)
  -h, --help   show this help

Environment:
  OBS_DATA_DIR  data directory (default ./data)
  DATABASE_URL  the service's Postgres when it is not the embedded one`;

interface Status {
  dataDir: string;
  database: string | null;
  documents: {
    document_id: string;
    state: string;
    centre_id: string | null;
    kind: string | null;
    periods: string[] | null;
    file_name: string;
    origin: string;
    received_at: Date | string | null;
    loaded_at: Date | null;
    superseded_by: string | null;
    error: string | null;
  }[];
  freshness: (Partition & { checked_at?: Date | null })[];
  freshnessSource: "last check" | "computed now";
  runs: {
    run_id: number;
    task: string;
    status: string;
    started_at: Date;
    finished_at: Date | null;
    seconds: number | null;
    detail: Record<string, unknown> | null;
    error: string | null;
  }[];
  jobs: { task: string; state: string; count: number; last_error: string | null }[];
  workers: { pool_id: string; hostname: string; pid: number; started_at: Date; last_seen_at: Date }[];
  schedule: { id: string; task: string; schedule: string; next_fire: string | null }[];
  notes: string[];
}

const iso = (d: Date | string | null | undefined) =>
  d ? (typeof d === "string" ? d : d.toISOString().replace("T", " ").slice(0, 19)) : "";

async function fromDatabase(db: Db, runs: number, notes: string[]) {
  const documents = await db
    .selectFrom("obs.documents")
    .select([
      "document_id",
      "state",
      "centre_id",
      "kind",
      "periods",
      "file_name",
      "origin",
      "received_at",
      "loaded_at",
      "superseded_by",
      "error",
    ])
    .orderBy("state")
    .orderBy("centre_id")
    .orderBy("received_at")
    .execute();
  const freshness = await db
    .selectFrom("obs.partitions")
    .selectAll()
    .orderBy("centre_id")
    .orderBy("report_kind")
    .orderBy("period_id")
    .execute();
  // Pools that died without a word (a crash, kill -9): their runs and jobs are not running any more,
  // though the run log says so until the next start releases them. Read here, nothing is changed.
  const dead = await findDeadPools(db);
  const causeOf = new Map(dead.map((p) => [p.pool_id, interruptedCause(p)]));
  for (const p of dead.filter((d) => !d.stopped))
    notes.push(
      `the worker pid ${p.pid} on ${p.hostname} ended without stopping (a crash or kill -9): its runs are shown interrupted; the next \`npm start\` releases its jobs and tries them again`,
    );
  const lastRuns = (
    await db
      .selectFrom("obs.runs")
      .select(["run_id", "task", "status", "pool_id", "started_at", "finished_at", "detail", "error"])
      .select(sql<number | null>`extract(epoch from finished_at - started_at)::float8`.as("seconds"))
      .orderBy("run_id", "desc")
      .limit(runs)
      .execute()
  ).map(({ pool_id, ...r }) => {
    const cause = r.status === "running" && pool_id ? causeOf.get(pool_id) : undefined;
    return cause ? { ...r, status: "interrupted", error: cause } : r;
  });
  // A job's last error is its latest attempt's: the cause in the run log when a crash ended it
  // (graphile-worker records none then), else the job's own last error.
  const jobs = await jobSummary(db, causeOf);
  const workers = await db
    .selectFrom("obs.pools")
    .select(["pool_id", "hostname", "pid", "started_at", "last_seen_at"])
    .where("stopped_at", "is", null)
    .where(sql<boolean>`last_seen_at > now() - interval '90 seconds'`)
    .execute();
  const alive = workers.filter(
    (w) => !causeOf.has(w.pool_id) && (w.hostname !== hostname() || isProcessAlive(w.pid)),
  );
  return { documents, freshness, runs: lastRuns, jobs, workers: alive };
}

/** Without a database (the service never ran): what the document store and the calendar say. */
async function fromStore(notes: string[]) {
  try {
    const known = await listDocuments();
    const documents = known.map((d) => ({
      document_id: d.documentId,
      state: "stored",
      centre_id: d.centreId,
      kind: d.kind,
      periods: d.periods,
      file_name: d.fileName,
      origin: d.origin,
      received_at: d.receivedAt,
      loaded_at: null,
      superseded_by: null,
      error: null,
    }));
    const freshness = computePartitions(
      readCalendar(),
      known.map((d) => ({ ...d, receivedAt: d.receivedAt ? new Date(d.receivedAt) : null })),
      new Date(),
    );
    return { documents, freshness };
  } catch (e) {
    notes.push(`documents cannot be listed: ${(e as Error).message}`);
    return { documents: [], freshness: [] };
  }
}

function table(cells: string[][], header: string[]): string {
  // file names, reasons and errors come from documents: control characters (ESC…) shown escaped
  const rows = cells.map((r) => r.map(printable));
  return formatTable(header, rows, { maxWidth: 48, separator: "  ", indent: "  " }).join("\n");
}

function render(s: Status): string {
  const out: string[] = [];
  out.push(`Obserwatorium — data in ${s.dataDir}${s.database ? `, ${s.database}` : ""}`);
  for (const n of s.notes) out.push(`! ${printable(n)}`);

  const byState = (state: string) => s.documents.filter((d) => d.state === state).length;
  out.push(
    "",
    `Documents: ${s.documents.length} (${["loaded", "superseded", "stored", "rejected"].map((st) => `${byState(st)} ${st}`).join(", ")})`,
  );
  if (s.documents.length > 0) {
    out.push(
      table(
        s.documents.map((d) => [
          d.state,
          d.centre_id ?? "—",
          d.kind ?? "—",
          d.periods?.join(" ") ?? "—",
          d.file_name,
          d.origin,
          iso(d.received_at) || "bundled",
          d.error ?? (d.superseded_by ? `superseded by ${d.superseded_by}` : ""),
        ]),
        ["state", "centre", "report", "periods", "file", "origin", "received", "note"],
      ),
    );
  }

  const count = (st: string) => s.freshness.filter((p) => p.state === st).length;
  out.push(
    "",
    `Freshness (${s.freshnessSource}): ${count("received")} received, ${count("expected")} expected, ${count("late")} late`,
  );
  if (s.freshness.length > 0) {
    out.push(
      table(
        s.freshness.map((p) => [
          p.centre_id,
          p.report_kind,
          p.period_id,
          p.state,
          p.deadline,
          p.document_id ?? "",
        ]),
        ["centre", "report", "period", "state", "deadline", "document"],
      ),
    );
  }

  out.push("", `Last runs (${s.runs.length}):`);
  if (s.runs.length > 0) {
    out.push(
      table(
        s.runs.map((r) => [
          iso(r.started_at),
          r.task,
          r.status,
          r.seconds === null ? "" : `${r.seconds.toFixed(1)} s`,
          r.error?.split("\n")[0] ?? summary(r.detail),
        ]),
        ["started (UTC)", "task", "status", "took", "what"],
      ),
    );
  }

  const jobsIn = (st: string) => s.jobs.filter((j) => j.state === st).reduce((n, j) => n + j.count, 0);
  out.push(
    "",
    `Jobs: ${["pending", "running", "interrupted", "scheduled", "waiting to retry", "failed"].map((st) => `${jobsIn(st)} ${st}`).join(", ")}`,
  );
  if (s.jobs.length > 0) {
    out.push(
      table(
        s.jobs.map((j) => [j.task, j.state, String(j.count), j.last_error?.split("\n")[0] ?? ""]),
        ["task", "state", "jobs", "last error"],
      ),
    );
  }

  out.push(
    "",
    s.workers.length > 0
      ? `Workers: ${s.workers.length} running (${s.workers.map((w) => `${w.hostname} pid ${w.pid} since ${iso(w.started_at)}`).join("; ")})`
      : "Workers: none running (start the service with `npm start`)",
  );

  out.push("", "Next cron fires (UTC):");
  out.push(
    table(
      s.schedule.map((c) => [c.id, c.task, c.schedule, c.next_fire ?? "—"]),
      ["id", "task", "schedule", "next"],
    ),
  );
  return out.join("\n");
}

/** The run's detail in a line: what a person asks first comes first; paths are left out. */
const DETAIL_ORDER = [
  "status",
  "fileName",
  "what",
  "figures",
  "documents",
  "observations",
  "warnings",
  "reason",
];
function summary(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  const rank = (k: string) => (DETAIL_ORDER.includes(k) ? DETAIL_ORDER.indexOf(k) : DETAIL_ORDER.length);
  return Object.entries(detail)
    .filter(([k, v]) => !/Path$|^outDir$/.test(k) && v !== null && !(Array.isArray(v) && v.length === 0))
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(
      ([k, v]) =>
        `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
    )
    .join(" ");
}

await runCommand(
  {
    usage,
    options: {
      json: { type: "boolean" },
      runs: { type: "string", default: "15" },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values }) => {
    const runs = Number(values.runs);
    const notes: string[] = [];
    const now = new Date();
    const schedule = readCrontab().map((c) => ({
      id: c.id,
      task: c.task,
      schedule: c.schedule,
      next_fire: iso(nextFire(c, now)) || null,
    }));
    const status: Status = {
      dataDir: dataPaths().root,
      database: null,
      documents: [],
      freshness: [],
      freshnessSource: "computed now",
      runs: [],
      jobs: [],
      workers: [],
      schedule,
      notes,
    };
    const database = await openDatabase({ create: false });
    if (!database) {
      notes.push(
        `the service has not run here yet (no database in ${dataPaths().postgres}); \`npm start\` runs it`,
      );
      Object.assign(status, await fromStore(notes));
    } else {
      status.database = database.description;
      const pool = createPool(database.connectionString, () => {}, 2);
      try {
        const db = createDb(pool);
        // Only reads: a schema not set up (or older than this code) is said, never migrated here.
        const notReady = await schemaNotReady(db);
        if (notReady) {
          notes.push(
            `${notReady}: \`npm start\` (or any of ingest, refresh, collect) sets it up; shown from the document store`,
          );
          Object.assign(status, await fromStore(notes));
        } else Object.assign(status, await fromDatabase(db, runs, notes), { freshnessSource: "last check" });
        if (status.freshness.length === 0) {
          const live = await fromStore(notes);
          status.freshness = live.freshness;
          status.freshnessSource = "computed now";
        }
      } finally {
        await pool.end();
        await database.stop();
      }
    }
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : `${render(status)}\n`);
    return 0;
  },
);
