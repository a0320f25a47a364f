/**
 * The connector's two jobs against the API: the official register of gminas (`units`, level 6) and the
 * reference figures of the seed's centres (`data/by-unit`). A fetch gathers everything first and changes
 * the stored data only when all of it succeeded: a failure (limit used up, 5xx, timeout, malformed JSON,
 * a changed unit list) leaves the last good data and says what happened.
 */
import { type CentreRecord, centreCatalogue } from "../lib/centres.ts";
import { BdlClient, BdlFetchFailed, type ClientOptions, getAllPages } from "./client.ts";
import { MEASURE_SPECS, type ResolvedMeasure, resolveMeasure } from "./measures.ts";
import { DataByUnitPage, PLAIN_VALUE, type RegisterUnit, registerOf, UnitsPage } from "./responses.ts";
import {
  mergeFigures,
  type ReferenceFigure,
  readFigures,
  readRegister,
  recordAttempt,
  writeFigures,
  writeRegister,
} from "./store.ts";

/** The official register of gminas: every BDL unit of level 6, with its TERYT code. */
export async function fetchRegister(client: BdlClient): Promise<RegisterUnit[]> {
  const url = client.url("units", { level: 6, "page-size": 100 });
  const { pages } = await getAllPages(client, url, UnitsPage, 100);
  try {
    return registerOf(pages.flatMap((p) => p.results));
  } catch (e) {
    throw new BdlFetchFailed("malformed", (e as Error).message);
  }
}

/** How the new register differs from the stored one, for the centres that matter and overall. */
export function registerChanges(
  before: readonly { teryt: string; unit_id: string }[] | null,
  now: readonly RegisterUnit[],
  centres: readonly CentreRecord[],
) {
  const byTeryt = new Map(now.map((u) => [u.teryt, u]));
  const old = new Map((before ?? []).map((u) => [u.teryt, u]));
  const problems: string[] = [];
  for (const c of centres) {
    const unit = byTeryt.get(c.teryt);
    if (!unit) problems.push(`${c.centre_id} (TERYT ${c.teryt}) nie ma w wykazie jednostek BDL`);
    else if (old.get(c.teryt) && old.get(c.teryt)?.unit_id !== unit.unit_id)
      problems.push(
        `${c.centre_id} (TERYT ${c.teryt}) ma teraz w BDL id ${unit.unit_id} zamiast ${old.get(c.teryt)?.unit_id}`,
      );
  }
  const removed = before ? [...old.keys()].filter((t) => !byTeryt.has(t)) : [];
  const added = before ? now.filter((u) => !old.has(u.teryt)).map((u) => u.teryt) : [];
  return { problems, removed, added };
}

export interface FetchOptions {
  dir: string;
  client: ClientOptions;
  years: readonly number[];
  /** Centre ids; all of the seed when not given. */
  centres?: readonly string[];
  /** Take a unit list that changed for a centre (a gmina merged or renumbered) after checking it. */
  acceptUnitChanges?: boolean;
  log?: (line: string) => void;
}

export interface FetchOutcome {
  ok: boolean;
  message: string;
  figures: number;
  added: number;
  changed: number;
  notes: string[];
  requests: number;
  cacheHits: number;
}

/** Fetch the reference figures of the chosen centres and years; never throws for a failed fetch (ok: false). */
export async function fetchReference(opts: FetchOptions): Promise<FetchOutcome> {
  const log = opts.log ?? (() => {});
  const client = new BdlClient({ ...opts.client, log });
  const notes: string[] = [];
  const outcome = (
    ok: boolean,
    message: string,
    counts = { figures: 0, added: 0, changed: 0 },
  ): FetchOutcome => ({
    ok,
    message,
    ...counts,
    notes,
    requests: client.requestCount,
    cacheHits: client.cacheHits,
  });
  try {
    const catalogue = centreCatalogue();
    const centres = opts.centres?.length
      ? opts.centres.map((id) => {
          const c = catalogue.get(id);
          if (!c)
            throw new BdlFetchFailed(
              "not found",
              `nie ma ośrodka ${id} w models/seeds/centres.csv — unknown centre ${id}`,
            );
          return c;
        })
      : [...catalogue.values()];
    log(`BDL: wykaz gmin (units, level 6)…`);
    const register = await fetchRegister(client);
    const before = await readRegister(opts.dir);
    const changes = registerChanges(before, register, centres);
    if (changes.removed.length || changes.added.length)
      notes.push(
        `wykaz jednostek BDL zmienił się: ${changes.added.length} nowych, ${changes.removed.length} usuniętych` +
          (changes.removed.length
            ? ` (${changes.removed.slice(0, 5).join(", ")}${changes.removed.length > 5 ? ", …" : ""})`
            : "") +
          ` — the BDL unit list changed`,
      );
    if (changes.problems.length && !opts.acceptUnitChanges)
      throw new BdlFetchFailed(
        "units changed",
        `zmienił się wykaz jednostek BDL: ${changes.problems.join("; ")}. Sprawdź zmianę (npm run reference -- units) ` +
          `i uruchom ponownie z --accept-unit-changes — the BDL unit list changed for ${changes.problems.length} centre(s)`,
      );
    const units = new Map(register.map((u) => [u.teryt, u]));
    log(`BDL: zmienne (variables)…`);
    const resolved: ResolvedMeasure[] = [];
    for (const spec of MEASURE_SPECS) {
      const r = await resolveMeasure(client, spec, notes);
      if (r) {
        resolved.push(r);
        log(`  ${spec.measure}: zmienna ${r.variable.id} (${r.variable.subjectId})`);
      }
    }
    const fresh: ReferenceFigure[] = [];
    for (const centre of centres) {
      const unit = units.get(centre.teryt);
      if (!unit) continue; // only with --accept-unit-changes: said in the problems above
      log(
        `BDL: ${centre.name_pl} (${unit.unit_id}), lata ${opts.years[0]}–${opts.years[opts.years.length - 1]}…`,
      );
      const url = client.url(`data/by-unit/${unit.unit_id}`, {
        "var-id": resolved.map((r) => r.variable.id),
        year: opts.years,
        "page-size": 100,
      });
      const { pages, retrievedAt } = await getAllPages(client, url, DataByUnitPage);
      for (const page of pages) {
        if (page.unitId !== unit.unit_id)
          throw new BdlFetchFailed(
            "malformed",
            `BDL odpowiedział danymi jednostki ${page.unitId} zamiast ${unit.unit_id} — wrong unit in the answer`,
          );
        for (const result of page.results) {
          const r = resolved.find((m) => m.variable.id === result.id);
          if (!r) continue;
          for (const v of result.values) {
            if (!opts.years.includes(v.year)) continue;
            // Missing is not zero: a value without a number, or one BDL qualifies, is not a figure.
            if (v.val === null || v.attrId !== PLAIN_VALUE) {
              notes.push(
                `${centre.centre_id} ${r.spec.measure} ${v.year}: BDL nie podaje wartości (atrybut ${v.attrId}) — no plain value`,
              );
              continue;
            }
            fresh.push({
              teryt: centre.teryt,
              measure: r.spec.measure,
              year: v.year,
              reference_date: r.spec.referenceDate(v.year),
              value: v.val,
              variable_id: String(r.variable.id),
              unit_id: unit.unit_id,
              source_url: url,
              retrieved_at: retrievedAt,
              origin: "bdl-api",
              unit_name: page.unitName,
            });
          }
        }
      }
    }
    const merged = mergeFigures(await readFigures(opts.dir), fresh);
    await writeFigures(opts.dir, merged.figures);
    await writeRegister(opts.dir, register);
    const message =
      `pobrano z BDL ${fresh.length} liczb dla ${centres.length} ośrodków (nowe: ${merged.added}, zmienione: ${merged.changed}, bez zmian: ${merged.same}) — ` +
      `fetched ${fresh.length} figures (${client.requestCount} requests, ${client.cacheHits} from the cache)`;
    await recordAttempt(opts.dir, "fetch", true, message);
    return outcome(true, message, { figures: fresh.length, added: merged.added, changed: merged.changed });
  } catch (e) {
    const reason = (e as Error).message;
    const message = `pobieranie z BDL nie powiodło się: ${reason}. Ostatnie dobre dane zostały bez zmian — the fetch failed; the last good reference data is kept`;
    await recordAttempt(opts.dir, "fetch", false, message).catch(() => {});
    return outcome(false, message);
  }
}
