/**
 * The report calendar (pipelines/report-calendar.csv): which report each centre owes for which
 * period, and by when. A partition is one centre × kind of report × period; it is `received` when a
 * document of that kind covering the period has arrived, `late` when its deadline has passed without
 * one, and `expected` until then. Only periods that have ended are expected at all.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { csvParse } from "d3";
import { z } from "zod";
import type { PartitionState } from "./db.ts";

export const CALENDAR_FILE = fileURLToPath(new URL("./report-calendar.csv", import.meta.url));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const CalendarEntry = z.object({
  centre_id: z.string().regex(/^[a-z][a-z-]*$/),
  /** The kind of report as its extractor recognises it (Recognition.kind). */
  report_kind: z.string().regex(/^[a-z0-9-]+$/),
  period_kind: z.enum(["year", "half_year"]),
  /** Deadline: this month and day, `deadline_year_offset` years after the period's year. */
  deadline_month: int(1, 12),
  /** Clamped to the month's length (31 in February is its last day). */
  deadline_day: int(1, 31),
  deadline_year_offset: int(0, 2),
  /** The first period the centre is expected to report (a year; half-years from its H1). */
  first_year: int(1990, 2100),
  /** Empty: still reported. */
  last_year: z.string().transform((s, ctx) => {
    if (s === "") return null;
    const n = Number(s);
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "last_year must be a year or empty" });
    return n;
  }),
  basis: z.string(),
});
export type CalendarEntry = z.infer<typeof CalendarEntry>;

export function readCalendar(file = CALENDAR_FILE): CalendarEntry[] {
  const rows = csvParse(readFileSync(file, "utf8"));
  const entries = rows.map((row, i) => {
    const parsed = CalendarEntry.safeParse(row);
    if (!parsed.success) throw new Error(`${file}, row ${i + 2}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
  const seen = new Set<string>();
  for (const e of entries) {
    const key = `${e.centre_id}/${e.report_kind}/${e.period_kind}`;
    if (seen.has(key)) throw new Error(`${file}: ${key} is listed twice`);
    seen.add(key);
  }
  return entries;
}

/** A document as freshness needs it. */
export interface ReceivedDocument {
  documentId: string;
  centreId: string;
  kind: string;
  periods: string[];
  /** When it arrived; null for the reports bundled with the project. */
  receivedAt: Date | null;
}

export interface Partition {
  centre_id: string;
  report_kind: string;
  period_id: string;
  period_kind: "year" | "half_year";
  /** YYYY-MM-DD */
  deadline: string;
  state: PartitionState;
  document_id: string | null;
  received_at: Date | null;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

function deadlineOf(e: CalendarEntry, year: number): string {
  const y = year + e.deadline_year_offset;
  const lastDay = new Date(Date.UTC(y, e.deadline_month, 0)).getUTCDate();
  return iso(new Date(Date.UTC(y, e.deadline_month - 1, Math.min(e.deadline_day, lastDay))));
}

/** The periods of an entry that have ended by `today`: years, or first half-years (the ministry's H1 report). */
function endedPeriods(e: CalendarEntry, today: Date): { periodId: string; year: number }[] {
  const out: { periodId: string; year: number }[] = [];
  const last = e.last_year ?? today.getUTCFullYear();
  for (let year = e.first_year; year <= last; year++) {
    const end = e.period_kind === "year" ? `${year}-12-31` : `${year}-06-30`;
    if (end >= iso(today)) break;
    out.push({ periodId: e.period_kind === "year" ? String(year) : `${year}-H1`, year });
  }
  return out;
}

/** Every partition the calendar expects by `today`, with its state given the documents received. */
export function computePartitions(
  calendar: CalendarEntry[],
  documents: ReceivedDocument[],
  today: Date,
): Partition[] {
  const out: Partition[] = [];
  for (const e of calendar) {
    for (const { periodId, year } of endedPeriods(e, today)) {
      const deadline = deadlineOf(e, year);
      const covering = documents
        .filter((d) => d.centreId === e.centre_id && d.kind === e.report_kind && d.periods.includes(periodId))
        .sort((a, b) => (a.receivedAt?.getTime() ?? 0) - (b.receivedAt?.getTime() ?? 0));
      const first = covering[0];
      out.push({
        centre_id: e.centre_id,
        report_kind: e.report_kind,
        period_id: periodId,
        period_kind: e.period_kind,
        deadline,
        state: first ? "received" : iso(today) > deadline ? "late" : "expected",
        document_id: first?.documentId ?? null,
        received_at: first?.receivedAt ?? null,
      });
    }
  }
  return out;
}

/** The partitions of the report calendar (pipelines/report-calendar.csv) for the stored documents, as of `today`. */
export function partitionsOfDocuments(
  documents: {
    documentId: string;
    centreId: string;
    kind: string;
    periods: string[];
    receivedAt?: string | null;
  }[],
  today: Date,
): Partition[] {
  return computePartitions(
    readCalendar(),
    documents.map((d) => ({
      documentId: d.documentId,
      centreId: d.centreId,
      kind: d.kind,
      periods: d.periods,
      receivedAt: d.receivedAt ? new Date(d.receivedAt) : null,
    })),
    today,
  );
}
