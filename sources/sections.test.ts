/**
 * Reports as centres really publish them: next-period figures of every centre under other titles and in
 * other kinds of document (an "Informacja o realizacji zadań", an answer to a councillor, a statistical
 * annex, a yearly activity report), with renamed headings, reordered and missing sections and tables split
 * over two pages, as text and as PDF. Every figure of them is read by the section readers, with the kind
 * `inny` (no kind of report knows their titles); a report of an unknown city and a document with no figures
 * are rejected with a Polish message.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pdfFromText } from "../tests/helpers/pdf.ts";
import { readDocumentText } from "./lib/read-document.ts";
import { expectProvenance } from "./lib/testing.ts";
import {
  extractDocument,
  READERS,
  type ReaderFailure,
  readerFailureMessage,
  readSections,
  recogniseDocument,
} from "./registry.ts";

const fixture = (path: string) => readFileSync(new URL(`./${path}`, import.meta.url), "utf8");

type Figure = [period: string, metric: string, breakdown: string | null, value: number | null];
const figuresOf = (text: string, name = "dokument.txt") =>
  extractDocument(text, name)
    .observations.map((o): Figure => [o.period_id, o.metric_id, o.breakdown, o.value])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const sorted = (figures: Figure[]) =>
  [...figures].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

interface Case {
  file: string;
  centre: string;
  /** What the document is, and what it does to the layout the readers were written for. */
  about: string;
  expected: Figure[];
}

const CASES: Case[] = [
  {
    file: "wroclaw/fixtures/informacja-o-realizacji-zadan_2015.txt",
    centre: "wroclaw",
    about:
      "Wrocław, an information for a council committee: Niebieska Karta table first, staffing lines after it, the families table split over two pages (its header repeated), no projects",
    expected: [
      ["2014", "nk_a_forms", null, 398],
      ["2015-H1", "nk_a_forms", null, 211],
      ["2015", "nk_a_forms", null, 430],
      ["2014", "nk_working_groups", null, 241],
      ["2015-H1", "nk_working_groups", null, 190],
      ["2015", "nk_working_groups", null, 402],
      ["2015", "social_workers", null, 214],
      ["2015", "residents", null, 638586],
      ["2014", "families_assisted", null, 8402],
      ["2015", "families_assisted", null, 7915],
      ["2015-H1", "families_assisted", null, 6233],
      ["2014", "families_by_reason", "poverty", 5210],
      ["2015", "families_by_reason", "poverty", 4988],
      ["2015-H1", "families_by_reason", "poverty", 3902],
      ["2014", "families_by_reason", "unemployment", 3611],
      ["2015", "families_by_reason", "unemployment", 3204],
      ["2015-H1", "families_by_reason", "unemployment", 2417],
      ["2014", "families_by_reason", "disability", 2944],
      ["2015", "families_by_reason", "disability", 2901],
      ["2015-H1", "families_by_reason", "disability", 2377],
      ["2014", "families_by_reason", "long_term_illness", 4402],
      ["2015", "families_by_reason", "long_term_illness", 4388],
      ["2015-H1", "families_by_reason", "long_term_illness", 3301],
      ["2014", "families_social_work", null, 3702],
      ["2015", "families_social_work", null, 3655],
      ["2015-H1", "families_social_work", null, 2980],
      ["2014", "families_social_work_only", null, 701],
      ["2015", "families_social_work_only", null, 688],
      ["2015-H1", "families_social_work_only", null, 512],
      ["2014", "families_with_family_assistant", "mops", 38],
      ["2014", "family_assistants", "mops", 4],
      ["2015", "families_with_family_assistant", "mops", 52],
      ["2015", "family_assistants", "mops", 5],
    ],
  },
  {
    file: "jaworzno/fixtures/informacja-interpelacja_2025.txt",
    centre: "jaworzno",
    about:
      "Jaworzno, an answer to a councillor: tables 4, 2, 1 in that order, tables 3 and 5–7 missing, table 2 split over two pages, no prose",
    expected: [
      ["2025", "families_with_family_assistant", null, 104],
      ["2025", "families_with_specialist_support", "social_worker", 561],
      ["2025", "families_with_specialist_support", "psychologist", 44],
      ["2025", "families_by_diagnostic_tool", "psychological_consultation", 23],
      ["2025", "families_by_diagnostic_tool", "recognition_card", 1188],
      ["2025", "families_by_diagnostic_tool", "intensive_social_work", 201],
      ["2025", "families_by_diagnostic_tool", "community_interview_child_benefit", 12],
      ["2025", "families_with_children_in_activation", "social_work", 14],
      ["2025", "children_in_families_in_activation", "social_work", 31],
      ["2025", "families_with_children_in_activation", "socially_useful_work", 5],
      ["2025", "children_in_families_in_activation", "socially_useful_work", 11],
    ],
  },
  {
    file: "kedzierzyn-kozle/fixtures/sprawozdanie-z-dzialalnosci-mops_2027.txt",
    centre: "kedzierzyn-kozle",
    about:
      "Kędzierzyn-Koźle, the centre's yearly activity report: the family-assistant passage as one chapter among others, its sentences reordered",
    expected: [
      ["2027", "families_with_family_assistant_by_situation", "children_in_foster_care", 10],
      ["2027", "family_assistants", null, 6],
      ["2027", "families_with_family_assistant", null, 88],
      ["2027", "children_in_families_with_family_assistant", null, 161],
      ["2027", "families_assistance_ended", null, 21],
      ["2027", "families_assistance_ended", "goals_achieved", 11],
    ],
  },
  {
    file: "katowice/fixtures/zalacznik-statystyczny_2027.txt",
    centre: "katowice",
    about:
      "Katowice, a statistical annex: blocks renamed (no „Obszar …”), reordered, the trainings table split over two pages",
    expected: [
      ["2027", "family_assistants", null, 18],
      ["2027", "families_with_family_assistant", null, 305],
      ["2027", "children_in_families_with_family_assistant", null, 530],
      ["2027", "psychotherapy_persons", null, 149],
      ["2027", "psychotherapy_hours", null, 2230],
      ["2027", "trainings", "paid", 10],
      ["2027", "training_participants", "paid", 160],
      ["2027", "trainings", "free", 41],
      ["2027", "training_participants", "free", 998],
      ["2027", "trainings", "dofinansowane", 6],
      ["2027", "training_participants", "dofinansowane", 90],
      ["2027", "trainings", null, 57],
      ["2027", "training_participants", null, 1248],
    ],
  },
];

describe("next-period reports under other titles and in other kinds of document", () => {
  for (const c of CASES) {
    describe(c.about, () => {
      const text = fixture(c.file);
      const result = extractDocument(text, "dokument.txt");

      it("recognises the centre from the seed and reads the document by its sections, kind „inny”", () => {
        expect(result.recognition.centre_id).toBe(c.centre);
        expect(result.recognition.kind).toBe("inny");
        expect(result.extractor.id).toBe("sections/inny");
        expect(Object.keys(result.readBy).length).toBeGreaterThan(0);
      });

      it("reads every figure, each under its own period and metric, and nothing else", () => {
        expect(figuresOf(text)).toEqual(sorted(c.expected));
        expectProvenance(text, result.observations);
      });

      it("reads the same figures from the report as a PDF", async () => {
        const fromPdf = await readDocumentText(await pdfFromText(text), "dokument.pdf");
        expect(figuresOf(fromPdf, "dokument.pdf")).toEqual(sorted(c.expected));
      });
    });
  }
});

describe("two readers never both claim a figure", () => {
  it("gives each place of a document to one reader, whichever sections it combines", () => {
    // A Wrocław information that also writes its family assistants as a sentence: the slide's reader and the
    // prose reader both find "52 rodzin" of 2015; the figure is one row, its note naming the other place.
    const text = `${fixture("wroclaw/fixtures/informacja-o-realizacji-zadan_2015.txt")}
Asystenci rodziny w 2015 r. objęli wsparciem 52 rodziny, w których wychowuje się 97 dzieci.
`;
    const doc = recogniseDocument(text, "dokument.txt");
    const reading = readSections(doc);
    const places = reading.observations.map((o) => `${o.line}|${o.metric_id}|${o.breakdown}|${o.period_id}`);
    expect(new Set(places).size).toBe(places.length);
    expect(Object.keys(reading.readBy).sort()).toEqual([
      "kedzierzyn-kozle/family-assistant-prose",
      "wroclaw/family-assistants",
      "wroclaw/period-tables",
      "wroclaw/staffing-lines",
    ]);
    const { observations } = extractDocument(text, "dokument.txt");
    const children = observations.filter((o) => o.metric_id === "children_in_families_with_family_assistant");
    expect(children.map((o) => [o.period_id, o.value])).toEqual([["2015", 97]]);
  });

  it("reads each bundled report by the readers of its own kind only", () => {
    for (const [file, reader] of [
      ["jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt", "jaworzno/"],
      ["kedzierzyn-kozle/documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt", "kedzierzyn-kozle/"],
      ["katowice/documents/katowice_mops_aktywizacja-uchodzcow_2025.txt", "katowice/"],
      ["katowice/documents/katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt", "katowice/"],
      ["wroclaw/documents/wroclaw_mops_dobre-praktyki_2000-2013.txt", "wroclaw/"],
    ] as const) {
      const { readBy, recognition } = extractDocument(fixture(file), "raport.txt");
      expect(recognition.kind, file).not.toBe("inny");
      expect(
        Object.keys(readBy).every((id) => id.startsWith(reader)),
        `${file}: ${JSON.stringify(readBy)}`,
      ).toBe(true);
    }
  });
});

describe("a section reader that fails loses only its own figures", () => {
  // A Wrocław information with a Katowice-style block ("Obszar …") whose row no metric knows: the Katowice
  // committee reader throws on it; the Wrocław readers' figures are kept and the failure is a warning.
  const wroclaw = fixture("wroclaw/fixtures/informacja-o-realizacji-zadan_2015.txt");
  const withUnknownBlock = `${wroclaw}\nObszar: kluby seniora\nLiczba klubów seniora 12\n`;

  it("keeps the other readers' figures and names the reader that skipped the row", () => {
    const result = extractDocument(withUnknownBlock, "dokument.txt");
    expect(result.observations.length).toBe(extractDocument(wroclaw, "dokument.txt").observations.length);
    expect(result.failures.map((f) => f.reader)).toEqual(["katowice/komisja-cpsmis"]);
    expect(result.failures[0]?.reason).toMatch(/Liczba klubów seniora/);
    const message = readerFailureMessage(result.failures[0] as ReaderFailure);
    // The row is skipped, not guessed, and only it: the reader's known figures would be kept.
    expect(message).toMatch(
      /^czytnik sekcji „.+” \(katowice\/komisja-cpsmis\) pominął wiersze, których nie zna/,
    );
    expect(message).toContain("has no metric in the catalogue");
  });

  it("says a reader that threw did not read the document", () => {
    const message = readerFailureMessage({ reader: "x/y", section_pl: "tabela", reason: "a bug" });
    expect(message).toMatch(/^czytnik sekcji „tabela” \(x\/y\) nie odczytał tego dokumentu/);
  });

  it("rejects a document only when nothing was read, naming the failed reader too", () => {
    const onlyUnknown = [
      "Informacja Miejskiego Ośrodka Pomocy Społecznej we Wrocławiu za 2015 rok",
      "Obszar: kluby seniora",
      "Liczba klubów seniora 12",
    ].join("\n");
    expect(() => extractDocument(onlyUnknown, "dokument.txt")).toThrow(
      /rozpoznano ośrodek Wrocław.*Czytniki, które nie zadziałały: „.+” \(.*Liczba klubów seniora.*failed readers: katowice\/komisja-cpsmis/s,
    );
  });
});

describe("documents that are rejected, saying why in Polish", () => {
  it("rejects a report of a city the seed does not know", () => {
    const nysa = fixture("kedzierzyn-kozle/fixtures/sprawozdanie-z-dzialalnosci-mops_2027.txt")
      .replaceAll("KĘDZIERZYNIE-KOŹLU", "NYSIE")
      .replaceAll("Kędzierzynie-Koźlu", "Nysie");
    expect(() => extractDocument(nysa, "nysa.txt")).toThrow(
      /Nie rozpoznano ośrodka: .*centres\.csv.*nowy ośrodek dodaj wierszem/,
    );
  });

  it("rejects a document of a known centre with no figures, naming the centre and the sections looked for", () => {
    const note = [
      "Notatka służbowa",
      "Miejski Ośrodek Pomocy Społecznej we Wrocławiu informuje, że sprawozdanie za 2015 rok",
      "zostanie przekazane Komisji po jego zatwierdzeniu przez Dyrektora.",
    ].join("\n");
    let message = "";
    try {
      extractDocument(note, "notatka.txt");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /rozpoznano ośrodek Wrocław \(TERYT 0264011\), ale nie odczytano z dokumentu żadnej liczby/,
    );
    for (const reader of READERS) expect(message).toContain(reader.section_pl);
  });
});

describe("values a reader must not take at face value", () => {
  const figures = (text: string) =>
    extractDocument(text, "dokument.txt").observations.map((o) => [
      o.metric_id,
      o.breakdown,
      o.value,
      o.flags,
    ]);

  it("reads a no-break space between thousands as a space when the text is passed straight in", () => {
    const text = [
      "Informacja MOPS w Jaworznie za rok 2029",
      "",
      "Tabela Nr 5:",
      "Działania na rzecz rodzin Liczba działań",
      "wizyty asystentów w środowisku rodzinnym 1\u00a0256",
      "wizyty pracowników socjalnych w środowisku rodzinnym 3\u202f602",
    ].join("\n");
    expect(figures(text)).toEqual([
      ["home_visits", "family_assistant", 1256, []],
      ["home_visits", "social_worker", 3602, []],
    ]);
  });

  it("does not take a count given in thousands ('w tys.'), in a table's header or a row's label", () => {
    const jaworzno = [
      "Informacja MOPS w Jaworznie za rok 2029",
      "",
      "Tabela Nr 5:",
      "Działania na rzecz rodzin Liczba działań (w tys.)",
      "wizyty asystentów w środowisku rodzinnym 1,3",
      "wizyty pracowników socjalnych w środowisku rodzinnym 4",
    ].join("\n");
    expect(figures(jaworzno)).toEqual([
      ["home_visits", "family_assistant", null, ["missing"]],
      ["home_visits", "social_worker", null, ["missing"]],
    ]);
    const katowice = [
      "Informacja MOPS w Katowicach",
      "źródło: sprawozdanie MOPS Katowice za 2029 r.",
      "",
      "Obszar psychoterapia",
      "Liczba osób biorących udział w terapii w 2029 r. 130",
      "Liczba godzin przeprowadzonych sesji terapeutycznych w 2029 r. w tys. 2",
    ].join("\n");
    const read = extractDocument(katowice, "dokument.txt").observations;
    expect(read.map((o) => [o.metric_id, o.value, o.flags])).toEqual([
      ["psychotherapy_persons", 130, []],
      ["psychotherapy_hours", null, ["missing"]],
    ]);
    expect(read[1]?.note).toMatch(/w tysiącach/);
  });
});
