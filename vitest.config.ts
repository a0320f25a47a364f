import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "sources/**/*.test.ts",
      "pipelines/**/*.test.ts",
      "models/**/*.test.ts",
      "cli/**/*.test.ts",
      "lib/**/*.test.ts",
      "warehouse/**/*.test.ts",
      "tests/**/*.test.ts",
      "dashboards/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    // One folder per run for data dirs every file would otherwise prepare again (tests/helpers/prepared.ts).
    globalSetup: ["tests/helpers/prepared.ts"],
    // Guards against a hang, not timings: a loaded two-core machine runs a dashboards build or a corpus of
    // commands several times slower than an idle one.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // DuckDB and Postgres tests are heavy: two cores, two forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
