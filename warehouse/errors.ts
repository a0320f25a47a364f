/**
 * The warehouse's expected failures, in a module of their own with no imports: the commands check
 * them with `instanceof` (cli/command.ts), and importing warehouse/build.ts for that would load the
 * whole pipeline (extractors, zod, yaml, DuckDB) into every command, `npm run sql` included.
 */
import type { DataTest } from "./models.ts";

export interface TestOutcome extends DataTest {
  failures: number;
  passed: boolean;
}

/** Raised when an error-severity data test fails: the build is not published. */
export class DataTestsFailed extends Error {
  constructor(readonly failed: TestOutcome[]) {
    super(
      `${failed.length} data test(s) of severity error failed; the build was not published:\n${failed
        .map((t) => `  ✗ ${t.model}: ${t.name} (${t.description}) — ${t.failures} failing row(s)`)
        .join("\n")}`,
    );
    this.name = "DataTestsFailed";
  }
}
