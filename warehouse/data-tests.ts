/**
 * The data tests, one runner for every build: all of them in a full build; in an incremental build
 * those that read a table the build changed, on the touched centres' rows when the test checks per
 * centre (it reads build.touched_centres) and nothing it reads changed beyond those centres, whole
 * otherwise. Failed warnings go into marts.data_quality (replacing the same test's earlier rows for
 * what it checked); failed errors throw DataTestsFailed, and the build is not published.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { faultPoint } from "../lib/faults.ts";
import { openDuckDb, queryRows } from "./duckdb.ts";
import { DataTestsFailed, type FailingDocument, type TestOutcome } from "./errors.ts";
import { type Log, silent } from "./log.ts";
import { type DataTest, loadModels, type Model, TOUCHED_CENTRES } from "./models.ts";
import { type Scope, setScope } from "./scope.ts";

/** The table failed warnings are written into, and the check_name prefix that marks them. */
export const WARNINGS_TABLE = "marts.data_quality";
export const WARNING_PREFIX = "test:";

/**
 * What a build changed: every table (a full build), or the tables whose touched centres' rows changed
 * (`byCentre`) and those that changed beyond them (`whole`), with the touched centres.
 */
export type Changes =
  | { kind: "full" }
  | { kind: "partial"; centres: string[]; byCentre: ReadonlySet<string>; whole: ReadonlySet<string> };

/** Columns a test's failing rows may carry into marts.data_quality. */
const QUALITY_COLUMNS = ["centre_id", "period_id", "metric_id", "breakdown", "document_id", "line"] as const;

/** A column name that needs no quoting (the only ones read from a test's failing rows). */
const PLAIN_COLUMN = /^[a-z_][a-z0-9_]*$/;

const columnsOf = async (connection: DuckDBConnection, sql: string) =>
  (await connection.runAndReadAll(`select * from (${sql}) limit 0`)).columnNames();

/**
 * The documents a failed test's rows lead to: a row's document_id, or the document of its
 * observation_id (or of a *_observation_id column) in staging.stg_observations. Rows that lead to none
 * are counted as unattributed.
 */
export async function failingDocuments(
  connection: DuckDBConnection,
  test: DataTest,
): Promise<{ documents: FailingDocument[]; unattributedRows: number }> {
  const cols = (await columnsOf(connection, test.sql)).filter((c) => PLAIN_COLUMN.test(c));
  const idCol = cols.includes("observation_id")
    ? "observation_id"
    : cols.find((c) => c.endsWith("_observation_id"));
  const own = (c: string, type = "varchar") =>
    cols.includes(c) ? `cast(f.${c} as ${type})` : `null::${type}`;
  const joined = idCol !== undefined;
  const from = joined
    ? `(${test.sql}) f left join staging.stg_observations o on o.observation_id = cast(f.${idCol} as varchar)`
    : `(${test.sql}) f`;
  const viaObs = (c: string, type = "varchar") => (joined ? `cast(o.${c} as ${type})` : `null::${type}`);
  const rows = await queryRows(
    connection,
    `with a as (
       select coalesce(${own("document_id")}, ${viaObs("document_id")}) as document_id,
         concat_ws(' ',
           'line ' || coalesce(${own("line", "integer")}, ${viaObs("line", "integer")}),
           coalesce(${own("metric_id")}, ${viaObs("metric_id")}),
           coalesce(${own("breakdown")}, ${viaObs("breakdown")}),
           coalesce(${own("period_id")}, ${viaObs("period_id")})) as figure
       from ${from}
     )
     select document_id, count(*) as n,
       list(distinct figure order by figure) filter (where figure <> '') as figures
     from a group by document_id order by document_id nulls last`,
  );
  const documents: FailingDocument[] = [];
  let unattributedRows = 0;
  for (const r of rows) {
    if (r.document_id === null || r.document_id === undefined) unattributedRows += Number(r.n);
    else
      documents.push({
        documentId: String(r.document_id),
        rows: Number(r.n),
        figures: ((r.figures as string[] | null) ?? []).slice(0, FIGURES_PER_DOCUMENT),
      });
  }
  return { documents, unattributedRows };
}

/** Figures described per document in a failed test's reason. */
const FIGURES_PER_DOCUMENT = 5;

/**
 * Write a failed warning test's rows into marts.data_quality, after removing its earlier rows for what
 * it checks (the touched centres when `perCentre`, else all of them).
 */
async function recordWarning(
  connection: DuckDBConnection,
  test: DataTest,
  perCentre: boolean,
  failures: number,
): Promise<void> {
  const checkName = `${WARNING_PREFIX}${test.model}.${test.name}`;
  const touched = `centre_id in (select centre_id from ${TOUCHED_CENTRES})`;
  await connection.run(
    `delete from ${WARNINGS_TABLE} where check_name = $1${perCentre ? ` and ${touched}` : ""}`,
    [checkName],
  );
  if (failures === 0) return;
  const cols = await columnsOf(connection, test.sql);
  if (perCentre && !cols.includes("centre_id"))
    throw new Error(
      `data test ${test.model}: ${test.name} checks the touched centres (it reads ${TOUCHED_CENTRES}), so its failing rows must carry centre_id`,
    );
  const pick = (c: string, type: string) => (cols.includes(c) ? `cast(${c} as ${type})` : `null::${type}`);
  const message = cols.includes("message_pl")
    ? "message_pl"
    : `$2 || coalesce(': ' || ${cols.includes("centre_id") ? "centre_id" : "null"}, '')`;
  const select = QUALITY_COLUMNS.map((c) => pick(c, c === "line" ? "integer" : "varchar")).join(", ");
  await connection.run(
    `insert into ${WARNINGS_TABLE} (centre_id, period_id, metric_id, breakdown, document_id, line, check_name, severity, message_pl)
     select ${select}, $1, 'warn', ${message}
     from (${test.sql}) ${perCentre ? `where ${touched}` : ""}`,
    cols.includes("message_pl") ? [checkName] : [checkName, `Test „${test.description}” nie przeszedł`],
  );
}

/** Count each test's failing rows, the tests of one model in one query (their round trips cost most). */
async function countFailures(connection: DuckDBConnection, tests: DataTest[]): Promise<number[]> {
  try {
    const [row] = await queryRows(
      connection,
      `select ${tests.map((t, i) => `(select count(*) from (${t.sql})) as n${i}`).join(", ")}`,
    );
    return tests.map((_, i) => Number(row?.[`n${i}`] ?? 0));
  } catch {
    // One of them cannot run: find which, one by one.
    const counts: number[] = [];
    for (const test of tests) {
      try {
        const [row] = await queryRows(connection, `select count(*) as n from (${test.sql})`);
        counts.push(Number(row?.n ?? 0));
      } catch (e) {
        throw new Error(`data test ${test.model}: ${test.name} could not run: ${(e as Error).message}`);
      }
    }
    return counts;
  }
}

/** Which tests a build runs, and on what: `centres` (the touched ones) or `all`. */
export function testPlan(models: Model[], changes: Changes): { test: DataTest; scope: "centres" | "all" }[] {
  const out: { test: DataTest; scope: "centres" | "all" }[] = [];
  for (const test of models.flatMap((m) => m.tests)) {
    if (changes.kind === "full") {
      out.push({ test, scope: "all" });
      continue;
    }
    if (!test.reads.some((t) => changes.byCentre.has(t) || changes.whole.has(t))) continue;
    const whole = !test.perCentre || test.reads.some((t) => changes.whole.has(t));
    out.push({ test, scope: whole ? "all" : "centres" });
  }
  return out;
}

/**
 * Run the data tests a build needs (testPlan), in model order (a warning lands in data_quality before
 * data_quality's own tests run). Returns every outcome and the failed warning tests of the whole build
 * (touched or not, each has its rows in data_quality); throws DataTestsFailed on a failed error test,
 * its failing rows traced to documents where they lead to one.
 */
export async function runDataTests(
  connection: DuckDBConnection,
  changes: Changes,
  opts: { log?: Log; models?: Model[] } = {},
): Promise<{ outcomes: TestOutcome[]; warnings: number }> {
  const log = opts.log ?? silent;
  const planned = testPlan(opts.models ?? (await loadModels(undefined, connection)), changes);
  log(
    changes.kind === "full"
      ? `Running ${planned.length} data tests…`
      : `Running ${planned.length} data tests on the touched centres…`,
  );
  let current: "centres" | "all" | null = null;
  const scope = async (s: "centres" | "all") => {
    if (s === current) return;
    const to: Scope = s === "all" || changes.kind === "full" ? "all" : changes.centres;
    await setScope(connection, to);
    current = s;
  };
  // Consecutive tests of one model and one scope are counted together.
  const groups: { scope: "centres" | "all"; tests: DataTest[] }[] = [];
  for (const { test, scope: s } of planned) {
    const last = groups[groups.length - 1];
    if (last && last.scope === s && last.tests[0]?.model === test.model) last.tests.push(test);
    else groups.push({ scope: s, tests: [test] });
  }
  const outcomes: TestOutcome[] = [];
  for (const [g, group] of groups.entries()) {
    if (g === Math.floor(groups.length / 2)) faultPoint("test:mid-tests");
    await scope(group.scope);
    const counts = await countFailures(connection, group.tests);
    for (const [i, test] of group.tests.entries()) {
      const failures = counts[i] ?? 0;
      const outcome: TestOutcome = { ...test, failures, passed: failures === 0 };
      outcomes.push(outcome);
      if (test.severity === "warn")
        await recordWarning(connection, test, group.scope === "centres", failures);
      if (failures === 0) continue;
      log(
        `  ${test.severity === "error" ? "✗ ERROR" : "! warn"} ${test.model}: ${test.name} — ${failures} row(s)`,
      );
      if (test.severity === "error") {
        // Which documents the failing rows lead to (a failure that cannot be traced names none).
        const traced = await failingDocuments(connection, test).catch(() => ({
          documents: [],
          unattributedRows: failures,
        }));
        Object.assign(outcome, traced);
      }
    }
  }
  await scope("all");
  const failedErrors = outcomes.filter((t) => !t.passed && t.severity === "error");
  const [row] = await queryRows(
    connection,
    `select count(distinct check_name) as n from ${WARNINGS_TABLE} where starts_with(check_name, $1)`,
    [WARNING_PREFIX],
  );
  const warnings = Number(row?.n ?? 0);
  log(
    `  ${outcomes.filter((t) => t.passed).length} passed, ${outcomes.filter((t) => !t.passed && t.severity === "warn").length} warnings, ${failedErrors.length} errors`,
  );
  if (failedErrors.length > 0) throw new DataTestsFailed(failedErrors);
  return { outcomes, warnings };
}

/**
 * Run every data test of a full build in its file (the service's run_data_tests, refresh, the
 * benchmark). Failed warnings are written into marts.data_quality; failed errors throw DataTestsFailed
 * (the caller leaves the published snapshot untouched).
 */
export async function testWarehouse(
  buildPath: string,
  opts: { log?: Log } = {},
): Promise<{ outcomes: TestOutcome[]; errors: number; warnings: number }> {
  const db = await openDuckDb(buildPath);
  try {
    const result = await runDataTests(db.connection, { kind: "full" }, opts);
    await db.connection.run("checkpoint");
    return { ...result, errors: 0 };
  } finally {
    db.close();
  }
}
