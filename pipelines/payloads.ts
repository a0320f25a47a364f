/**
 * The payload of every task, checked at run time with zod (a payload is `unknown` until then), and
 * how each kind of job is queued. Fields added later must be optional: old jobs may still be queued.
 *
 * - jobKey per document content hash: the same report dropped twice is one job.
 * - queue `warehouse`: every write to a DuckDB file (build, tests, publish) runs one at a time, also
 *   across worker processes and machines.
 */
import { basename } from "node:path";
import type { TaskSpec } from "graphile-worker";
import { z } from "zod";

/** Cron adds `_cron: { ts, backfilled }` to the payloads it schedules; tasks ignore it. */
const Cron = { _cron: z.object({ ts: z.string(), backfilled: z.boolean().optional() }).optional() };

const BuildCounts = z.object({
  documents: z.number(),
  observations: z.number(),
  models: z.number(),
  /** Built incrementally (warehouse/build.ts) from the published snapshot; absent: a full build. */
  incremental: z.boolean().optional(),
});

export const Payloads = {
  discover_documents: z.object({
    ...Cron,
    /** Also compare every known document with the published warehouse and load what is missing. */
    catchUp: z.boolean().optional(),
  }),
  accept_document: z.object({
    path: z.string(),
    fileName: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** inbox: moved into the store (or into inbox/rejected); cli: the user's file is left alone. */
    origin: z.enum(["inbox", "cli", "collected"]),
    /** Extract and publish after storing (npm run ingest --no-refresh says no). */
    refresh: z.boolean().optional(),
    /** Take a re-issue even with fewer figures than the version it supersedes (npm run ingest --replace). */
    replace: z.boolean().optional(),
  }),
  extract_document: z.object({ documentId: z.string().min(8) }),
  build_warehouse: z.object({
    /** Build even when the published warehouse already holds every known document (npm run refresh). */
    force: z.boolean().optional(),
    reason: z.string().optional(),
  }),
  run_data_tests: z.object({
    buildPath: z.string(),
    build: BuildCounts,
    startedAt: z.number().optional(),
    /** Code fingerprint + document set of the build (published.ts): a second build of it is skipped. */
    contentKey: z.string().optional(),
    /**
     * The build's data tests ran already (an incremental build tests its touched centres as it goes,
     * warnings recorded): publish it without testing it again. Absent: run every test.
     */
    tested: z.object({ warnings: z.number() }).optional(),
  }),
  publish_warehouse: z.object({
    buildPath: z.string(),
    build: BuildCounts,
    warnings: z.number(),
    startedAt: z.number().optional(),
    contentKey: z.string().optional(),
  }),
  build_dashboards: z.object({ ...Cron }),
  make_briefs: z.object({}),
  collect_reports: z.object({
    ...Cron,
    /** The round: a source listed for other rounds only is skipped; manual visits every source. */
    round: z.enum(["half_year", "year", "manual"]).optional(),
    /** One source; without it the task fans out, one job per source. */
    sourceId: z.string().optional(),
  }),
  check_freshness: z.object({ ...Cron, round: z.string().optional() }),
  fetch_reference: z.object({ ...Cron }),
} as const;

export type TaskName = keyof typeof Payloads;
export type Payload<T extends TaskName> = z.infer<(typeof Payloads)[T]>;
export const TASK_NAMES = Object.keys(Payloads) as TaskName[];

declare global {
  namespace GraphileWorker {
    interface Tasks {
      discover_documents: Payload<"discover_documents">;
      accept_document: Payload<"accept_document">;
      extract_document: Payload<"extract_document">;
      build_warehouse: Payload<"build_warehouse">;
      run_data_tests: Payload<"run_data_tests">;
      publish_warehouse: Payload<"publish_warehouse">;
      build_dashboards: Payload<"build_dashboards">;
      make_briefs: Payload<"make_briefs">;
      collect_reports: Payload<"collect_reports">;
      check_freshness: Payload<"check_freshness">;
      fetch_reference: Payload<"fetch_reference">;
    }
  }
}

export const QUEUE_WAREHOUSE = "warehouse";

/**
 * The key of a build's tests or publish job: the build's content (pipelines/queue.ts tells whether a
 * build of these documents is queued already) and its file's name (which build files queued jobs
 * still need is read from the keys: graphile-worker's jobs view shows no payload).
 */
export const buildJobKey = (step: "tests" | "publish", contentKey: string | undefined, buildPath: string) =>
  `${step}:${contentKey ?? "-"}:${basename(buildPath)}`;

/** How each kind of job is queued: key (deduplication), queue (serialisation), attempts. */
export function jobSpec<T extends TaskName>(task: T, payload: Payload<T>): TaskSpec {
  switch (task) {
    case "discover_documents": {
      // A catch-up has its own key: a plain inbox look must not replace its payload.
      const { catchUp } = payload as Payload<"discover_documents">;
      return {
        jobKey: catchUp ? "discover_documents:catch_up" : "discover_documents",
        queueName: "discovery",
        maxAttempts: 5,
      };
    }
    case "accept_document": {
      // unsafe_dedupe: no second job while one for the same bytes exists, even a running one.
      // `npm run ingest a.txt b.txt` of one content answers for each name it was given.
      const { sha256, origin, fileName, replace } = payload as Payload<"accept_document">;
      const key =
        origin === "cli"
          ? `document:${sha256}:${fileName}${replace ? ":replace" : ""}`
          : `document:${sha256}`;
      return { jobKey: key, jobKeyMode: "unsafe_dedupe", maxAttempts: 5 };
    }
    case "extract_document":
      return { jobKey: `extract:${(payload as Payload<"extract_document">).documentId}`, maxAttempts: 5 };
    case "build_warehouse": {
      const { force } = payload as Payload<"build_warehouse">;
      return {
        jobKey: force ? "build_warehouse:force" : "build_warehouse",
        queueName: QUEUE_WAREHOUSE,
        maxAttempts: 5,
      };
    }
    case "run_data_tests":
    case "publish_warehouse": {
      const { contentKey, buildPath } = payload as Payload<"run_data_tests">;
      const step = task === "run_data_tests" ? "tests" : "publish";
      return { queueName: QUEUE_WAREHOUSE, maxAttempts: 5, jobKey: buildJobKey(step, contentKey, buildPath) };
    }
    case "build_dashboards":
      return { jobKey: "build_dashboards", queueName: "dashboards", maxAttempts: 3 };
    case "make_briefs":
      // after the build on the same queue: it prints the site that build made
      return { jobKey: "make_briefs", queueName: "dashboards", maxAttempts: 3 };
    case "collect_reports": {
      const { sourceId } = payload as Payload<"collect_reports">;
      // One queue: a round visits one source at a time, politely.
      return {
        jobKey: sourceId ? `collect:${sourceId}` : "collect_reports",
        queueName: "collect",
        maxAttempts: 3,
      };
    }
    case "check_freshness":
      return { jobKey: "check_freshness", maxAttempts: 5 };
    case "fetch_reference":
      // One attempt: the client retries within the round itself; the next round tries again.
      return { jobKey: "fetch_reference", queueName: "reference", maxAttempts: 1 };
  }
  throw new Error(`unknown task ${task}`);
}
