// Libraries without their own type declarations, as the dashboards use them.
declare module "htl" {
  export function html(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement;
  export function svg(strings: TemplateStringsArray, ...values: unknown[]): SVGElement;
}

declare module "@observablehq/inputs" {
  export function select<T>(
    data: Iterable<T> | Map<string, T>,
    options?: Record<string, unknown>,
  ): HTMLElement & { value: T };
  export function radio<T>(
    data: Iterable<T> | Map<string, T>,
    options?: Record<string, unknown>,
  ): HTMLElement & { value: T };
  export function button(content: unknown, options?: Record<string, unknown>): HTMLElement;
  export function textarea(options?: Record<string, unknown>): HTMLElement & { value: string };
}
