/**
 * The third round of next-period variants (issue 11, "Done when" 2): written before they were run, one per
 * centre, under titles and kinds no reader keys on — an information for a session of the city council, a
 * paper for the council's health committee, two assessments of social-welfare resources ("Ocena zasobów
 * pomocy społecznej") — with sections in another order, headings renamed, one section left out, and one table
 * split over two pages. Unlike the second round: footers of other forms ("— 1 —", "s. 1/2", "strona 1 z 2",
 * a page number line with no first page), the table's heading row repeated after the page break, prose
 * paragraphs between the sections, and an unrelated table or figures (expenditure, housing allowances,
 * premises, administrative decisions) whose numbers no reader may claim. Every figure a reader should read is
 * listed with its value, metric, period and breakdown, and nothing else. sources/variants.test.ts holds the
 * second round, sources/sections.test.ts the first.
 */
import { describeVariants, type Variant } from "./variant-cases.ts";

const VARIANTS: Variant[] = [
  {
    file: "wroclaw/fixtures/variants/informacja-na-sesje-rady_2017.txt",
    centre: "wroclaw",
    about:
      "Wrocław, an information for a council session for 2017: staffing lines first, an expenditure table with year columns (not read), Niebieska Karta table, families table last with its reasons reordered and its period heading repeated after a „— 1 —” footer; no family-assistant section",
    pdfLinesPerPage: 40,
    expected: [
      ["2017", "social_workers", null, 219],
      ["2017", "residents", null, 640648],
      ["2016", "nk_a_forms", null, 451],
      ["2017-H1", "nk_a_forms", null, 240],
      ["2017", "nk_a_forms", null, 468],
      ["2016", "nk_working_groups", null, 420],
      ["2017-H1", "nk_working_groups", null, 205],
      ["2017", "nk_working_groups", null, 437],
      ["2016", "families_assisted", null, 7640],
      ["2017", "families_assisted", null, 7402],
      ["2017-H1", "families_assisted", null, 5870],
      ["2016", "families_by_reason", "long_term_illness", 4402],
      ["2017", "families_by_reason", "long_term_illness", 4377],
      ["2017-H1", "families_by_reason", "long_term_illness", 3290],
      ["2016", "families_by_reason", "poverty", 4811],
      ["2017", "families_by_reason", "poverty", 4603],
      ["2017-H1", "families_by_reason", "poverty", 3611],
      ["2016", "families_by_reason", "unemployment", 2950],
      ["2017", "families_by_reason", "unemployment", 2688],
      ["2017-H1", "families_by_reason", "unemployment", 2004],
      ["2016", "families_by_reason", "disability", 2877],
      ["2017", "families_by_reason", "disability", 2861],
      ["2017-H1", "families_by_reason", "disability", 2240],
      ["2016", "families_social_work", null, 3590],
      ["2017", "families_social_work", null, 3544],
      ["2017-H1", "families_social_work", null, 2902],
      ["2016", "families_social_work_only", null, 671],
      ["2017", "families_social_work_only", null, 649],
      ["2017-H1", "families_social_work_only", null, 498],
    ],
  },
  {
    file: "jaworzno/fixtures/variants/ocena-zasobow-pomocy-spolecznej_2027.txt",
    centre: "jaworzno",
    about:
      "Jaworzno, an assessment of social-welfare resources for 2027: tables 6, 3, 5 in that order, tables 1–2, 4 and 7 missing, an untitled premises list between them (not read), table 5 split by a „strona 1 z 2” footer with its heading row repeated",
    pdfLinesPerPage: 26,
    expected: [
      ["2027", "families_with_family_assistant_by_situation", "at_risk_of_placement", 27],
      ["2027", "families_with_family_assistant_by_situation", "children_in_foster_care", 6],
      ["2027", "families_with_family_assistant_by_situation", "monitoring", 15],
      ["2027", "crisis_interventions", null, 51],
      ["2027", "crisis_interventions", "child_rights_violation", 9],
      ["2027", "home_visits", "family_assistant", 1256],
      ["2027", "opinions_to_external_institutions", "family_assistant", 31],
      ["2027", "home_visits", "social_worker", 3602],
      ["2027", "opinions_to_external_institutions", "social_worker", 812],
    ],
  },
  {
    file: "katowice/fixtures/variants/material-na-posiedzenie-komisji-zdrowia_2029.txt",
    centre: "katowice",
    about:
      "Katowice, a paper for the health committee for 2029: supervision first (without its participants' lines), family assistance, housing-allowance figures of another department (not read), trainings last, split by a „s. 1/2” footer with the heading row repeated; no psychotherapy",
    pdfLinesPerPage: 29,
    expected: [
      ["2029", "supervisions", "psychological", 188],
      ["2029", "supervision_hours", "psychological", 410],
      ["2029", "supervisions", "social_work", 74],
      ["2029", "supervision_hours", "social_work", 166],
      ["2029", "family_assistants", null, 20],
      ["2029", "families_with_family_assistant", null, 331],
      ["2029", "children_in_families_with_family_assistant", null, 574],
      ["2029", "trainings", "paid", 14],
      ["2029", "training_participants", "paid", 188],
      ["2029", "trainings", "free", 40],
      ["2029", "training_participants", "free", 955],
      ["2029", "trainings", "dofinansowane", 7],
      ["2029", "training_participants", "dofinansowane", 101],
      ["2029", "trainings", null, 61],
      ["2029", "training_participants", null, 1244],
    ],
  },
  {
    file: "kedzierzyn-kozle/fixtures/variants/ocena-zasobow-pomocy-spolecznej_2029.txt",
    centre: "kedzierzyn-kozle",
    about:
      "Kędzierzyn-Koźle, an assessment of social-welfare resources for 2029: a count of administrative decisions first (not read), the family-assistant sentences reordered and split by a „Strona 2 z 3” line, no sentence on ended assistance",
    pdfLinesPerPage: 15,
    expected: [
      ["2029", "families_with_family_assistant_by_situation", "court_ordered", 16],
      ["2029", "family_assistants", null, 8],
      ["2029", "families_with_family_assistant", null, 97],
      ["2029", "children_in_families_with_family_assistant", null, 181],
      ["2029", "families_with_family_assistant_by_situation", "children_in_foster_care", 12],
      ["2029", "family_assistant_advice_sessions", null, 8011],
      ["2029", "family_assistant_consultations", null, 3377],
    ],
  },
];

describeVariants("next-period variants, third round: every figure read, nothing else", VARIANTS);
