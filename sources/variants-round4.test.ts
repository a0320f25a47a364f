/**
 * The fourth round of next-period variants (issue 11, "Done when" 2): written before they were run, and
 * committed before they were run (the commit is the proof that nothing in the readers was changed for them).
 * Two documents per centre, under titles and kinds no reader keys on — answers to councillors'
 * interpellations and questions, an information for a council committee, "Sprawozdanie z działalności"
 * extracts, an information on the municipal family-support programme — for 2018–2031, with values no real
 * report holds. Unlike rounds 2 and 3: numbered headings of other forms ("Ad 1.", "I.", "Rozdział 3."),
 * running headers repeated on every page (one with a case number in it), tables titled "Tabela 4." / "Tabela
 * nr 3." and continued as "Tabela 4 (cd.)", notes under tables ("* dane …"), a column per year with a change
 * column, dashes for missing values, a label whose value stands on the next page, a sentence split by a page
 * footer, and a report with a "Sprawozdanie … za 2019 rok" running header that another centre's reader keys
 * on. Plus a report of a city the seed does not know, and a document of a known centre with no figures: both
 * rejected with a message in Polish, as text and as PDF.
 */
import { describe, expect, it } from "vitest";
import { describeVariants, rejectionMessages, type Variant } from "./variant-cases.ts";

const VARIANTS: Variant[] = [
  {
    file: "wroclaw/fixtures/variants/odpowiedz-na-interpelacje_2018.txt",
    centre: "wroclaw",
    about:
      "Wrocław, an answer to a councillor's interpellation for 2018: sections headed „Ad 1.”–„Ad 3.”, Niebieska Karta first, the families table split by „Strona 1 z 2” with a note under it and without its „wyłącznie praca socjalna” row, one staffing line last and no residents",
    pdfLinesPerPage: 30,
    expected: [
      ["2017", "nk_a_forms", null, 468],
      ["2018-H1", "nk_a_forms", null, 231],
      ["2018", "nk_a_forms", null, 475],
      ["2017", "nk_working_groups", null, 437],
      ["2018-H1", "nk_working_groups", null, 212],
      ["2018", "nk_working_groups", null, 444],
      ["2017", "families_assisted", null, 7402],
      ["2018-H1", "families_assisted", null, 5711],
      ["2018", "families_assisted", null, 7180],
      ["2017", "families_by_reason", "poverty", 4603],
      ["2018-H1", "families_by_reason", "poverty", 3502],
      ["2018", "families_by_reason", "poverty", 4455],
      ["2017", "families_by_reason", "unemployment", 2688],
      ["2018-H1", "families_by_reason", "unemployment", 1930],
      ["2018", "families_by_reason", "unemployment", 2512],
      ["2017", "families_by_reason", "disability", 2861],
      ["2018-H1", "families_by_reason", "disability", 2190],
      ["2018", "families_by_reason", "disability", 2803],
      ["2017", "families_social_work", null, 3544],
      ["2018-H1", "families_social_work", null, 2870],
      ["2018", "families_social_work", null, 3498],
      ["2018", "social_workers", null, 224],
    ],
  },
  {
    file: "wroclaw/fixtures/variants/sprawozdanie-z-dzialalnosci_2019.txt",
    centre: "wroclaw",
    about:
      "Wrocław, an extract of a „Sprawozdanie z działalności” for 2019: family assistants first, staffing lines, the families table titled „Tabela 1.” with its reasons reordered, split by a running header and „- 2 -” with its period header repeated; no Niebieska Karta",
    pdfLinesPerPage: 21,
    expected: [
      ["2019", "families_with_family_assistant", "mops", 66],
      ["2019", "family_assistants", "mops", 7],
      ["2019", "residents", null, 642869],
      ["2019", "social_workers", null, 226],
      ["2018", "families_assisted", null, 7180],
      ["2019", "families_assisted", null, 6955],
      ["2019-H1", "families_assisted", null, 5402],
      ["2018", "families_by_reason", "long_term_illness", 4351],
      ["2019", "families_by_reason", "long_term_illness", 4298],
      ["2019-H1", "families_by_reason", "long_term_illness", 3201],
      ["2018", "families_by_reason", "disability", 2803],
      ["2019", "families_by_reason", "disability", 2790],
      ["2019-H1", "families_by_reason", "disability", 2114],
      ["2018", "families_by_reason", "poverty", 4455],
      ["2019", "families_by_reason", "poverty", 4301],
      ["2019-H1", "families_by_reason", "poverty", 3388],
      ["2018", "families_social_work_only", null, 655],
      ["2019", "families_social_work_only", null, 641],
      ["2019-H1", "families_social_work_only", null, 489],
    ],
  },
  {
    file: "jaworzno/fixtures/variants/informacja-dla-komisji-spraw-spolecznych_2028.txt",
    centre: "jaworzno",
    about:
      "Jaworzno, an information for the council's social committee for 2028: sections „I.”–„III.” between the tables, table 4 titled „Tabela 4.” and continued as „Tabela 4 (cd.)” after a running header and „Strona 2”, table 2 with a wrapped label whose value stands alone and a note under it, the Large Family Card sentence last",
    pdfLinesPerPage: 14,
    expected: [
      ["2028", "families_with_family_assistant", null, 112],
      ["2028", "families_with_specialist_support", "social_worker", 604],
      ["2028", "families_with_specialist_support", "psychologist", 47],
      ["2028", "families_by_diagnostic_tool", "recognition_card", 512],
      ["2028", "families_by_diagnostic_tool", "intensive_social_work", 188],
      ["2028", "families_by_diagnostic_tool", "psychological_consultation", 27],
      ["2028", "large_family_card_new_families", null, 618],
      ["2028", "large_family_card_new_families", "parents_only", 523],
    ],
  },
  {
    file: "jaworzno/fixtures/variants/sprawozdanie-z-dzialalnosci-mops_2029.txt",
    centre: "jaworzno",
    about:
      "Jaworzno, an extract of a „Sprawozdanie z działalności” for 2029: tables 1, 3, 5 titled „Tabela nr N.”, dashes for the missing values of one row, table 3 with a column per year (2028, 2029) and a change column, table 5 split by „– s. 3” with its heading row repeated",
    pdfLinesPerPage: 19,
    expected: [
      ["2029", "families_with_children_in_activation", "social_work", 14],
      ["2029", "children_in_families_in_activation", "social_work", 31],
      ["2029", "families_with_children_in_activation", "socially_useful_work", null],
      ["2029", "children_in_families_in_activation", "socially_useful_work", null],
      ["2028", "crisis_interventions", null, 51],
      ["2029", "crisis_interventions", null, 48],
      ["2028", "crisis_interventions", "child_rights_violation", 9],
      ["2029", "crisis_interventions", "child_rights_violation", 11],
      ["2029", "home_visits", "family_assistant", 1302],
      ["2029", "opinions_to_external_institutions", "family_assistant", 36],
      ["2029", "home_visits", "social_worker", 3711],
      ["2029", "opinions_to_external_institutions", "social_worker", 840],
    ],
  },
  {
    file: "katowice/fixtures/variants/odpowiedz-na-interpelacje_2030.txt",
    centre: "katowice",
    about:
      "Katowice, an answer to a councillor's interpellation for 2030: headings „1.” and „2.”, a running header holding the interpellation's number, a wrapped label whose value stands on the next page, a dash for a missing value; no trainings, psychotherapy or supervision",
    pdfLinesPerPage: 21,
    expected: [
      ["2030", "family_assistants", null, 21],
      ["2030", "families_with_family_assistant", null, 338],
      ["2030", "children_in_families_with_family_assistant", null, 602],
      ["2030", "psychological_pedagogical_support_persons", null, 71],
      ["2030", "psychological_pedagogical_support_meetings", null, null],
      ["2030", "psychological_pedagogical_support_hours", null, 174],
    ],
  },
  {
    file: "katowice/fixtures/variants/sprawozdanie-cpsmis_2031.txt",
    centre: "katowice",
    about:
      "Katowice, a report of the CPSMiS for 2031 (not for a committee): chapters „Rozdział 3.–5.”, psychotherapy with a column per year (2030, 2031) and a change column, trainings split by „- 2 -” with the heading row repeated and a „Razem:” total, supervision last with a wrapped label",
    pdfLinesPerPage: 17,
    expected: [
      ["2030", "psychotherapy_persons", null, 139],
      ["2031", "psychotherapy_persons", null, 152],
      ["2030", "psychotherapy_sessions", null, 2104],
      ["2031", "psychotherapy_sessions", null, 2230],
      ["2030", "psychotherapy_hours", null, 2118],
      ["2031", "psychotherapy_hours", null, 2251],
      ["2031", "trainings", "paid", 16],
      ["2031", "training_participants", "paid", 203],
      ["2031", "trainings", "free", 44],
      ["2031", "training_participants", "free", 1012],
      ["2031", "trainings", "dofinansowane", 6],
      ["2031", "training_participants", "dofinansowane", 88],
      ["2031", "trainings", null, 66],
      ["2031", "training_participants", null, 1303],
      ["2031", "supervisions", "social_work", 81],
      ["2031", "supervision_hours", "social_work", 170],
      ["2031", "supervision_participants", "social_work", 102],
    ],
  },
  {
    file: "kedzierzyn-kozle/fixtures/variants/informacja-o-realizacji-programu_2030.txt",
    centre: "kedzierzyn-kozle",
    about:
      "Kędzierzyn-Koźle, an information on the family-support programme for 2030: chapters „Rozdział 2.–3.”, ended assistance first, the count of assistants as a word, a running header and „— 2 —” between the sentences, no advice or foster-care sentence",
    pdfLinesPerPage: 10,
    expected: [
      ["2030", "families_assistance_ended", null, 29],
      ["2030", "families_assistance_ended", "goals_achieved", 15],
      ["2030", "family_assistants", null, 9],
      ["2030", "families_with_family_assistant", null, 104],
      ["2030", "children_in_families_with_family_assistant", null, 197],
      ["2030", "families_with_family_assistant_by_situation", "court_ordered", 18],
    ],
  },
  {
    file: "kedzierzyn-kozle/fixtures/variants/odpowiedz-na-zapytanie-radnego_2031.txt",
    centre: "kedzierzyn-kozle",
    about:
      "Kędzierzyn-Koźle, an answer to a councillor's question for 2031: advice and consultations first, the families-and-children sentence split by „Strona 1 z 2”, no count of assistants, no court-ordered or ended assistance",
    pdfLinesPerPage: 6,
    expected: [
      ["2031", "family_assistant_advice_sessions", null, 8406],
      ["2031", "family_assistant_consultations", null, 3515],
      ["2031", "families_with_family_assistant", null, 99],
      ["2031", "children_in_families_with_family_assistant", null, 176],
      ["2031", "families_with_family_assistant_by_situation", "children_in_foster_care", 14],
    ],
  },
];

describeVariants("next-period variants, fourth round: every figure read, nothing else", VARIANTS);

describe("documents rejected in the fourth round, saying why in Polish", () => {
  it("rejects a report of a city the seed does not know (Tarnów, in a known layout), text and PDF", async () => {
    for (const message of await rejectionMessages("lib/fixtures/sprawozdanie-mops-tarnow_2029.txt", 9)) {
      expect(message).toMatch(
        /^dokument\.txt: Nie rozpoznano ośrodka: w tekście nie ma nazwy żadnego ośrodka z models\/seeds\/centres\.csv\. Sprawdź, czy to sprawozdanie MOPS; nowy ośrodek dodaj wierszem w centres\.csv/,
      );
    }
  });

  it("rejects a notice of a Katowice committee meeting, which holds no figures, naming the centre, text and PDF", async () => {
    for (const message of await rejectionMessages(
      "katowice/fixtures/variants/zawiadomienie-o-posiedzeniu-komisji_2031.txt",
      7,
    )) {
      expect(message).toMatch(
        /^dokument\.txt: Brak liczb: rozpoznano ośrodek Katowice \(TERYT 2469011\), ale nie odczytano z dokumentu żadnej liczby: nie znaleziono żadnej znanej sekcji \(szukano: „/,
      );
      expect(message).not.toMatch(/Czytniki, które nie zadziałały/);
    }
  });
});
