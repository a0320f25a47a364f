import { defineTask, enqueue } from "../context.ts";

/** Rebuild the dashboards from the published snapshot (Observable Framework, offline). */
export default defineTask({
  name: "build_dashboards",
  async run(_payload, ctx, helpers) {
    const started = performance.now();
    const { outDir } = await ctx.buildDashboards({});
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    ctx.log(`Dashboards rebuilt in ${seconds} s → ${outDir}`);
    // the committee briefs of the centres whose page changed, and links to all of them in the new site
    await enqueue(helpers.addJob, "make_briefs", {});
    return { outDir, seconds };
  },
});
