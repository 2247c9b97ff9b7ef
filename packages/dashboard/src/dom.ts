/** A small element builder: the widgets are plain DOM, so their text is what tests and screen readers read. */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | boolean | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/** A widget card: the stable data-widget attribute the tests address. */
export function card(widget: string, title: string, ...children: Child[]): HTMLElement {
  const id = `w-${widget}`;
  return h(
    "section",
    { class: "card", "data-widget": widget, "aria-labelledby": id },
    h("h2", { id, text: title }),
    ...children,
  );
}

export function table(head: Array<string | Node>, rows: Node[][], numeric: number[] = []): HTMLElement {
  const cell = (tag: "th" | "td", content: string | Node, i: number) =>
    h(tag, { class: numeric.includes(i) ? "num" : undefined }, content);
  return h(
    "div",
    // A scrolling region is focusable so that keyboard users can scroll it too.
    { class: "scroll", tabindex: 0, role: "region", "aria-label": "table" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...head.map((c, i) => cell("th", c, i)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r))),
    ),
  );
}

export const td = (text: string, props: Record<string, string> = {}) => h("td", props, text);
