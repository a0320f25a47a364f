/**
 * The reference data kept in $OBS_DATA_DIR/reference/: the last good normalised figures (figures.csv),
 * the official register of gminas as BDL last listed it (units.csv), and what the last attempt did
 * (status.json). Each file is replaced whole (files.ts), so a failed fetch or import leaves the last good
 * data as it was. Every build loads figures.csv (warehouse/raw.ts).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { csvFormat, csvParse } from "d3";
import { z } from "zod";
import { atomicWrite } from "./files.ts";

export const MEASURES = [
  "population_31_dec",
  "population_mid_year",
  "assistance_beneficiaries",
  "assistance_households",
] as const;
export const Measure = z.enum(MEASURES);
export type Measure = z.infer<typeof Measure>;

/** One official figure with its provenance (the columns of figures.csv and raw.reference_figures, less centre_id). */
export const ReferenceFigure = z.object({
  teryt: z.string().regex(/^\d{7}$/),
  measure: Measure,
  year: z.coerce.number().int().min(1990).max(2100),
  /** The day the figure is of (31 XII, 30 VI); empty for counts over the whole year. */
  reference_date: z
    .string()
    .transform((s) => (s.trim() === "" ? null : s))
    .pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullable(),
    ),
  value: z.coerce.number().finite(),
  variable_id: z.string().min(1),
  unit_id: z.string().min(1),
  source_url: z.string().min(1),
  retrieved_at: z.string().datetime({ offset: true }),
  /** bdl-api, or bdl-csv:<file name> for an imported export of the BDL website. */
  origin: z.string().regex(/^(bdl-api|bdl-csv:.+)$/),
  /** The unit's name as BDL gives it (for a person reading the file). */
  unit_name: z.string().optional().default(""),
});
export type ReferenceFigure = z.infer<typeof ReferenceFigure>;

export const FIGURE_COLUMNS = [
  "teryt",
  "measure",
  "year",
  "reference_date",
  "value",
  "variable_id",
  "unit_id",
  "source_url",
  "retrieved_at",
  "origin",
  "unit_name",
] as const;

export const RegisterRow = z.object({
  teryt: z.string().regex(/^\d{7}$/),
  unit_id: z.string().regex(/^\d{12}$/),
  name: z.string().min(1),
  kind: z.string(),
});
export type RegisterRow = z.infer<typeof RegisterRow>;

export const Status = z.object({
  /** The last attempt: a fetch or an import, when, and what happened. */
  last: z
    .object({
      action: z.enum(["fetch", "import"]),
      at: z.string(),
      ok: z.boolean(),
      message: z.string(),
    })
    .nullable(),
  /** The last attempt that changed the data. */
  last_good: z
    .object({ action: z.enum(["fetch", "import"]), at: z.string(), message: z.string() })
    .nullable(),
});
export type Status = z.infer<typeof Status>;

export function referencePaths(dir: string) {
  return {
    dir,
    figures: join(dir, "figures.csv"),
    units: join(dir, "units.csv"),
    status: join(dir, "status.json"),
    cache: join(dir, "cache"),
  };
}

/** The version of the stored figures (a build records it, the planner compares it): a hash of figures.csv, "none" without. */
export const referenceVersionOf = (text: string | null) =>
  text === null ? "none" : createHash("sha256").update(text).digest("hex").slice(0, 16);

/** The stored figures' text, null when none were ever fetched or imported. */
export async function readFiguresText(dir: string): Promise<string | null> {
  return await readFile(referencePaths(dir).figures, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
}

/** The stored figures; [] when none were ever fetched or imported. A damaged file is an error, never "no data". */
export async function readFigures(dir: string, text?: string | null): Promise<ReferenceFigure[]> {
  const content = text === undefined ? await readFiguresText(dir) : text;
  if (content === null) return [];
  return csvParse(content).map((row, i) => {
    const parsed = ReferenceFigure.safeParse(row);
    if (!parsed.success)
      throw new Error(
        `${referencePaths(dir).figures}, wiersz ${i + 2}: ${z.prettifyError(parsed.error).split("\n")[0]} — a damaged reference file`,
      );
    return parsed.data;
  });
}

/** The key of a figure: one value per gmina × measure × year. */
export const figureKey = (f: Pick<ReferenceFigure, "teryt" | "measure" | "year">) =>
  `${f.teryt}|${f.measure}|${f.year}`;

/** Merge new figures over the stored ones (a new figure replaces the stored one of its key); what changed. */
export function mergeFigures(stored: readonly ReferenceFigure[], fresh: readonly ReferenceFigure[]) {
  const byKey = new Map(stored.map((f) => [figureKey(f), f]));
  let added = 0;
  let changed = 0;
  let same = 0;
  for (const f of fresh) {
    const old = byKey.get(figureKey(f));
    if (!old) added++;
    else if (old.value !== f.value) changed++;
    else same++;
    byKey.set(figureKey(f), f);
  }
  const figures = [...byKey.values()].sort(
    (a, b) => a.teryt.localeCompare(b.teryt) || a.measure.localeCompare(b.measure) || a.year - b.year,
  );
  return { figures, added, changed, same };
}

export async function writeFigures(dir: string, figures: readonly ReferenceFigure[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rows = figures.map((f) => ({
    ...f,
    reference_date: f.reference_date ?? "",
    year: String(f.year),
    value: String(f.value),
  }));
  await atomicWrite(referencePaths(dir).figures, `${csvFormat(rows, [...FIGURE_COLUMNS])}\n`);
}

export async function readRegister(dir: string): Promise<RegisterRow[] | null> {
  const text = await readFile(referencePaths(dir).units, "utf8").catch(() => null);
  if (text === null) return null;
  return csvParse(text).map((r) => RegisterRow.parse(r));
}

export async function writeRegister(dir: string, rows: readonly RegisterRow[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await atomicWrite(
    referencePaths(dir).units,
    `${csvFormat([...rows], ["teryt", "unit_id", "name", "kind"])}\n`,
  );
}

export async function readStatus(dir: string): Promise<Status> {
  const text = await readFile(referencePaths(dir).status, "utf8").catch(() => null);
  const parsed = text === null ? null : Status.safeParse(JSON.parse(text));
  return parsed?.success ? parsed.data : { last: null, last_good: null };
}

/** Record what an attempt did; a good one is also the last good one. */
export async function recordAttempt(
  dir: string,
  action: "fetch" | "import",
  ok: boolean,
  message: string,
  at = new Date().toISOString(),
): Promise<void> {
  const status = await readStatus(dir);
  const next: Status = {
    last: { action, at, ok, message },
    last_good: ok ? { action, at, message } : status.last_good,
  };
  await mkdir(dir, { recursive: true });
  await atomicWrite(referencePaths(dir).status, `${JSON.stringify(next, null, 2)}\n`);
}
