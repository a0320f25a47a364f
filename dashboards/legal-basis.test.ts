import { describe, expect, it } from "vitest";
import { footnoteBases } from "./components/legal-basis.ts";

const SOCIAL = "art. 110 ust. 11 ustawy z dnia 12 marca 2004 r. o pomocy społecznej";
const ASSISTANT = "art. 15 ust. 4 ustawy z dnia 9 czerwca 2011 r. o wspieraniu rodziny";

describe("the staffing notes' legal basis, once per table", () => {
  const rows = [
    { note_pl: `Limit: 2000. Podstawa: ${SOCIAL}.`, legal_basis_pl: SOCIAL },
    { note_pl: `Limit: 15. Podstawa: ${ASSISTANT}.`, legal_basis_pl: ASSISTANT },
    {
      note_pl: `Mianownik to tylko pracownicy terenowi. Licznik: mieszkańcy. Podstawa: ${SOCIAL}.`,
      legal_basis_pl: SOCIAL,
    },
    { note_pl: "Brak danych.", legal_basis_pl: SOCIAL },
    { note_pl: "W 2010 r. nie obowiązywał jeszcze ustawowy limit.", legal_basis_pl: null },
  ];

  it("lists each basis once, in order of first use, and numbers the notes by it", () => {
    const { bases, noteOf } = footnoteBases(rows);
    expect(bases).toEqual([SOCIAL, ASSISTANT]);
    expect(rows.map(noteOf)).toEqual([
      { text: "Limit: 2000.", mark: 1 },
      { text: "Limit: 15.", mark: 2 },
      { text: "Mianownik to tylko pracownicy terenowi. Licznik: mieszkańcy.", mark: 1 },
      { text: "Brak danych.", mark: null },
      { text: "W 2010 r. nie obowiązywał jeszcze ustawowy limit.", mark: null },
    ]);
  });

  it("leaves a note whose basis it does not name as it is", () => {
    const { bases, noteOf } = footnoteBases([{ note_pl: "Podstawa: inna.", legal_basis_pl: SOCIAL }]);
    expect(bases).toEqual([]);
    expect(noteOf({ note_pl: "Podstawa: inna.", legal_basis_pl: SOCIAL })).toEqual({
      text: "Podstawa: inna.",
      mark: null,
    });
  });
});
