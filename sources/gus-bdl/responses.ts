/**
 * The GUS Bank Danych Lokalnych API's responses (https://bdl.stat.gov.pl/api/v1, JSON), as zod schemas,
 * and the pure readings of them the connector needs: units of gmina level with their TERYT codes, variables,
 * and values. No HTTP here (client.ts); every response is parsed with these before anything reads it.
 */
import { z } from "zod";

/** The paging block every list response carries; `next` is absent on the last page. */
export const Links = z
  .object({
    first: z.string().optional(),
    prev: z.string().optional(),
    self: z.string().optional(),
    next: z.string().optional(),
    last: z.string().optional(),
  })
  .partial();

const Page = {
  totalRecords: z.number().int().nonnegative(),
  page: z.number().int().nonnegative().optional(),
  pageSize: z.number().int().positive().optional(),
  links: Links.optional(),
};

/** One territorial unit (`units`): id is BDL's own 12-character id, not a TERYT code. */
export const Unit = z.object({
  id: z.string().regex(/^\d{12}$/, "a BDL unit id has 12 digits"),
  name: z.string().min(1),
  parentId: z.string().optional(),
  level: z.number().int().min(0).max(7),
  kind: z.string().optional(),
});
export type Unit = z.infer<typeof Unit>;
export const UnitsPage = z.object({ ...Page, results: z.array(Unit) });

/** One variable (`variables`, `variables/{id}`): n1…n5 name its dimensions' values ("ogółem"…). */
export const Variable = z.object({
  id: z.number().int().positive(),
  subjectId: z.string().min(1),
  n1: z.string().optional(),
  n2: z.string().optional(),
  n3: z.string().optional(),
  n4: z.string().optional(),
  n5: z.string().optional(),
  level: z.number().int().optional(),
  measureUnitId: z.number().int().optional(),
  measureUnitName: z.string().optional(),
});
export type Variable = z.infer<typeof Variable>;
export const VariablesPage = z.object({ ...Page, results: z.array(Variable) });

/** One subject (`subjects/search`): a group of variables ("P2137"), with the levels it has data for. */
export const Subject = z.object({
  id: z.string().min(1),
  name: z.string(),
  parentId: z.string().optional(),
  levels: z.array(z.number().int()).optional(),
});
export const SubjectsPage = z.object({ ...Page, results: z.array(Subject) });

/** A value: `year` is text in the API; attrId 1 is a plain value, other attributes qualify it. */
export const Value = z.object({
  year: z.union([z.string().regex(/^\d{4}$/), z.number().int()]).transform(Number),
  val: z.number().nullable(),
  attrId: z.number().int(),
});

/** `data/by-unit/{unitId}`: the unit's values, one result per variable. */
export const DataByUnitPage = z.object({
  ...Page,
  unitId: z.string().regex(/^\d{12}$/),
  unitName: z.string(),
  results: z.array(
    z.object({
      id: z.number().int().positive(),
      measureUnitId: z.number().int().optional(),
      values: z.array(Value),
    }),
  ),
});
export type DataByUnitPage = z.infer<typeof DataByUnitPage>;

/** The attribute of a plain value (BDL's `attributes` list: 1 has no symbol); others are not taken as figures. */
export const PLAIN_VALUE = 1;

/** A gmina of the official register as BDL lists it at level 6. */
export interface RegisterUnit {
  teryt: string;
  unit_id: string;
  name: string;
  /** The gmina's kind, TERYT's seventh digit (1 urban, 2 rural, 3 urban-rural, 4/5 its town / rural part, 8/9 districts). */
  kind: string;
}

/**
 * The TERYT (TERC) code of a BDL unit of gmina level. BDL's 12-digit id is region (2), voivodeship (2),
 * region (1), subregion (2), powiat (2), gmina (2), kind (1): the TERC code is the voivodeship, powiat,
 * gmina and kind parts. Checked against the unit's `kind` when the response gives it, so a unit whose id
 * does not follow that layout is refused rather than mapped to a wrong gmina. Null for other levels.
 */
export function terytOfUnit(unit: Unit): string | null {
  if (unit.level !== 6) return null;
  const teryt = unit.id.slice(2, 4) + unit.id.slice(7, 12);
  if (unit.kind !== undefined && unit.kind !== teryt.slice(6)) {
    throw new Error(
      `jednostka BDL ${unit.id} (${unit.name}): rodzaj ${unit.kind} nie zgadza się z identyfikatorem — ` +
        `unit ${unit.id}: its kind ${unit.kind} does not match its id (expected ${teryt.slice(6)})`,
    );
  }
  return teryt;
}

/** The gminas of a units listing (level 6), by TERYT; a TERYT given twice is an error. */
export function registerOf(units: readonly Unit[]): RegisterUnit[] {
  const out = new Map<string, RegisterUnit>();
  for (const unit of units) {
    const teryt = terytOfUnit(unit);
    if (teryt === null) continue;
    const other = out.get(teryt);
    if (other)
      throw new Error(
        `dwie jednostki BDL o tym samym kodzie TERYT ${teryt} (${other.unit_id}, ${unit.id}) — two BDL units map to TERYT ${teryt}`,
      );
    out.set(teryt, { teryt, unit_id: unit.id, name: unit.name, kind: teryt.slice(6) });
  }
  return [...out.values()].sort((a, b) => a.teryt.localeCompare(b.teryt));
}

/** The dimension names of a variable (n1…n5) that it has. */
export const dimensionsOf = (v: Variable) =>
  [v.n1, v.n2, v.n3, v.n4, v.n5].filter((n): n is string => n !== undefined && n.trim() !== "");

/** True when every dimension of the variable is its total ("ogółem"): the variable is the whole count. */
export const isTotal = (v: Variable) => dimensionsOf(v).every((n) => /^ogółem$/i.test(n.trim()));
