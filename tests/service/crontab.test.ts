import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CALENDAR_FILE, computePartitions, readCalendar } from "../../pipelines/calendar.ts";
import { CRONTAB_FILE, nextFire, parsePipelineCrontab, readCrontab } from "../../pipelines/crontab.ts";
import { jobSpec, Payloads, TASK_NAMES } from "../../pipelines/payloads.ts";
import { readSources, reportLinks } from "../../pipelines/sources.ts";
import { TASKS } from "../../pipelines/tasks.ts";

const at = (iso: string) => new Date(iso);
const fire = (id: string, from: string) => {
  const line = readCrontab().find((l) => l.id === id);
  if (!line) throw new Error(`no crontab line ${id}`);
  return nextFire(line, at(from))?.toISOString();
};

describe("the crontab", () => {
  it("parses, with a fixed unique id per line and a task of the pipeline", () => {
    const lines = readCrontab();
    expect(lines.map((l) => l.id)).toEqual([
      "discover_inbox",
      "nightly_catch_up",
      "collect_half_year",
      "collect_half_year_follow_up",
      "collect_year",
      "collect_year_follow_up",
      "daily_freshness",
      "yearly_reference",
    ]);
    for (const l of lines) expect(TASK_NAMES).toContain(l.task);
    const text = readFileSync(CRONTAB_FILE, "utf8");
    expect(text.split("\n").filter((l) => /^[^#\s]/.test(l))).toHaveLength(lines.length);
  });

  it("looks at the inbox every minute, UTC", () => {
    expect(fire("discover_inbox", "2026-11-25T06:41:30Z")).toBe("2026-11-25T06:42:00.000Z");
  });

  it("runs the half-year round after the July deadline and the yearly round after the February one", () => {
    expect(fire("collect_half_year", "2026-07-15T12:00:00Z")).toBe("2026-08-01T06:00:00.000Z");
    expect(fire("collect_year", "2026-11-25T06:00:00Z")).toBe("2027-03-01T06:00:00.000Z");
    // Follow-ups: Mondays of August and September, of March and April.
    expect(fire("collect_half_year_follow_up", "2026-08-01T07:00:00Z")).toBe("2026-08-03T06:00:00.000Z");
    expect(fire("collect_half_year_follow_up", "2026-09-29T07:00:00Z")).toBe("2027-08-02T06:00:00.000Z");
    expect(fire("collect_year_follow_up", "2027-04-27T07:00:00Z")).toBe("2028-03-06T06:00:00.000Z");
    const round = readCrontab().find((l) => l.id === "collect_year")?.item;
    expect(round?.payload).toEqual({ round: "year" });
    expect(round?.options.backfillPeriod).toBe(30 * 24 * 3600 * 1000);
  });

  it("fetches the official reference figures once a year, in May, without catching up missed years", () => {
    expect(fire("yearly_reference", "2026-12-03T12:00:00Z")).toBe("2027-05-15T04:00:00.000Z");
    expect(readCrontab().find((l) => l.id === "yearly_reference")?.item.options.backfillPeriod).toBeFalsy();
  });

  it("refuses a line without its own ?id=, an unknown task, or a payload its task does not take", () => {
    expect(() => parsePipelineCrontab("* * * * * discover_documents")).toThrow(
      /every line needs a fixed \?id=/,
    );
    expect(() => parsePipelineCrontab("* * * * * drop_tables ?id=x")).toThrow(/no task drop_tables/);
    expect(() => parsePipelineCrontab('0 6 1 8 * collect_reports ?id=x {round: "weekly"}')).toThrow(
      /bad payload for collect_reports/,
    );
    expect(() => parsePipelineCrontab("61 * * * * check_freshness ?id=x")).toThrow(/crontab/);
  });

  it("has one task file per task, each with a payload schema and a queueing rule", () => {
    expect(TASKS.map((t) => t.name).sort()).toEqual([...TASK_NAMES].sort());
    expect(Object.keys(Payloads).sort()).toEqual([...TASK_NAMES].sort());
    const sha256 = "a".repeat(64);
    const accept = jobSpec("accept_document", { path: "/x", fileName: "x", sha256, origin: "inbox" });
    expect(accept).toMatchObject({ jobKey: `document:${sha256}`, jobKeyMode: "unsafe_dedupe" });
    for (const t of ["build_warehouse", "run_data_tests", "publish_warehouse"] as const) {
      const payload = { buildPath: "/b", build: { documents: 1, observations: 1, models: 1 }, warnings: 0 };
      expect(jobSpec(t, payload as never).queueName).toBe("warehouse");
    }
  });
});

describe("the report calendar", () => {
  const calendar = readCalendar();
  const jaworzno = calendar.filter((e) => e.centre_id === "jaworzno");
  const doc = (periods: string[], receivedAt: string | null) => ({
    documentId: `doc-${periods.join("-")}`,
    centreId: "jaworzno",
    kind: "sprawozdanie-gpwr",
    periods,
    receivedAt: receivedAt ? at(receivedAt) : null,
  });

  it("is data: one row per centre, kind of report and period kind, with a deadline", () => {
    expect(readFileSync(CALENDAR_FILE, "utf8").split("\n")[0]).toMatch(/^centre_id,report_kind,period_kind/);
    expect(new Set(calendar.map((e) => e.centre_id))).toEqual(
      new Set(["wroclaw", "katowice", "jaworzno", "kedzierzyn-kozle"]),
    );
    expect(calendar.some((e) => e.period_kind === "half_year" && e.deadline_month === 7)).toBe(true);
    expect(calendar.some((e) => e.period_kind === "year" && e.deadline_month === 2)).toBe(true);
  });

  it("marks each ended period received, expected before its deadline, late after it", () => {
    const parts = computePartitions(jaworzno, [doc(["2023"], null)], at("2025-02-10T00:00:00Z"));
    expect(parts.map((p) => [p.period_id, p.state, p.deadline])).toEqual([
      ["2023", "received", "2024-03-31"],
      ["2024", "expected", "2025-03-31"],
    ]);
    const later = computePartitions(jaworzno, [doc(["2023"], null)], at("2025-04-01T00:00:00Z"));
    expect(later.find((p) => p.period_id === "2024")?.state).toBe("late");
    // The year in progress is not expected yet.
    expect(later.map((p) => p.period_id)).not.toContain("2025");
  });

  it("expects half-years from July on, each with the July deadline", () => {
    const h1 = [
      {
        ...jaworzno[0],
        period_kind: "half_year" as const,
        deadline_month: 7,
        deadline_day: 31,
        deadline_year_offset: 0,
        first_year: 2026,
        last_year: null,
        report_kind: "sprawozdanie-gpwr",
        centre_id: "jaworzno",
        basis: "",
      },
    ];
    expect(computePartitions(h1, [], at("2026-06-30T12:00:00Z"))).toEqual([]);
    const [p] = computePartitions(h1, [], at("2026-07-02T00:00:00Z"));
    expect([p?.period_id, p?.state, p?.deadline]).toEqual(["2026-H1", "expected", "2026-07-31"]);
    expect(computePartitions(h1, [], at("2026-08-01T00:00:00Z"))[0]?.state).toBe("late");
  });

  it("clamps a deadline day to the month (31 February is the last day of February)", () => {
    const e = {
      ...jaworzno[0],
      deadline_month: 2,
      deadline_day: 31,
      first_year: 2023,
      last_year: 2023,
    } as never;
    expect(computePartitions([e], [], at("2026-01-01T00:00:00Z"))[0]?.deadline).toBe("2024-02-29");
  });
});

describe("the report sources", () => {
  it("point at nothing external by default", async () => {
    const config = await readSources();
    expect(config.sources).toEqual([]);
  });

  it("find the report links of a listing page (BIP pages link their PDFs)", () => {
    const html = `<ul>
      <li><a href="/files/Sprawozdanie%202025.pdf">Sprawozdanie 2025</a></li>
      <li><a class="x" href='raport-I-polrocze.txt'>I półrocze</a></li>
      <li><a href="/kontakt.html">Kontakt</a> <a href="mailto:mops@example.pl">mail</a></li>
      <li><a href="/files/Sprawozdanie%202025.pdf#page=2">again</a></li>
      <li><a href="getfile.php?id=7&amp;type=pdf">by query</a></li>
    </ul>`;
    expect(
      reportLinks(html, "https://bip.example.pl/mops/sprawozdania/", "\\.(pdf|txt)([?#]|$)|type=pdf", 10),
    ).toEqual([
      "https://bip.example.pl/files/Sprawozdanie%202025.pdf",
      "https://bip.example.pl/mops/sprawozdania/raport-I-polrocze.txt",
      "https://bip.example.pl/mops/sprawozdania/getfile.php?id=7&type=pdf",
    ]);
  });
});
