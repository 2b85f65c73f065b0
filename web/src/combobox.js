// An accessible search-as-you-type combobox (WAI-ARIA combobox with a listbox popup):
// debounced requests, arrow keys to move, Enter to choose, Escape to close.

import { debounce, h } from "./dom.js";
import { typeInfo } from "./types.js";

let counter = 0;

// The resolver's matches (`SearchMatch` in the API) that only resemble the text.
const GUESSES = { FUZZY: "did you mean?", PARTIAL: "some words" };

function guess(item) {
  return GUESSES[item.match] ?? "";
}

/** What the status line says: "Did you mean …?" when no result is the text itself. */
export function found(text, items) {
  const choose = "use the arrow keys to choose.";
  if (items.every((item) => guess(item))) {
    return `No name is “${text}”. Did you mean ${items[0].label}? ${items.length} similar; ${choose}`;
  }
  return `${items.length} result${items.length === 1 ? "" : "s"}; ${choose}`;
}

export class Combobox {
  constructor(input, listbox, { search, onChoose, status, delay = 200 }) {
    this.input = input;
    this.listbox = listbox;
    this.search = search;
    this.onChoose = onChoose;
    this.status = status;
    this.items = [];
    this.active = -1;
    this.chosen = null;
    this.request = 0;
    this.prefix = `cb${++counter}`;
    const run = debounce(() => this.query(), delay);
    input.addEventListener("input", () => {
      this.chosen = null;
      run();
    });
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    input.addEventListener("focus", () => {
      if (this.items.length && !this.chosen) this.open();
    });
  }

  async query() {
    const text = this.input.value.trim();
    const mine = ++this.request;
    if (text.length < 2) {
      this.render([]);
      this.say(text ? "Type at least two letters." : "");
      return;
    }
    this.say("Searching…");
    try {
      const items = await this.search(text);
      if (mine !== this.request) return; // a newer request is under way
      this.render(items);
      this.say(items.length ? found(text, items) : `Nothing found for “${text}”.`);
    } catch (e) {
      if (mine !== this.request) return;
      this.render([]);
      this.say(`Search failed: ${e.message}`);
    }
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  render(items) {
    this.items = items;
    this.active = -1;
    this.listbox.replaceChildren(
      ...items.map((item, i) =>
        h(
          "li",
          {
            id: `${this.prefix}-opt-${i}`,
            role: "option",
            "aria-selected": "false",
            class: "option",
            dataset: { id: item.id, type: item.type },
            onmousedown: (e) => {
              e.preventDefault(); // keep focus in the input
              this.choose(i);
            },
          },
          h("span", { class: `swatch type-${item.type}`, "aria-hidden": "true" }),
          h("span", { class: "option-label", text: item.label }),
          guess(item) ? h("span", { class: "option-guess", text: guess(item) }) : null,
          h("span", { class: "option-type", text: item.detail ?? typeInfo(item.type).label }),
        ),
      ),
    );
    if (items.length) this.open();
    else this.close();
  }

  open() {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(delta) {
    if (!this.items.length) return;
    this.open();
    this.active = (this.active + delta + this.items.length) % this.items.length;
    [...this.listbox.children].forEach((li, i) => {
      li.setAttribute("aria-selected", String(i === this.active));
      li.classList.toggle("active", i === this.active);
    });
    const li = this.listbox.children[this.active];
    this.input.setAttribute("aria-activedescendant", li.id);
    li.scrollIntoView({ block: "nearest" });
  }

  key(e) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      this.move(1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      this.move(-1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (this.active >= 0) this.choose(this.active);
      else if (this.items.length) this.choose(0);
    } else if (e.key === "Escape") {
      if (!this.listbox.hidden) {
        e.preventDefault();
        this.close();
      } else if (this.input.value) {
        e.preventDefault();
        this.input.value = "";
        this.chosen = null;
        this.render([]);
        this.say("");
      }
    }
  }

  choose(i) {
    const item = this.items[i];
    if (!item) return;
    this.chosen = item;
    this.input.value = item.label;
    this.close();
    this.onChoose?.(item);
  }

  /** Set the value from outside (e.g. "use as path start" in the profile). */
  set(item) {
    this.chosen = item;
    this.input.value = item.label;
    this.items = [];
    this.close();
  }
}
