import { defineTask } from "../context.ts";

/** Rebuild the dashboards from the published snapshot (Observable Framework, offline). */
export default defineTask({
  name: "build_dashboards",
  async run(_payload, ctx) {
    const started = performance.now();
    const { outDir } = await ctx.buildDashboards({});
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    ctx.log(`Dashboards rebuilt in ${seconds} s → ${outDir}`);
    return { outDir, seconds };
  },
});
