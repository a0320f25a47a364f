// A page's state in its address, so a link reopens the same view: the picked indicator, kind of period,
// period, city or measure are query parameters (?wskaznik=…&okres=2023), read when an input is made and
// written (history.replaceState: no new history entry per click) whenever the reader changes it.
// Parameter names are Polish, values are the data's ids (slugs, period ids, centre ids), never labels.

/** The value of a parameter in the current address, or null. */
export function readParam(name: string): string | null {
  return new URLSearchParams(globalThis.location?.search ?? "").get(name);
}

/** The address with one parameter set (or removed, for null), the rest of it kept. */
export function withParam(href: string, name: string, value: string | null): string {
  const url = new URL(href);
  if (value === null || value === "") url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.toString();
}

/** Write one parameter into the current address without reloading or adding to the history. */
export function writeParam(name: string, value: string | null): void {
  const next = withParam(location.href, name, value);
  if (next !== location.href) history.replaceState(history.state, "", next);
}

/** The option the address names (by `key`), or `fallback` when it names none of them. */
export function pickFromUrl<T>(
  name: string,
  options: readonly T[],
  key: (option: T) => string,
  fallback: T,
): T {
  const wanted = readParam(name);
  if (wanted === null) return fallback;
  return options.find((o) => key(o) === wanted) ?? fallback;
}

/**
 * Keep an input's value in the address under `name`: each change writes `key(value)` (null removes the
 * parameter). Returns the input, so it wraps an `Inputs.*` call in place:
 * `view(keepInUrl(Inputs.select(…, { value: pickFromUrl("okres", periods, String, best) }), "okres", String))`.
 */
export function keepInUrl<E extends HTMLElement & { value: unknown }>(
  input: E,
  name: string,
  key: (value: never) => string | null,
): E {
  const write = () =>
    writeParam(name, input.value === null || input.value === undefined ? null : key(input.value as never));
  input.addEventListener("input", write);
  // an address that names nothing valid is corrected to what is shown
  if (readParam(name) !== null) write();
  return input;
}
