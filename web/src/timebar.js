// Time: the slider spans the chosen date range (or, without one, the dates on the map),
// by year, or by month when the range is two years or less; play/pause walks it one
// step a second with the positions kept; and "what changed" between two dates lists
// the ties formed and ended (networkDiff) and marks them on the map.

import { formatDate } from "./dates.js";
import { h } from "./dom.js";

const STEP_MS = 1000;

export class TimeBar {
  /**
   * `slider`, `output`, `play`: the controls; `view`: the GraphView it filters;
   * `range()`: the date filter as {from, to} years (or nulls).
   */
  constructor({ slider, output, play, view, range }) {
    Object.assign(this, { slider, output, play, view, range });
    this.unit = "year";
    this.timer = null;
    slider.addEventListener("input", () => {
      this.stop();
      this.moved();
    });
    play.addEventListener("click", () => (this.timer ? this.stop() : this.start()));
  }

  /** Month index of the slider's value (the end of its year, or its month). */
  monthOf(value) {
    return this.unit === "year" ? value * 12 + 11 : value;
  }

  label(value) {
    if (this.unit === "year") return String(value);
    const y = Math.floor(value / 12);
    return `${y}-${String((value % 12) + 1).padStart(2, "0")}`;
  }

  /**
   * Span the chosen range; without one, the dates on the map. `keep`: stay where the
   * slider is when it is inside the new range (adding neighbours), else show everything.
   */
  reset({ keep = false } = {}) {
    this.stop();
    const { from, to } = this.range();
    const bounds = this.view.timeBounds();
    let lo = from !== null ? from * 12 : bounds?.min ?? null;
    let hi = to !== null ? to * 12 + 11 : bounds?.max ?? null;
    if (bounds && from === null && to !== null) lo = Math.min(bounds.min, hi);
    if (bounds && to === null && from !== null) hi = Math.max(bounds.max, lo);
    const s = this.slider;
    if (lo === null || hi === null) {
      s.disabled = true;
      this.play.disabled = true;
      s.min = s.max = s.value = "0";
      this.say("all dates");
      this.view.setFilters({ asOf: null });
      return;
    }
    this.unit = hi - lo + 1 > 24 ? "year" : "month";
    const min = this.unit === "year" ? Math.floor(lo / 12) : lo;
    const max = this.unit === "year" ? Math.floor(hi / 12) : hi;
    const was = Number(s.value);
    const atEnd = !keep || was >= Number(s.max) || was < min || was > max;
    s.disabled = this.play.disabled = min === max;
    s.min = String(min);
    s.max = String(max);
    s.step = "1";
    s.dataset.unit = this.unit;
    if (atEnd) s.value = String(max);
    this.moved();
  }

  /** Filter the map to the slider's date; its last value shows the whole range. */
  moved() {
    const s = this.slider;
    const value = Number(s.value);
    const all = value >= Number(s.max);
    const { from, to } = this.range();
    const whole = from !== null || to !== null ? `all of ${from ?? "…"}–${to ?? "…"}` : "all dates";
    this.say(all ? whole : this.label(value));
    this.view.setFilters({ asOf: all ? null : this.monthOf(value) });
  }

  say(text) {
    this.output.textContent = text;
    this.slider.setAttribute("aria-valuetext", text);
  }

  /** Play from the slider's place (from the start when it is at the end). */
  start() {
    const s = this.slider;
    if (s.disabled) return;
    if (Number(s.value) >= Number(s.max)) s.value = s.min;
    this.moved();
    this.play.textContent = "Pause";
    this.play.setAttribute("aria-pressed", "true");
    this.timer = setInterval(() => {
      const next = Number(s.value) + 1;
      s.value = String(Math.min(next, Number(s.max)));
      this.moved();
      if (next >= Number(s.max)) this.stop();
    }, STEP_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = "Play";
    this.play.setAttribute("aria-pressed", "false");
  }
}

const KIND_WORDS = { COOPERATION: "first worked together", MEMBER_OF: "membership", PROVIDES: "provides" };

/**
 * "What changed" between two dates: the ties formed and ended (from `networkDiff`),
 * those among the actors on the map listed, the rest counted.
 */
export function renderDiff(container, diff, { onMap, open }) {
  if (!diff) {
    container.replaceChildren(h("p", { class: "hint", text: "This server does not offer networkDiff." }));
    return [];
  }
  const mine = (t) => onMap(t.sourceId) && onMap(t.targetId);
  const section = (title, list) => {
    const shown = list.filter(mine);
    const rest = list.length - shown.length;
    return h("section", { class: "sub", "aria-label": title },
      h("h3", { text: `${title}: ${shown.length} on the map${rest ? `, ${rest} elsewhere` : ""}` }),
      shown.length
        ? h("ul", { class: "changes" }, shown.map((t) => h("li", {},
            h("button", { type: "button", class: "link-button", onclick: () => open(t.sourceId), text: t.sourceName }),
            " – ",
            h("button", { type: "button", class: "link-button", onclick: () => open(t.targetId), text: t.targetName }),
            h("span", { class: "rel", text: ` ${KIND_WORDS[t.kind] ?? t.kind.toLowerCase()}` }),
            t.date ? h("span", { class: "date", text: ` ${formatDate(t.date)}` }) : null,
            t.viaName ? h("span", { class: "hint", text: ` (${t.viaName})` }) : null)))
        : null);
  };
  container.replaceChildren(
    h("p", { class: "hint", text: `Between ${diff.from} and ${diff.to}. New ties are green on the map.` }),
    section("Ties formed", diff.formed),
    section("Ties ended", diff.ended),
  );
  return diff.formed.filter(mine).map((t) => [t.sourceId, t.targetId]);
}

