/** Every task of the pipeline, one per file under pipelines/tasks/ (the file name is the task name). */
import type { TaskList } from "graphile-worker";
import type { PipelineContext, TaskFactory } from "./context.ts";
import acceptDocument from "./tasks/accept_document.ts";
import buildDashboards from "./tasks/build_dashboards.ts";
import buildWarehouse from "./tasks/build_warehouse.ts";
import checkFreshness from "./tasks/check_freshness.ts";
import collectReports from "./tasks/collect_reports.ts";
import discoverDocuments from "./tasks/discover_documents.ts";
import extractDocument from "./tasks/extract_document.ts";
import fetchReference from "./tasks/fetch_reference.ts";
import makeBriefs from "./tasks/make_briefs.ts";
import publishWarehouse from "./tasks/publish_warehouse.ts";
import runDataTests from "./tasks/run_data_tests.ts";

export const TASKS: readonly TaskFactory[] = [
  discoverDocuments,
  acceptDocument,
  extractDocument,
  buildWarehouse,
  runDataTests,
  publishWarehouse,
  buildDashboards,
  makeBriefs,
  collectReports,
  checkFreshness,
  fetchReference,
];

export function taskList(ctx: PipelineContext): TaskList {
  return Object.fromEntries(TASKS.map((t) => [t.name, t.make(ctx)]));
}
