import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { extractDocument } from "../registry.ts";
import {
  CENTRES_SEED,
  centreCatalogue,
  foreignCentreName,
  forgetRegisteredCentres,
  recogniseCentre,
  registerCentres,
} from "./centres.ts";

const SOURCES = fileURLToPath(new URL("../", import.meta.url));
const read = (path: string) => readFileSync(path, "utf8");

afterEach(() => forgetRegisteredCentres());

describe("centres are data (models/seeds/centres.csv)", () => {
  it("keys every centre by a TERYT (TERC) code and names it in three cases", () => {
    const centres = [...centreCatalogue().values()];
    expect(centres.map((c) => [c.centre_id, c.teryt])).toEqual([
      ["wroclaw", "0264011"],
      ["katowice", "2469011"],
      ["jaworzno", "2468011"],
      ["kedzierzyn-kozle", "1603011"],
    ]);
    for (const c of centres) {
      expect(c.name_genitive, c.centre_id).not.toBeNull();
      expect(c.name_locative, c.centre_id).toMatch(/^we? /);
      expect(c.centre_name_pl, c.centre_id).toContain(c.name_locative ?? "");
    }
  });

  it("recognises the centre of every bundled report from the seed's name forms", () => {
    for (const centre of ["wroclaw", "katowice", "jaworzno", "kedzierzyn-kozle"]) {
      const dir = join(SOURCES, centre, "documents");
      for (const f of readdirSync(dir)) {
        expect(recogniseCentre(read(join(dir, f)))?.centre.centre_id, f).toBe(centre);
      }
    }
  });

  it("knows no centre in a text that names none, or two equally", () => {
    expect(
      recogniseCentre("Sprawozdanie Miejskiego Ośrodka Pomocy Społecznej w Łodzi za 2024 r."),
    ).toBeNull();
    expect(recogniseCentre("Porównanie: Jaworzno i Katowice.")).toBeNull();
  });

  it("takes a report whose own centre is unknown for no known centre's, though it names a known city in passing", () => {
    const bytom =
      "Informacja Miejskiego Ośrodka Pomocy Społecznej w Bytomiu za 2027 r.\n" +
      "Przekazano do Śląskiego Urzędu Wojewódzkiego w Katowicach.";
    expect(recogniseCentre(bytom)).toBeNull();
    expect(foreignCentreName(bytom)).toBe("Ośrodka Pomocy Społecznej w Bytomiu");
    // A known centre's own report that compares itself with another centre stays its own.
    const katowice =
      "Informacja Miejskiego Ośrodka Pomocy Społecznej w Katowicach za 2027 r.\n" +
      "Dla porównania MOPS w Bytomiu zatrudnia 12 asystentów.";
    expect(recogniseCentre(katowice)?.centre.centre_id).toBe("katowice");
    expect(foreignCentreName(katowice)).toBe("MOPS w Bytomiu");
  });
});

/** A report of Jaworzno's GPWR layout, rewritten for another city by its name forms. */
function asOpole(text: string): string {
  return text
    .replace(/JAWORZNIE/g, "OPOLU")
    .replace(/Jaworznie/g, "Opolu")
    .replace(/Jaworzna/g, "Opola")
    .replace(/Jaworzno/g, "Opole")
    .replace(/Jaworznick(\p{L}*)/gu, "Opolsk$1");
}

describe("a new centre is one seed row and no code", () => {
  const report = asOpole(
    read(join(SOURCES, "jaworzno", "fixtures", "jaworzno_sprawozdanie-gpwr_2024_wariant-a.txt")),
  );

  it("rejects the report while the centre is not in the seed, saying so in Polish", () => {
    expect(report).not.toMatch(/Jaworzn/i);
    expect(() => extractDocument(report, "opole.txt")).toThrow(/Nie rozpoznano ośrodka/);
  });

  it("reads the report in a known layout once a seed row names the centre", () => {
    const dir = mkdtempSync(join(tmpdir(), "obs-centres-"));
    const seed = join(dir, "centres.csv");
    const header = read(CENTRES_SEED).split("\n")[0];
    writeFileSync(
      seed,
      `${header}\n1661011,opole,Opole,Opola,w Opolu,Miejski Ośrodek Pomocy Rodzinie w Opolu,opolskie,Opole,gmina miejska (miasto na prawach powiatu)\n`,
    );
    registerCentres(seed);
    const opole = extractDocument(report, "opole.txt");
    expect(opole.recognition.centre_id).toBe("opole");
    expect(opole.recognition.kind).toBe("sprawozdanie-gpwr");
    const jaworzno = extractDocument(
      read(join(SOURCES, "jaworzno", "fixtures", "jaworzno_sprawozdanie-gpwr_2024_wariant-a.txt")),
      "jaworzno.txt",
    );
    const figures = (o: typeof opole.observations) =>
      o.map((x) => [x.period_id, x.metric_id, x.breakdown, x.value, x.line]);
    expect(opole.observations.every((o) => o.centre_id === "opole")).toBe(true);
    expect(figures(opole.observations)).toEqual(figures(jaworzno.observations));
    expect(opole.observations.length).toBeGreaterThan(20);
  });
});
