import { stat } from "node:fs/promises";
import { publishWarehouse } from "../../warehouse/builds.ts";
import { defineTask, enqueue, type PublishSummary } from "../context.ts";
import { syncDocumentStates } from "../published.ts";

/** Replace the published snapshot atomically, bring the run log in line, then freshness and dashboards. */
export default defineTask({
  name: "publish_warehouse",
  async run({ buildPath, build, warnings, startedAt }, ctx, helpers) {
    if (!(await stat(buildPath).catch(() => null))) {
      // Published by an attempt that died before it could say so, or cleaned away: check, build if needed.
      await syncDocumentStates(ctx.db);
      await enqueue(helpers.addJob, "build_warehouse", { reason: "a publish was interrupted" });
      return { missing: buildPath, buildPath };
    }
    const publishedPath = await publishWarehouse(buildPath, { log: ctx.log });
    const current = await syncDocumentStates(ctx.db);
    const summary: PublishSummary = {
      ...build,
      warnings,
      publishedPath,
      seconds: startedAt ? (Date.now() - startedAt) / 1000 : 0,
    };
    ctx.events.emit("published", summary);
    // The dashboards' data first (the pages show the report once it is published, issue 13: ≤ 10 s);
    // queued also when this process does not build dashboards: the service picks it up.
    await enqueue(helpers.addJob, "build_dashboards", {});
    await enqueue(helpers.addJob, "check_freshness", {});
    return { ...summary, buildPath, currentDocuments: current };
  },
});
