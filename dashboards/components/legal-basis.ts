// Every staffing note (marts.staffing note_pl) ends with its norm's full legal basis, "Podstawa: art. 110
// ust. 11 ustawy … .", the same one or two long texts on every row: in a table that made the explanation
// column the widest by far (and on paper 6–8 lines a row). A table shows each basis once, as a numbered
// footnote under it, and each note keeps only its own words and the footnote's number.

export interface BasisRow {
  note_pl?: string | null;
  legal_basis_pl?: string | null;
}

export interface FootnotedNote {
  /** The note without its "Podstawa: …." sentence (the whole note when it has none). */
  text: string;
  /** The number of its basis among the footnotes (1, 2, …), or null when the note named none. */
  mark: number | null;
}

/** The distinct legal bases of `rows`, in order of first use, and each row's note without its basis. */
export function footnoteBases<T extends BasisRow>(
  rows: readonly T[],
): { bases: string[]; noteOf: (row: T) => FootnotedNote } {
  const bases: string[] = [];
  const sentence = (basis: string) => ` Podstawa: ${basis}.`;
  for (const row of rows) {
    const basis = row.legal_basis_pl?.trim();
    if (basis && row.note_pl?.includes(sentence(basis)) && !bases.includes(basis)) bases.push(basis);
  }
  const noteOf = (row: T): FootnotedNote => {
    const note = row.note_pl ?? "";
    const basis = row.legal_basis_pl?.trim();
    if (!basis || !note.includes(sentence(basis))) return { text: note, mark: null };
    return { text: note.replace(sentence(basis), "").trim(), mark: bases.indexOf(basis) + 1 };
  };
  return { bases, noteOf };
}
