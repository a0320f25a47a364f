import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDataDir, ROOT } from "../tests/helpers/cli.ts";

/**
 * The benchmark runs end to end at a tiny scale and reports what it promises. No figure is asserted
 * (benchmarks never fail CI on a slow machine); the incremental build must equal a full build.
 */
describe("npm run bench at --scale 5", () => {
  it("prints one JSON object with the figures as its last line", () => {
    const work = freshDataDir("obs-bench-test-");
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "bench", "run.ts"),
        "--scale",
        "5",
        "--repeat",
        "1",
        "--reports",
        "8",
        "--json",
        "--data",
        work,
        "--skip",
        // site: a whole Framework build and Chromium (bench/site-run.ts) would not fit the hang guard
        "variant,site",
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 280_000 }, // a hang guard inside the test's 5 min: 77–110 s on a loaded machine
    );
    rmSync(work, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    const last = r.stdout.trim().split("\n").at(-1) as string;
    const figures = JSON.parse(last) as Record<string, unknown>;
    for (const key of [
      "observations",
      "full_build_s",
      "baseline_s",
      "ratio",
      "incremental_s",
      "incremental_ratio",
      "query_ratio",
    ]) {
      expect(figures, key).toHaveProperty(key);
      expect(typeof figures[key], key).toBe("number");
    }
    expect(figures.observations).toBe(5920);
    expect((figures.full_build as { max_rss_mb?: number }).max_rss_mb).toBeGreaterThan(0);
    expect(figures.verify).toMatchObject({ equal: true });
    expect(figures).toHaveProperty("worker");
    expect(figures).toHaveProperty("dashboards");
    expect(figures.site).toEqual({ status: "skipped (--skip site)" });
  });
});
