// The public build of the dashboards: small counts of persons are suppressed (statistical disclosure
// control), so that a published page cannot point at the few families or people behind a figure.
// The internal build (the default) shows every figure as the reports state it.
//
// It works on a private copy of the snapshot that every loader of the build then reads, so pages,
// downloads and the SQL console all see the same suppressed data, and nothing that the pages do not
// show (raw, staging and intermediate schemas) is left in it. The published warehouse itself is never touched.
import { DuckDBInstance, listValue } from "@duckdb/node-api";
import { type SqlParams, sqlIdentifier } from "../warehouse/duckdb.ts";

/** Counts from 1 to THRESHOLD − 1 are suppressed; 0 is kept (it identifies nobody). */
export const SMALL_COUNT_THRESHOLD = 5;

/** Units that count people or their households. Other units (hours, PLN, meetings, forms…) stay. */
const PERSON_UNITS = ["persons", "families", "children", "cases"];

/** Staff and population counts are persons too, but not clients of the centre: nobody to protect. */
const NOT_CLIENTS_SQL = `(metric_id like 'staff\\_%' escape '\\' or metric_id in ('social_workers', 'family_assistants', 'residents'))`;

const HIDDEN_QUOTE = "ukryto: mniej niż 5 osób lub rodzin (wersja publiczna)";

export interface SuppressionSummary {
  /** Figures whose value and quote were hidden. */
  figures: number;
  threshold: number;
}

/**
 * Suppress small person-level counts in the DuckDB file at `path` (a private copy, opened read-write):
 * value → null, quote and data-quality message → a note, flag `suppressed`; ratios and shares built on a
 * suppressed figure → null. Raw, staging and intermediate schemas are dropped: the public site reads marts only.
 */
export async function suppressSmallCounts(path: string): Promise<SuppressionSummary> {
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  // Values are bound ($hidden, $threshold, …); table and column names, which cannot be, are quoted.
  const run = (sql: string, params?: SqlParams) => db.run(sql, params);
  const hidden = { hidden: HIDDEN_QUOTE };
  const threshold = { threshold: SMALL_COUNT_THRESHOLD };
  const columnsOf = async (table: string) =>
    new Set(
      (
        await (
          await db.runAndReadAll(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = $1",
            [table],
          )
        ).getRowObjectsJS()
      ).map((r) => String(r.column_name)),
    );
  try {
    await run("begin");
    // every version of every figure: history holds superseded values the current marts no longer show
    await run(
      `create temp table suppressed as
      select distinct observation_id, document_id, line, quote from marts.observation_history
      where list_contains($units, unit) and value > 0 and value < $threshold
        and not ${NOT_CLIENTS_SQL}`,
      { units: listValue(PERSON_UNITS), ...threshold },
    );
    const figures = Number(
      (await (await db.runAndReadAll("select count(*)::int as n from suppressed")).getRowObjectsJS())[0]?.n,
    );
    const tables = (
      await (
        await db.runAndReadAll(
          "select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'BASE TABLE'",
        )
      ).getRowObjectsJS()
    ).map((r) => String(r.table_name));
    for (const table of tables) {
      const cols = await columnsOf(table);
      const t = `marts.${sqlIdentifier(table)}`;
      if (cols.has("observation_id")) {
        const sets = [
          cols.has("value") && "value = null",
          cols.has("quote") && "quote = $hidden",
          cols.has("flags") && "flags = list_append(coalesce(flags, []), 'suppressed')",
          cols.has("families") && "families = null",
          cols.has("share") && "share = null",
        ].filter(Boolean);
        if (sets.length > 0)
          await run(
            `update ${t} set ${sets.join(", ")} where observation_id in (select observation_id from suppressed)`,
            cols.has("quote") ? hidden : undefined,
          );
      }
      // One sentence may state several figures ("30 osób, w tym 2 dzieci"; a label spanning two lines):
      // the others keep their values, but any text holding a hidden figure's sentence would give it away.
      const texts = ["quote", "label", "note"].filter((c) => cols.has(c));
      if (texts.length > 0) {
        const sameSentence = [
          cols.has("document_id") && cols.has("line")
            ? "(t.document_id, t.line) = (s.document_id, s.line)"
            : null,
          ...texts.map((c) => `contains(t.${sqlIdentifier(c)}, s.quote)`),
        ].filter(Boolean);
        await run(
          `update ${t} as t set ${texts.map((c) => (c === "quote" ? "quote = $hidden" : `${sqlIdentifier(c)} = null`)).join(", ")}
          where exists (select 1 from suppressed s where ${sameSentence.join(" or ")})`,
          texts.includes("quote") ? hidden : undefined,
        );
      }
      // a derived figure (a rate, a harmonised total, year − H1, a ratio) would give a hidden count back
      // through its value, its formula text or its note: hidden too, wherever it cites a hidden figure
      if (cols.has("source_ids")) {
        const derived = [
          "value",
          "rate_per_10k",
          "formula_pl",
          "rate_formula_pl",
          "numerator",
          "denominator",
          "ratio",
          "exceeds_norm",
        ]
          .filter((c) => cols.has(c))
          .map((c) => `${c} = null`);
        if (cols.has("note_pl")) derived.push(`note_pl = '${HIDDEN_QUOTE}'`);
        if (cols.has("verdict")) derived.push("verdict = 'brak danych'");
        if (cols.has("flags")) derived.push("flags = list_append(coalesce(flags, []), 'suppressed')");
        if (derived.length > 0)
          await run(`update ${t} set ${derived.join(", ")}
            where list_has_any(source_ids, (select list(observation_id) from suppressed))`);
      }
      if (cols.has("numerator_observation_id")) {
        await run(`update ${t} set numerator = null, ratio = null, exceeds_norm = null
          where numerator_observation_id in (select observation_id from suppressed)`);
        await run(`update ${t} set denominator = null, ratio = null, exceeds_norm = null
          where denominator_observation_id in (select observation_id from suppressed)`);
      }
      if (cols.has("message_pl") && cols.has("line")) {
        // a data-quality message may quote the value it is about
        await run(
          `update ${t} set message_pl = $hidden
          where (document_id, line) in (select (document_id, line) from suppressed)`,
          hidden,
        );
      }
    }
    // marts.families is wide (one column per metric, no provenance): hide its small person counts directly
    const families = await columnsOf("families");
    for (const col of families) {
      if (!col.startsWith("families_")) continue;
      const c = sqlIdentifier(col);
      await run(`update marts.families set ${c} = null where ${c} > 0 and ${c} < $threshold`, threshold);
    }
    const reasons = await columnsOf("assistance_reasons");
    if (reasons.has("families_assisted"))
      await run(
        `update marts.assistance_reasons set families_assisted = null, share = null
        where families_assisted > 0 and families_assisted < $threshold`,
        threshold,
      );
    await run("drop schema if exists raw cascade");
    await run("drop schema if exists staging cascade");
    // intermediate.int_comparable_figures holds marts.comparable's values and formulas unsuppressed
    // (the mart keeps the comparable definitions' rows of it); no page reads the intermediate models.
    await run("drop schema if exists intermediate cascade");
    await run("commit");
    await run("checkpoint");
    return { figures, threshold: SMALL_COUNT_THRESHOLD };
  } catch (e) {
    await run("rollback").catch(() => {});
    throw e;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
