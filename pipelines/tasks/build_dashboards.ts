import { defineTask, enqueue } from "../context.ts";

/**
 * Publish the dashboards' data from the published snapshot (the pages fetch it: visible at once), and
 * rebuild the site (Observable Framework, offline) only if its code changed (dashboards/build.ts).
 */
export default defineTask({
  name: "build_dashboards",
  async run(_payload, ctx, helpers) {
    const started = performance.now();
    const { outDir } = await ctx.buildDashboards({});
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    // "rebuilt": the data is; the site only if its code changed (tests wait for this line)
    ctx.log(`Dashboards rebuilt in ${seconds} s → ${outDir}`);
    // the committee briefs of the centres whose page changed, and links to all of them in the new site
    await enqueue(helpers.addJob, "make_briefs", {});
    return { outDir, seconds };
  },
});
