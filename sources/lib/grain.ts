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

/** What a figure is, within one document, wherever it stands: metric, breakdown, period, date. */
const figureKey = (o: ExtractedObservation) =>
  [o.metric_id, o.breakdown ?? "", o.period_id, o.as_of_date ?? ""].join("|");

/**
 * One figure per document. A value stated twice in one document (a table and the prose that repeats it; a
 * slide shown twice) is one row at its first place, whose note names the other places: a `sum()` over the
 * warehouse must not count it twice. Different values for the same figure stay as written, each flagged
 * `contradiction` with a note naming the other place (the contradiction rule). Unread (null) values are
 * neither merged nor weighed.
 */
export function oneFigurePerDocument(observations: readonly ExtractedObservation[]): ExtractedObservation[] {
  const groups = new Map<string, ExtractedObservation[]>();
  for (const o of observations) {
    if (o.value === null) continue;
    groups.set(figureKey(o), [...(groups.get(figureKey(o)) ?? []), o]);
  }
  const dropped = new Set<ExtractedObservation>();
  const changed = new Map<ExtractedObservation, ExtractedObservation>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const lines = new Set(group.map((g) => g.line));
    if (lines.size < 2) continue;
    const byValue = new Map<number | null, ExtractedObservation[]>();
    for (const g of group) byValue.set(g.value, [...(byValue.get(g.value) ?? []), g]);
    // Same value at several places: the first place keeps it, the others are named in its note.
    const kept: ExtractedObservation[] = [];
    for (const same of byValue.values()) {
      const [first, ...repeats] = same;
      if (!first) continue;
      const elsewhere = repeats.filter((r) => r.line !== first.line);
      let keep = first;
      if (elsewhere.length > 0) {
        const where = elsewhere.map((r) => `wiersz ${r.line} („${r.quote}”)`).join("; ");
        const note = `Ta sama wartość stoi w dokumencie także w: ${where}; liczona raz.`;
        keep = { ...first, note: first.note ? `${first.note} ${note}` : note };
        changed.set(first, keep);
        for (const r of elsewhere) dropped.add(r);
      }
      kept.push(keep);
    }
    if (byValue.size < 2) continue;
    // Different values: keep each as written, flag each and name the others (unless already flagged so).
    for (const k of kept) {
      const others = kept.filter((x) => x !== k).map((x) => `${show(x.value)} w wierszu ${x.line}`);
      const note = `Dokument podaje tę wielkość także inaczej: ${others.join(", ")}; zachowano zapis z każdego miejsca.`;
      const flagged = k.flags.includes("contradiction");
      const original = [...changed.entries()].find(([, v]) => v === k)?.[0] ?? k;
      changed.set(original, {
        ...k,
        flags: flagged ? k.flags : [...k.flags, "contradiction"],
        note: flagged ? k.note : k.note ? `${k.note} ${note}` : note,
      });
    }
  }
  return observations.filter((o) => !dropped.has(o)).map((o) => changed.get(o) ?? o);
}
