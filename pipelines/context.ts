/**
 * What every task gets besides its payload, and the wrapper that makes a task of a function: payload
 * checked with zod, one row in the run log (obs.runs) per execution, permanent failures told apart
 * from retryable ones.
 */
import type { EventEmitter } from "node:events";
import type { AddJobFunction, JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { printable } from "../warehouse/quarantine.ts";
import type { Db } from "./db.ts";
import { jobSpec, type Payload, Payloads, type TaskName } from "./payloads.ts";

export type Log = (line: string) => void;

/** What happened to one document a task looked at (npm run ingest prints these). */
export interface DocumentOutcome {
  status: "stored" | "duplicate" | "rejected";
  fileName: string;
  documentId: string | null;
  /** `centre/kind periods` for stored and duplicate documents. */
  what: string | null;
  observationCount: number | null;
  reason: string | null;
  /** Where a rejected inbox file went (inbox/rejected/…). */
  movedTo?: string | null;
  /** How it was read, for a person to check (e.g. control characters taken out of lines 76, 135). */
  warnings?: string[];
}

/** The line a person reads about a document: the service's log, and `npm run ingest` for its own files. */
export function describeOutcome(d: DocumentOutcome): string {
  // One line, harmless in a terminal: a newline or ESC in a file name is shown escaped.
  const name = printable(d.fileName);
  if (d.status === "rejected")
    return `✗ rejected ${name}: ${printable(String(d.reason))}${d.movedTo ? ` → ${printable(d.movedTo)}` : ""}`;
  const warnings = (d.warnings ?? []).map((w) => `\n  ! warning: ${w}`).join("");
  return `${d.status === "stored" ? "✓ stored" : "= already known"} ${name}: ${d.what} (${d.observationCount} figures, id ${d.documentId})${warnings}`;
}

/** The line a one-shot command ends with when its documents were published (the publish run's detail). */
export const describePublish = (s: RunDetail) =>
  `Published ${s.observations} figures from ${s.documents} documents in ${Number(s.seconds ?? 0).toFixed(1)} s${s.incremental ? " (incremental build)" : ""}`;

export interface PublishSummary {
  documents: number;
  observations: number;
  models: number;
  warnings: number;
  publishedPath: string;
  seconds: number;
  /** Built incrementally from the previous snapshot (warehouse/build.ts). */
  incremental?: boolean;
}

/**
 * What this process's tasks did, for its own log (the service's). A one-shot command reports from the
 * run log instead (pipelines/follow.ts): its jobs may run in another process, and it may run theirs.
 */
export interface PipelineEvents {
  document: [DocumentOutcome];
  published: [PublishSummary];
  /** A chain ended for good (e.g. data tests failed): a one-shot command exits 1 with this. */
  failed: [Error];
}

export interface PipelineContext {
  db: Db;
  /** Progress lines for the terminal. */
  log: Log;
  buildDashboards: (opts: { log?: Log }) => Promise<{ outDir: string }>;
  events: EventEmitter<PipelineEvents>;
  /** How long an inbox file must stay unchanged (size, mtime, ctime) before it is taken (lib/config.ts). */
  inboxSettleMs: number;
}

/** The task gives up for good: the run is logged failed, the job is not retried. */
export class PermanentFailure extends Error {
  constructor(readonly reason: Error) {
    super(reason.message);
    this.name = "PermanentFailure";
  }
}

/** What a run did, stored as obs.runs.detail. `idle: true` means it did nothing worth logging. */
export type RunDetail = Record<string, unknown> & { idle?: boolean };

export interface TaskDefinition<T extends TaskName> {
  name: T;
  /** Record a run only when it did something (discovery runs every minute). */
  quiet?: boolean;
  run(payload: Payload<T>, ctx: PipelineContext, helpers: JobHelpers): Promise<RunDetail | undefined>;
}

export type TaskFactory = { name: TaskName; make(ctx: PipelineContext): Task };

/** Queue a job with the key, queue and attempts its task is queued with (payloads.ts). */
export function enqueue<T extends TaskName>(addJob: AddJobFunction, task: T, payload: Payload<T>) {
  return addJob(task, payload as never, jobSpec(task, payload));
}

export function defineTask<T extends TaskName>(def: TaskDefinition<T>): TaskFactory {
  const schema = Payloads[def.name] as unknown as z.ZodType<Payload<T>>;
  return {
    name: def.name,
    make: (ctx) => async (raw, helpers) => {
      const { job } = helpers;
      const row = {
        task: def.name,
        job_id: String(job.id),
        attempt: job.attempts,
        pool_id: job.locked_by ?? null,
      };
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        // A malformed payload never gets better: log it and drop the job.
        const error = `invalid payload: ${z.prettifyError(parsed.error)}`;
        ctx.log(`✗ ${def.name} job ${job.id}: ${error}`);
        await ctx.db
          .insertInto("obs.runs")
          .values({ ...row, status: "failed", finished_at: new Date(), error })
          .execute();
        return;
      }
      const startedAt = new Date();
      const runId = def.quiet
        ? null
        : (
            await ctx.db
              .insertInto("obs.runs")
              .values({ ...row, status: "running", started_at: startedAt })
              .returning("run_id")
              .executeTakeFirstOrThrow()
          ).run_id;
      const finish = async (values: {
        status: "succeeded" | "failed";
        detail?: RunDetail;
        error?: string;
      }) => {
        const { idle: _idle, ...detail } = values.detail ?? {};
        const record = {
          status: values.status,
          finished_at: new Date(),
          detail: Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
          error: values.error ?? null,
        };
        if (runId === null) {
          await ctx.db
            .insertInto("obs.runs")
            .values({ ...row, ...record, started_at: startedAt })
            .execute();
        } else {
          await ctx.db.updateTable("obs.runs").set(record).where("run_id", "=", runId).execute();
        }
      };
      let detail: RunDetail | undefined;
      try {
        detail = await def.run(parsed.data, ctx, helpers);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        await finish({ status: "failed", error: error.message, detail: references(parsed.data) }).catch(
          () => {},
        );
        if (error instanceof PermanentFailure) {
          ctx.log(`✗ ${def.name}: ${error.message}`);
          ctx.events.emit("failed", error.reason);
          return;
        }
        ctx.log(
          `✗ ${def.name} (attempt ${job.attempts} of ${job.max_attempts}): ${error.message.split("\n")[0]}`,
        );
        throw error;
      }
      if (detail?.idle) {
        // Nothing done (an empty inbox look, a build deferred): not worth a line in the run log.
        if (runId !== null) await ctx.db.deleteFrom("obs.runs").where("run_id", "=", runId).execute();
        return;
      }
      await finish({ status: "succeeded", detail });
    },
  };
}

/** What a failed run was about (its build file, document, file), so that those waiting for it can tell. */
function references(payload: object): RunDetail {
  const keys = ["buildPath", "documentId", "fileName", "sha256", "sourceId", "contentKey"];
  return Object.fromEntries(Object.entries(payload).filter(([k, v]) => keys.includes(k) && v !== undefined));
}
