/**
 * Which BDL variable gives each measure. No variable id is taken on trust: each is resolved through the
 * `variables` endpoint (or `subjects/search` then `variables`) and must be the total ("ogółem" in every
 * dimension) of the expected subject, so a renumbered or reorganised table fails loudly instead of
 * giving another count under the old name.
 */
import { type BdlClient, BdlFetchFailed, getAllPages } from "./client.ts";
import {
  dimensionsOf,
  isTotal,
  SubjectsPage,
  type Variable,
  Variable as VariableSchema,
  VariablesPage,
} from "./responses.ts";
import type { Measure } from "./store.ts";

export interface MeasureSpec {
  measure: Measure;
  what_pl: string;
  /** How to find the variable: by its id (checked), by its subject, or by searching subject names. */
  find: { variableId: number } | { subjectId: string } | { subjectSearch: string };
  /** The day the figure is of, for a year; null for a count over the whole year. */
  referenceDate: (year: number) => string | null;
  /** A measure BDL may not have at gmina level: not found is a note, not a failure. */
  optional?: boolean;
}

export const MEASURE_SPECS: readonly MeasureSpec[] = [
  {
    measure: "population_31_dec",
    what_pl: "ludność ogółem, stan 31 XII",
    // The variable everyone uses for the total population (DOMAIN.md); checked below against `variables/72305`.
    find: { variableId: 72305 },
    referenceDate: (y) => `${y}-12-31`,
  },
  {
    measure: "population_mid_year",
    what_pl: "ludność ogółem, stan 30 VI",
    find: { subjectSearch: "30 VI" },
    referenceDate: (y) => `${y}-06-30`,
    optional: true,
  },
  {
    measure: "assistance_beneficiaries",
    what_pl: "beneficjenci środowiskowej pomocy społecznej (G553, wg kryterium dochodowego: ogółem)",
    find: { subjectId: "P3538" },
    referenceDate: () => null,
  },
  {
    measure: "assistance_households",
    what_pl: "gospodarstwa domowe korzystające ze środowiskowej pomocy społecznej (G553: ogółem)",
    find: { subjectId: "P3536" },
    referenceDate: () => null,
  },
];

export interface ResolvedMeasure {
  spec: MeasureSpec;
  variable: Variable;
  /** The address the variable was checked at. */
  checkedAt: string;
}

/** A person's name of a variable: its id, subject and dimensions. */
const describe = (v: Variable) =>
  `${v.id} (${v.subjectId}: ${dimensionsOf(v).join(", ") || "—"}${v.measureUnitName ? ` [${v.measureUnitName}]` : ""})`;

/** A total of persons or households, not a share or a rate. */
const isCount = (v: Variable) => !/%|‰|na 1|na 10/.test(v.measureUnitName ?? "");

async function variablesOfSubject(client: BdlClient, subjectId: string) {
  const url = client.url("variables", { "subject-id": subjectId, "page-size": 100 });
  const { pages } = await getAllPages(client, url, VariablesPage);
  return { url, variables: pages.flatMap((p) => p.results) };
}

/**
 * Resolve a measure's variable. Returns null for an optional measure BDL has no variable for (with the
 * reason in `notes`); throws BdlFetchFailed when the variable is not what the measure needs.
 */
export async function resolveMeasure(
  client: BdlClient,
  spec: MeasureSpec,
  notes: string[],
): Promise<ResolvedMeasure | null> {
  const wrong = (detail: string) =>
    new BdlFetchFailed(
      "malformed",
      `BDL: nie można ustalić zmiennej dla „${spec.what_pl}”: ${detail} — the BDL variable of ${spec.measure} could not be resolved`,
    );
  if ("variableId" in spec.find) {
    const url = client.url(`variables/${spec.find.variableId}`);
    const r = await client.get(url);
    const parsed = VariableSchema.safeParse(r.body);
    if (!parsed.success) {
      await client.forget(url);
      throw wrong(`odpowiedź variables/${spec.find.variableId} ma nieoczekiwany układ`);
    }
    const v = parsed.data;
    if (v.id !== spec.find.variableId || !isTotal(v) || !isCount(v))
      throw wrong(`zmienna ${describe(v)} nie jest sumą ogółem`);
    return { spec, variable: v, checkedAt: url };
  }
  let candidates: Variable[] = [];
  let checkedAt = "";
  if ("subjectId" in spec.find) {
    const found = await variablesOfSubject(client, spec.find.subjectId);
    candidates = found.variables;
    checkedAt = found.url;
  } else {
    const url = client.url("subjects/search", { name: spec.find.subjectSearch, "page-size": 100 });
    const { pages } = await getAllPages(client, url, SubjectsPage);
    // Only subjects with gmina-level data (level 6) when the response says which levels it has.
    const subjects = pages.flatMap((p) => p.results).filter((s) => !s.levels || s.levels.includes(6));
    for (const s of subjects) {
      const found = await variablesOfSubject(client, s.id);
      candidates.push(...found.variables);
      checkedAt ||= found.url;
    }
    if (subjects.length === 0) {
      notes.push(
        `BDL nie ma tematu „${spec.find.subjectSearch}” z danymi dla gmin: ${spec.measure} pominięto — no BDL subject for ${spec.measure} at gmina level`,
      );
      return null;
    }
  }
  const totals = candidates.filter(
    (v) => isTotal(v) && isCount(v) && (v.level === undefined || v.level >= 6),
  );
  if (totals.length === 1 && totals[0]) return { spec, variable: totals[0], checkedAt };
  if (totals.length === 0 && spec.optional) {
    notes.push(
      `BDL nie podaje „${spec.what_pl}” dla gmin: pominięto — BDL has no gmina-level total for ${spec.measure}`,
    );
    return null;
  }
  throw wrong(
    totals.length === 0
      ? `żadna zmienna tematu nie jest sumą ogółem (${candidates.map(describe).join("; ") || "brak zmiennych"})`
      : `kilka zmiennych pasuje: ${totals.map(describe).join("; ")}`,
  );
}
