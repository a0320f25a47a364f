import { describe, expect, it } from "vitest";
import { loadModels } from "../warehouse/models.ts";
import { checkLabelPl, findingMessagePl, TEST_LABELS_PL, testLabelPl } from "./components/checks.ts";

describe("data tests in Polish", () => {
  it("has a Polish label for every data test of the models", async () => {
    const generated = /^(unique_grain|unique_|not_null_|accepted_values_|relationships_)/;
    const unlabelled: string[] = [];
    for (const model of await loadModels()) {
      for (const test of model.tests) {
        const label = generated.test(test.name) ? testLabelPl(test.name) : TEST_LABELS_PL[test.name];
        if (!label || /[a-z]_[a-z]/.test(label)) unlabelled.push(`${model.id}.${test.name}`);
      }
    }
    expect(unlabelled).toEqual([]);
  });

  it("names findings in Polish, never by their code", () => {
    expect(checkLabelPl("test:staging.stg_observations.breakdown_in_vocabulary")).toBe(
      "test danych: każdy podział należy do słownika podziałów swojego wskaźnika",
    );
    expect(checkLabelPl("flag:contradiction")).toBe("oznaczenie liczby: sprzeczność w dokumencie");
    expect(checkLabelPl("flag:something_new")).toBe("oznaczenie liczby: oznaczenie spoza słownika");
    expect(checkLabelPl("test:marts.families.not_null_value")).toBe(
      "test danych: wartość liczby jest zawsze podana",
    );
    expect(
      findingMessagePl(
        "Test „every breakdown belongs to its metric's vocabulary” nie przeszedł: wroclaw",
        "test:staging.stg_observations.breakdown_in_vocabulary",
      ),
    ).toBe("Test „każdy podział należy do słownika podziałów swojego wskaźnika” nie przeszedł: wroclaw");
  });
});
