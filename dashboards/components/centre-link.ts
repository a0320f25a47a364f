// The one city page template (miasto.md) serves every centre, addressed by its id: /miasto?c=<centre_id>.
// So the site is built once, whatever the number of centres (2,477 gminas at national scale), and a new
// centre's page exists as soon as its data is published.
import { html } from "htl";

export interface CentreEntry {
  centre_id: string;
  name_pl: string;
  voivodeship?: string | null;
}

/** The address of a centre's page, relative to the site root. */
export const centreHref = (centreId: string) => `./miasto?c=${encodeURIComponent(centreId)}`;

/** The list of centres with a search by name: the city page without (or with an unknown) centre id. */
export function centreChooser(centres: CentreEntry[], asked: string): HTMLElement {
  const sorted = [...centres].sort((a, b) => a.name_pl.localeCompare(b.name_pl, "pl"));
  const item = (c: CentreEntry) =>
    html`<li><a href=${centreHref(c.centre_id)}>${c.name_pl}</a>${c.voivodeship ? html` <span class="legend-note">(${c.voivodeship})</span>` : ""}</li>`;
  const list = html`<ul class="centre-list">${sorted.slice(0, 200).map(item)}</ul>` as HTMLElement;
  const search =
    html`<input type="search" placeholder="Szukaj miasta lub gminy…" aria-label="Szukaj miasta lub gminy">` as HTMLInputElement;
  search.addEventListener("input", () => {
    const q = search.value.trim().toLocaleLowerCase("pl");
    const shown = sorted.filter((c) => c.name_pl.toLocaleLowerCase("pl").includes(q)).slice(0, 200);
    list.replaceChildren(...shown.map(item));
  });
  return html`<div class="centre-chooser">
    ${asked ? html`<p class="missing">Nie ma miasta o identyfikatorze „${asked}” w opublikowanych danych.</p>` : ""}
    <h2>Miasta</h2>
    <p>Wybierz miasto (${sorted.length}):</p>
    ${search}
    ${list}
    ${sorted.length > 200 ? html`<p class="legend-note">Pokazano pierwsze 200; wpisz nazwę, żeby znaleźć inne.</p>` : ""}
  </div>` as HTMLElement;
}
