/**
 * Kędzierzyn-Koźle: "Informacja o działaniach asystentów rodziny Miejskiego Ośrodka Pomocy Społecznej
 * w Kędzierzynie-Koźlu w roku YYYY", a yearly report in prose for the council's social committee.
 * Every figure stands in a sentence, some as words ("czterech asystentów", "w dwóch przypadkach",
 * "z jedną rodziną"). The cover letter carries a signature (DPŚ.422.…), dates and the names of the mayor
 * and the deputy director: none of that is a figure, and no name enters any field.
 */

import { unitOf } from "../lib/catalogue.ts";
import type { CentreRecord } from "../lib/centres.ts";
import { escapeRegExp, normaliseLabel, type SourceText } from "../lib/document.ts";
import type { Extractor, ReadingContext } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import { furnitureOf } from "../lib/layout.ts";
import type { ExtractedObservation, Recognition } from "../lib/observation.ts";
import {
  Flow,
  flagContradictions,
  type ProseRule,
  polishDate,
  readProse,
  type UnreadNumber,
} from "../lib/prose.ts";

const WHOLE_YEAR_NOTE =
  "Rodziny objęte wsparciem asystentów w ciągu całego roku, nie jednocześnie; ustawowy limit 15 rodzin na asystenta dotyczy pracy w tym samym czasie.";

/** Up to 80 characters within a sentence ("r." of a year and "ww." do not end it). */
const GAP = String.raw`(?:[^.\n]|(?<= r|ww)\.){0,80}?`;

const PROSE: ProseRule[] = [
  {
    pattern: String.raw`zatrudniał\p{L}* #{n} asystent\p{L}* rodziny`,
    figures: [{ group: "n", metric: "family_assistants" }],
  },
  {
    pattern: String.raw`objęli wsparciem #{families} rodzin\p{L}*(?:, w których wychowuj\p{L}* się #{children} dzie\p{L}*)?`,
    figures: [
      {
        group: "families",
        metric: "families_with_family_assistant",
        flags: ["whole_year_count"],
        note: WHOLE_YEAR_NOTE,
      },
      { group: "children", metric: "children_in_families_with_family_assistant" },
    ],
  },
  {
    pattern: String.raw`#{n} z nich został\p{L}* zobowiązan\p{L}* do współpracy`,
    figures: [
      { group: "n", metric: "families_with_family_assistant_by_situation", breakdown: "court_ordered" },
    ],
  },
  {
    pattern: String.raw`w #{n} z nich dzie\p{L}* (?:był\p{L}* )?umieszczon\p{L}* (?:był\p{L}* )?w pieczy zastępczej`,
    figures: [
      {
        group: "n",
        metric: "families_with_family_assistant_by_situation",
        breakdown: "children_in_foster_care",
      },
    ],
  },
  {
    pattern: String.raw`w #{n} przypadk\p{L}* nastąpił\p{L}* powr\p{L}* dzie\p{L}* do rodzin\p{L}* biologiczn\p{L}*`,
    figures: [{ group: "n", metric: "children_returned_from_foster_care" }],
  },
  {
    pattern: String.raw`zakończono współpracę z #{n} rodzin\p{L}*`,
    figures: [{ group: "n", metric: "families_assistance_ended" }],
  },
  {
    pattern: String.raw`w #{n} przypadk\p{L}*${GAP} zakończono osiągając zamierzon\p{L}* cel\p{L}*`,
    figures: [{ group: "n", metric: "families_assistance_ended", breakdown: "goals_achieved" }],
  },
  {
    pattern: String.raw`udzielili (?:łącznie )?#{n} porad\p{L}*`,
    figures: [{ group: "n", metric: "family_assistant_advice_sessions" }],
  },
  {
    pattern: String.raw`przeprowadzili (?:łącznie )?#{n} konsultacj\p{L}*`,
    figures: [{ group: "n", metric: "family_assistant_consultations" }],
  },
  {
    // The lookbehind after the words it ends with, not first: first, it was tried at every position of
    // every document (600 characters back each time: 0.6 s of a report's extraction).
    pattern: String.raw`w ramach ww\. ustawy(?<=Za życiem[^\n]{0,600}?w ramach ww\. ustawy)${GAP} współprac\p{L}* z #{n} rodzin\p{L}*`,
    figures: [{ group: "n", metric: "families_with_za_zyciem_coordination" }],
  },
  {
    // The act named in the sentence itself: "w ramach ustawy „Za życiem” kontynuowana była współpraca z dwiema rodzinami".
    pattern: String.raw`w ramach ustawy (?:„|,,|")Za życiem(?:”|’’|")${GAP} współprac\p{L}* z #{n} rodzin\p{L}*`,
    figures: [{ group: "n", metric: "families_with_za_zyciem_coordination" }],
  },
  {
    pattern: String.raw`wzięł\p{L}* udział (?:łącznie )?#{n} dzie\p{L}*`,
    figures: [{ group: "n", metric: "family_assistant_project_participants", breakdown: "children" }],
  },
  {
    // Meetings of a programme the assistants ran („Szkoła dla Rodziców” …), by programme.
    pattern: String.raw`przeprowadzili (?:również |także )?(?:łącznie )?#{n} spotka\p{L}*${GAP} w ramach (?:programu|projektu)\p{L}* (?:pn\. )?(?:„|,,)(?<programme>[^”’"\n]{3,120})(?:”|’’|")`,
    figures: [
      {
        group: "n",
        metric: "programme_meetings",
        breakdownOf: { vocabulary: "programme", group: "programme" },
      },
    ],
  },
  {
    pattern: String.raw`otrzymał\p{L}* dofinansowanie${GAP} w (?:kwocie|wysokości) #{amount:zł}`,
    figures: [{ group: "amount", metric: "family_assistant_programme_grant" }],
  },
];

/** The text as sentences: a page's footer or running header inside a sentence split over two pages vanishes. */
function proseFlow(doc: SourceText): Flow {
  const furniture = furnitureOf(doc);
  return new Flow(
    doc,
    () => true,
    (n) => furniture(doc.line(n)),
  );
}

/** Numbers of the document that no rule reads (dates, legal references, durations, … and anything new). */
export function unreadNumbers(doc: SourceText): UnreadNumber[] {
  return readProse(proseFlow(doc), PROSE).unread;
}

export const asystenciRodziny: Extractor = {
  id: "kedzierzyn-kozle/asystenci-rodziny",
  kind: "asystenci-rodziny",

  recognise(doc: SourceText, centre: CentreRecord): Recognition | null {
    const heading = doc.findLine(/^\s*INFORMACJA O DZIAŁANIACH ASYSTENTÓW RODZINY/i);
    if (heading === null) return null;
    // The heading can wrap: read it up to its year.
    const parts = [...doc.nonBlankLines(heading, Math.min(doc.lines.length, heading + 6))].slice(0, 3);
    let title = "";
    for (const [, t] of parts) {
      title = `${title} ${t}`.replace(/\s+/g, " ").trim();
      if (/\bw roku \d{4}\b/.test(normaliseLabel(title))) break;
    }
    const norm = normaliseLabel(title);
    const year = /\bw roku (\d{4})\b/.exec(norm)?.[1];
    if (!year) return null;
    const dated = doc.findLine(new RegExp(String.raw`${escapeRegExp(centre.name_pl)},\s+dnia\s`, "iu"));
    return {
      centre_id: centre.centre_id,
      kind: "asystenci-rodziny",
      title,
      periods: [year],
      issued_on: dated === null ? null : polishDate(doc.line(dated)),
    };
  },

  readers: [
    {
      id: "kedzierzyn-kozle/family-assistant-prose",
      section_pl:
        "opis pracy asystentów rodziny (rodziny objęte wsparciem, asystenci, dzieci, zakończone współprace)",
      read: (doc, context) => readFamilyAssistantProse(doc, context),
    },
  ],
};

/** Every prose rule of the family-assistant information, dated by the document's year. */
function readFamilyAssistantProse(doc: SourceText, context: ReadingContext): ExtractedObservation[] {
  // The document's year, or its half-year ("w I półroczu 2028 r." → 2028-H1).
  const period = context.period;
  if (period === null) return [];
  const { hits } = readProse(proseFlow(doc), PROSE);
  // A sentence written twice on one line is one figure (or, with other numbers, one flagged figure).
  const figures = oneFigurePerPlace(
    hits.map((h) => ({
      centre_id: context.centre.centre_id,
      period_id: period,
      as_of_date: null,
      metric_id: h.metric,
      breakdown: h.breakdown,
      value: h.value,
      unit: unitOf(h.metric),
      line: h.line,
      quote: h.quote,
      label: h.label,
      flags: h.flags,
      // A half-year's families are counted over the half-year, not the whole year.
      note: /-H[12]$/.test(period) && h.note ? h.note.replace("całego roku", "całego półrocza") : h.note,
    })),
  );
  return flagContradictions(figures);
}
