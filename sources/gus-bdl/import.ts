/**
 * `npm run reference -- import <file.csv>`: a table exported from the BDL website, for a machine with no
 * network. Its figures replace the stored ones of the same gmina × measure × year; a rejected file changes
 * nothing. The export names neither the variable nor the unit ids: the variable is the measure's
 * (72305 for the population at 31 XII, or --variable), the unit id the register's (units.csv) when
 * the register is known, else `teryt:<code>`.
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { decodeExport, ExportRejected, readExport } from "./csv-export.ts";
import { MEASURE_SPECS } from "./measures.ts";
import {
  type Measure,
  mergeFigures,
  type ReferenceFigure,
  readFigures,
  readRegister,
  recordAttempt,
  writeFigures,
} from "./store.ts";

export interface ImportOptions {
  dir: string;
  file: string;
  measure: Measure;
  /** The BDL variable the table shows; the measure's known id when it has one. */
  variableId?: string;
  /** The address the table was exported from, when the user knows it. */
  sourceUrl?: string;
}

export interface ImportOutcome {
  ok: boolean;
  message: string;
  figures: number;
}

/** The variable id a measure's export shows, when the measure names one (population at 31 XII: 72305). */
export function defaultVariable(measure: Measure): string | undefined {
  const spec = MEASURE_SPECS.find((s) => s.measure === measure);
  return spec && "variableId" in spec.find ? String(spec.find.variableId) : undefined;
}

export async function importExport(opts: ImportOptions): Promise<ImportOutcome> {
  const name = basename(opts.file);
  try {
    const variable = opts.variableId ?? defaultVariable(opts.measure);
    if (!variable)
      throw new ExportRejected(
        name,
        `podaj --variable <id zmiennej BDL> dla miary ${opts.measure} (eksport CSV jej nie podaje) — give the BDL variable id`,
      );
    const [bytes, info] = await Promise.all([readFile(opts.file), stat(opts.file)]);
    const { values, skippedRows, missing } = readExport(decodeExport(bytes), name);
    const spec = MEASURE_SPECS.find((s) => s.measure === opts.measure);
    const register = new Map((await readRegister(opts.dir))?.map((u) => [u.teryt, u.unit_id]));
    const origin = `bdl-csv:${name}`;
    const figures: ReferenceFigure[] = values.map((v) => ({
      teryt: v.teryt,
      measure: opts.measure,
      year: v.year,
      reference_date: spec?.referenceDate(v.year) ?? null,
      value: v.value,
      variable_id: variable,
      unit_id: register.get(v.teryt) ?? `teryt:${v.teryt}`,
      source_url: opts.sourceUrl ?? `${origin} (kolumna „${v.column}”)`,
      // When the table was saved from the website: the file's modification time.
      retrieved_at: info.mtime.toISOString(),
      origin,
      unit_name: v.name,
    }));
    const merged = mergeFigures(await readFigures(opts.dir), figures);
    await writeFigures(opts.dir, merged.figures);
    const years = [...new Set(values.map((v) => v.year))].sort();
    const message =
      `zaimportowano ${figures.length} liczb (${opts.measure}, zmienna ${variable}, lata ${years.join(", ")}) z ${name}: ` +
      `nowe ${merged.added}, zmienione ${merged.changed}, bez zmian ${merged.same}; pominięto ${skippedRows} wierszy województw/powiatów, ${missing} pustych wartości — ` +
      `imported ${figures.length} figures`;
    await recordAttempt(opts.dir, "import", true, message);
    return { ok: true, message, figures: figures.length };
  } catch (e) {
    const reason = (e as Error).message;
    const message = `import odrzucony: ${reason}. Dane referencyjne bez zmian — import rejected; the reference data is unchanged`;
    await recordAttempt(opts.dir, "import", false, message).catch(() => {});
    return { ok: false, message, figures: 0 };
  }
}
