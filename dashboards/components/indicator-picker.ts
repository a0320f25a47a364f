// The indicator picker of Porównanie miast: one list grouped by topic (an <optgroup> each), every
// indicator with the number of centres reporting it, so a reader sees at once which comparisons hold
// more than one city. Works with the Framework's view(): `.value` is the picked series and an "input"
// event says it changed.
import { formatNumber, plural } from "./format.js";
import { TOPICS } from "./topics.js";

export interface PickableSeries {
  slug: string;
  label: string;
  topic: string;
  cities: number;
}

export function indicatorPicker<T extends PickableSeries>(
  series: readonly T[],
  { value, label = "Wskaźnik", width = 520 }: { value: T; label?: string; width?: number },
): HTMLElement & { value: T } {
  const form = document.createElement("form") as unknown as HTMLFormElement & { value: T };
  form.className = "indicator-picker";
  form.addEventListener("submit", (e) => e.preventDefault());
  const id = `indicator-${Math.random().toString(36).slice(2)}`;
  const caption = document.createElement("label");
  caption.htmlFor = id;
  caption.textContent = label;
  const select = document.createElement("select");
  select.id = id;
  select.name = "indicator";
  // as wide as the column allows (a long indicator name must not run under the next input)
  select.style.flex = "1";
  select.style.minWidth = "0";
  select.style.maxWidth = `${width}px`;
  const order = (t: string) => {
    const i = (TOPICS as readonly string[]).indexOf(t);
    return i < 0 ? TOPICS.length : i;
  };
  const topics = [...new Set(series.map((s) => s.topic))].sort((a, b) => order(a) - order(b));
  for (const topic of topics) {
    const inTopic = series
      .filter((s) => s.topic === topic)
      .sort((a, b) => b.cities - a.cities || a.label.localeCompare(b.label, "pl"));
    const group = document.createElement("optgroup");
    group.label = `${topic} (${formatNumber(inTopic.length)})`;
    for (const s of inTopic) {
      const option = document.createElement("option");
      option.value = s.slug;
      option.textContent = `${s.label} – ${formatNumber(s.cities)} ${plural(s.cities, "ośrodek", "ośrodki", "ośrodków")}`;
      if (s.slug === value.slug) option.selected = true;
      group.append(option);
    }
    select.append(group);
  }
  const bySlug = new Map(series.map((s) => [s.slug, s]));
  form.value = value;
  select.addEventListener("change", () => {
    form.value = bySlug.get(select.value) ?? value;
    form.dispatchEvent(new Event("input", { bubbles: true }));
  });
  form.append(caption, select);
  return form;
}
