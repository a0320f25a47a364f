/**
 * The grain of the observations: one figure per place in a document. The warehouse names a figure by
 * (document, line, metric, breakdown, period, as-of date) — models/staging/stg_observations.sql builds
 * observation_id from exactly these — so two figures of one document with the same key would be one
 * observation_id twice, and every build would fail its grain test.
 */
import type { ExtractedObservation, Flag } from "./observation.ts";

/** The key observation_id is made of, within one document. */
export function grainKey(o: ExtractedObservation): string {
  return [o.line, o.metric_id, o.breakdown ?? "", o.period_id, o.as_of_date ?? ""].join("|");
}

/** Figures of one document that share a grain key, in document order; empty when the grain holds. */
export function grainViolations(observations: readonly ExtractedObservation[]): ExtractedObservation[][] {
  const groups = new Map<string, ExtractedObservation[]>();
  for (const o of observations) groups.set(grainKey(o), [...(groups.get(grainKey(o)) ?? []), o]);
  return [...groups.values()].filter((g) => g.length > 1);
}

const show = (v: number | null) => (v === null ? "brak" : String(v).replace(".", ","));

/**
 * One figure per place. A statement repeated on its line ("… objęli wsparciem 74 rodziny …" twice) is one
 * figure, noted. The same place stating different values (74 and 76) is one figure whose value is not
 * chosen: null, flagged `ambiguous` and `contradiction`, every value written kept in the note.
 */
export function oneFigurePerPlace(observations: readonly ExtractedObservation[]): ExtractedObservation[] {
  const groups = new Map<string, ExtractedObservation[]>();
  for (const o of observations) groups.set(grainKey(o), [...(groups.get(grainKey(o)) ?? []), o]);
  const out: ExtractedObservation[] = [];
  for (const o of observations) {
    const group = groups.get(grainKey(o)) ?? [o];
    if (group[0] !== o) continue;
    if (group.length === 1) {
      out.push(o);
      continue;
    }
    const values = [...new Set(group.map((g) => g.value))];
    const flags = [...new Set(group.flatMap((g) => g.flags))];
    const notes = [...new Set(group.map((g) => g.note).filter((n): n is string => n !== null))];
    if (values.length === 1) {
      const note = `Ta sama wartość stoi w wierszu ${o.line} ${group.length} razy; liczona raz.`;
      out.push({ ...o, flags, note: [...notes, note].join(" ") });
      continue;
    }
    const written = group.map((g) => `${show(g.value)} („${g.quote}”)`).join("; ");
    const note =
      `W wierszu ${o.line} dokument podaje dla tej wielkości różne wartości: ${written}; ` +
      "żadnej nie wybrano (wartości zachowano w tej notatce).";
    out.push({
      ...o,
      value: null,
      flags: [...new Set<Flag>([...flags, "ambiguous", "contradiction"])],
      note: [...notes, note].join(" "),
    });
  }
  return out;
}
