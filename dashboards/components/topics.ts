// Topics of the metric catalogue, for grouping indicators in Porównanie miast. The catalogue
// (models/seeds/metrics/*.csv) has no topic column and its files are split by the city that first
// reported a metric, not by subject; so the topic is derived here from the metric's id and legal basis,
// first matching rule wins. A metric no rule knows goes to "Inne" (and shows there, never lost).

export const TOPICS = [
  "Pomoc społeczna",
  "Rodzina i asystenci rodziny",
  "Piecza zastępcza",
  "Świadczenia i karty",
  "Przemoc domowa (Niebieska Karta)",
  "Wsparcie specjalistyczne i interwencja",
  "Kadry i szkolenia",
  "Programy i projekty",
  "Mieszkańcy",
  "Inne",
] as const;
export type Topic = (typeof TOPICS)[number];

const RULES: [RegExp, Topic][] = [
  [/^residents$/, "Mieszkańcy"],
  [/^nk_|przemocy/, "Przemoc domowa (Niebieska Karta)"],
  [/foster_care|care_leavers|guardian|pieczy zastępczej/, "Piecza zastępcza"],
  [
    /^social_workers$|^family_assistants$|staff|training|supervis|specialisation|postgraduate|language_course|trainers/,
    "Kadry i szkolenia",
  ],
  [/family_benefits|alimony|large_family|respite_care|świadczeniach rodzinnych/, "Świadczenia i karty"],
  [
    /family_assist|assistance_ended|za_zyciem|activation|diagnostic|day_support|wspieraniu rodziny/,
    "Rodzina i asystenci rodziny",
  ],
  [
    /psycholog|psychotherap|therapy|crisis|interventions|specialist|home_visits|opinions/,
    "Wsparcie specjalistyczne i interwencja",
  ],
  [/^programme_|projects?_|local_activity/, "Programy i projekty"],
  [/^families_|social_work|social_activation|integration|pomocy społecznej/, "Pomoc społeczna"],
];

/** The topic of a metric, from its id and (when the id says nothing) its legal basis. */
export function topicOf(metricId: string, legalBasis?: string | null): Topic {
  const id = metricId.replace(/^bench_/, "");
  for (const [pattern, topic] of RULES) if (pattern.test(id)) return topic;
  for (const [pattern, topic] of RULES) if (legalBasis && pattern.test(legalBasis)) return topic;
  return "Inne";
}
