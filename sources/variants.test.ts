/**
 * The second round of next-period variants (issue 11, "Done when" 2): written before they were run, one per
 * centre, under titles no kind of report knows — a statistical annex, a yearly information for the council,
 * an answer to a councillor, an information for a council committee — with renamed or missing headings,
 * sections reordered or left out, and a table split over two pages by a page footer (in the text, and by a
 * page break inside the table in the PDF). Every figure in them must be read with its value, metric, period
 * and breakdown, and nothing else. sources/sections.test.ts holds the first round.
 */
import { describeVariants, type Variant } from "./variant-cases.ts";

const VARIANTS: Variant[] = [
  {
    file: "wroclaw/fixtures/variants/zalacznik-statystyczny_2016.txt",
    centre: "wroclaw",
    about:
      "Wrocław, a statistical annex for 2016: families table first under a new heading, its reasons reordered, split by a page footer with no header repeated; Niebieska Karta table second; no staffing lines",
    pdfLinesPerPage: 14,
    expected: [
      ["2015", "families_assisted", null, 7915],
      ["2016", "families_assisted", null, 7640],
      ["2016-H1", "families_assisted", null, 6020],
      ["2015", "families_by_reason", "poverty", 4988],
      ["2016", "families_by_reason", "poverty", 4811],
      ["2016-H1", "families_by_reason", "poverty", 3745],
      ["2015", "families_by_reason", "unemployment", 3204],
      ["2016", "families_by_reason", "unemployment", 2950],
      ["2016-H1", "families_by_reason", "unemployment", 2210],
      ["2015", "families_by_reason", "long_term_illness", 4388],
      ["2016", "families_by_reason", "long_term_illness", 4402],
      ["2016-H1", "families_by_reason", "long_term_illness", 3350],
      ["2015", "families_by_reason", "disability", 2901],
      ["2016", "families_by_reason", "disability", 2877],
      ["2016-H1", "families_by_reason", "disability", 2301],
      ["2015", "families_social_work", null, 3655],
      ["2016", "families_social_work", null, 3590],
      ["2016-H1", "families_social_work", null, 2940],
      ["2015", "families_social_work_only", null, 688],
      ["2016", "families_social_work_only", null, 671],
      ["2016-H1", "families_social_work_only", null, 505],
      ["2015", "nk_a_forms", null, 430],
      ["2016-H1", "nk_a_forms", null, 225],
      ["2016", "nk_a_forms", null, 451],
      ["2015", "nk_working_groups", null, 402],
      ["2016-H1", "nk_working_groups", null, 198],
      ["2016", "nk_working_groups", null, 420],
      ["2016", "families_with_family_assistant", "mops", 61],
      ["2016", "family_assistants", "mops", 6],
    ],
  },
  {
    file: "jaworzno/fixtures/variants/roczna-informacja-dla-rady_2026.txt",
    centre: "jaworzno",
    about:
      "Jaworzno, a yearly information for the council for 2026: table 1 before table 4, tables 2–3 and 5–7 missing, table 4 split by a page footer",
    pdfLinesPerPage: 13,
    expected: [
      ["2026", "families_with_children_in_activation", "social_work", 17],
      ["2026", "children_in_families_in_activation", "social_work", 36],
      ["2026", "families_with_children_in_activation", "socially_useful_work", 4],
      ["2026", "children_in_families_in_activation", "socially_useful_work", 9],
      ["2026", "families_with_family_assistant", null, 98],
      ["2026", "families_with_specialist_support", "social_worker", 588],
      ["2026", "families_with_specialist_support", "psychologist", 39],
    ],
  },
  {
    file: "katowice/fixtures/variants/odpowiedz-na-zapytanie-radnej_2028.txt",
    centre: "katowice",
    about:
      "Katowice, an answer to a councillor for 2028: trainings table first and split by a page footer, psychotherapy with one row only, family assistance last without its children's row",
    pdfLinesPerPage: 9,
    expected: [
      ["2028", "trainings", "paid", 12],
      ["2028", "training_participants", "paid", 174],
      ["2028", "trainings", "free", 38],
      ["2028", "training_participants", "free", 902],
      ["2028", "trainings", null, 50],
      ["2028", "training_participants", null, 1076],
      ["2028", "psychotherapy_persons", null, 163],
      ["2028", "family_assistants", null, 19],
      ["2028", "families_with_family_assistant", null, 317],
    ],
  },
  {
    file: "kedzierzyn-kozle/fixtures/variants/informacja-dla-komisji-rodziny_2028.txt",
    centre: "kedzierzyn-kozle",
    about:
      "Kędzierzyn-Koźle, an information for a council committee for 2028: the family-assistant sentences reordered, one on the next page, no foster-care sentence",
    pdfLinesPerPage: 7,
    expected: [
      ["2028", "family_assistants", null, 7],
      ["2028", "families_assistance_ended", null, 24],
      ["2028", "families_assistance_ended", "goals_achieved", 13],
      ["2028", "families_with_family_assistant", null, 93],
      ["2028", "children_in_families_with_family_assistant", null, 172],
    ],
  },
];

describeVariants("next-period variants, second round: every figure read, nothing else", VARIANTS);
