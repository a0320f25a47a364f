// The comparison logic of Porównanie miast (components/compare.ts) and the topics of the catalogue.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { figuresFor, gminaTypeOf, LATEST, populationClass, rankAmongSimilar } from "./components/compare.ts";
import { topicOf } from "./components/topics.ts";

describe("figuresFor", () => {
  const figures = [
    { centre_id: "a", period_id: "2023", value: 10 },
    { centre_id: "a", period_id: "2024", value: null },
    { centre_id: "b", period_id: "2024", value: 5 },
    { centre_id: "b", period_id: "2023-H1", value: 7 },
  ];
  it("takes one period, or each centre's latest period with a value", () => {
    expect([...figuresFor(figures, "2024").keys()]).toEqual(["a", "b"]);
    const latest = figuresFor(figures, LATEST);
    expect(latest.get("a")?.map((o) => o.period_id)).toEqual(["2023"]);
    expect(latest.get("b")?.map((o) => o.period_id)).toEqual(["2024"]);
  });
});

describe("similar gminas", () => {
  it("classes populations and reads the gmina type from the seed or TERC", () => {
    expect(populationClass(null)).toBeNull();
    expect(populationClass(4_999)).toBe("do 5 tys. mieszkańców");
    expect(populationClass(631_235)).toBe("ponad 500 tys. mieszkańców");
    expect(gminaTypeOf({ gmina_type: "gmina miejska (miasto na prawach powiatu)" })).toBe("gmina miejska");
    expect(gminaTypeOf({ teryt: "0409042" })).toBe("gmina wiejska");
    expect(gminaTypeOf({ teryt: null })).toBeNull();
  });

  it("ranks within a group of the same type and class only, highest first", () => {
    const rows = [
      { centre_id: "a", type: "t", size: "s", v: 3 },
      { centre_id: "b", type: "t", size: "s", v: 9 },
      { centre_id: "c", type: "t", size: "s", v: 6 },
      { centre_id: "d", type: "u", size: "s", v: 100 },
      { centre_id: "e", type: "t", size: null, v: 50 },
    ];
    const ranks = rankAmongSimilar(
      rows,
      (r) => r.type,
      (r) => r.size,
      (r) => r.v,
    );
    expect(ranks.get("b")).toMatchObject({ rank: 1, of: 3, percentile: 100 });
    expect(ranks.get("c")).toMatchObject({ rank: 2, of: 3, percentile: 50 });
    expect(ranks.get("a")).toMatchObject({ rank: 3, of: 3, percentile: 0 });
    expect(ranks.get("d")).toMatchObject({ rank: 1, of: 1, percentile: null });
    expect(ranks.has("e")).toBe(false);
  });
});

describe("topics", () => {
  it("gives every metric of the catalogue a topic other than Inne", () => {
    const dir = join(import.meta.dirname, "..", "models", "seeds", "metrics");
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, file), "utf8").trim().split("\n").slice(1)) {
        const id = line.split(",")[0] as string;
        expect(topicOf(id), `${file}: ${id}`).not.toBe("Inne");
      }
    }
    expect(topicOf("nk_a_forms")).toBe("Przemoc domowa (Niebieska Karta)");
    expect(topicOf("unheard_of")).toBe("Inne");
  });
});
