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
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // DuckDB and Postgres tests are heavy: two cores, two forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
