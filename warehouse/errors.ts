/**
 * The warehouse's expected failures, in a module of their own with no imports: the commands check
 * them with `instanceof` (cli/command.ts), and importing warehouse/build.ts for that would load the
 * whole pipeline (extractors, zod, yaml, DuckDB) into every command, `npm run sql` included.
 */
import type { DataTest } from "./models.ts";

/** The failing rows of a test that lead to one document (its document_id, or an observation_id of it). */
export interface FailingDocument {
  documentId: string;
  rows: number;
  /** A few of its figures in the failing rows, for people: "line 12 families_assisted 2024". */
  figures: string[];
}

export interface TestOutcome extends DataTest {
  failures: number;
  passed: boolean;
  /** For a failed error test: the documents its failing rows lead to (empty when none does). */
  documents?: FailingDocument[];
  /** For a failed error test: failing rows that lead to no document (no document_id, no known observation_id). */
  unattributedRows?: number;
}

/** `✗ marts.x: name (description) — N failing row(s)` */
export const describeFailedTest = (t: TestOutcome) =>
  `${t.model}: ${t.name} (${t.description}) — ${t.failures} failing row(s)`;

/** Raised when an error-severity data test fails: the build is not published. */
export class DataTestsFailed extends Error {
  constructor(readonly failed: TestOutcome[]) {
    super(
      `${failed.length} data test(s) of severity error failed; the build was not published:\n${failed
        .map((t) => {
          const docs = t.documents?.length
            ? `; rows of document(s) ${t.documents.map((d) => d.documentId).join(", ")}`
            : "";
          return `  ✗ ${describeFailedTest(t)}${docs}`;
        })
        .join("\n")}`,
    );
    this.name = "DataTestsFailed";
  }

  /**
   * The documents the failing rows lead to, when every failing row of every failed test leads to one;
   * null when some failure cannot be traced to a document (then no document can be blamed).
   */
  get documentIds(): string[] | null {
    if (
      this.failed.some(
        (t) => t.documents === undefined || (t.unattributedRows ?? 0) > 0 || t.documents.length === 0,
      )
    )
      return null;
    return [...new Set(this.failed.flatMap((t) => (t.documents ?? []).map((d) => d.documentId)))].sort();
  }

  /** Why a document is blamed: the failed tests whose rows lead to it, and which of its figures. */
  reasonFor(documentId: string): string | null {
    const parts = this.failed.flatMap((t) => {
      const d = t.documents?.find((x) => x.documentId === documentId);
      if (!d) return [];
      const figures = d.figures.length
        ? `: ${d.figures.join("; ")}${d.rows > d.figures.length ? "; …" : ""}`
        : "";
      return [
        `fails data test ${t.model}: ${t.name} (${t.description}) — ${d.rows} failing row(s)${figures}`,
      ];
    });
    return parts.length ? parts.join("; ") : null;
  }
}
