// Partial dates ("2016", "2016-11", "2016-11-03") as month indices, so that the time
// slider and the date range can compare them. A year alone counts from its January
// when it starts something and up to its December when it ends something.

export function monthIndex(value, { end = false } = {}) {
  if (value === undefined || value === null || value === "") return null;
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(String(value));
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) - 1 : end ? 11 : 0;
  return year * 12 + month;
}

export function monthLabel(index) {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, "0")}`;
}

const DATE_KEYS = ["date", "from", "startDate", "firstDate", "validFrom", "since", "assessedAt"];
const END_KEYS = ["to", "endDate", "lastDate", "validTo", "until"];

function pick(props, keys) {
  for (const k of keys) if (props?.[k]) return props[k];
  return null;
}

/** When a node (event, programme) starts and ends, from its properties. */
export function nodeSpan(props) {
  const start = monthIndex(pick(props, DATE_KEYS));
  const end = monthIndex(pick(props, END_KEYS), { end: true }) ?? start;
  return { start, end };
}

/**
 * When a tie holds: its own dates when it has them (membership from/to, first and
 * last shared event), otherwise the dates of the event or programme it connects to.
 */
export function edgeSpan(props, sourceSpan, targetSpan) {
  const own = nodeSpan(props);
  if (own.start !== null) return own;
  const spans = [sourceSpan, targetSpan].filter((s) => s && s.start !== null);
  if (!spans.length) return { start: null, end: null };
  return {
    start: Math.max(...spans.map((s) => s.start)),
    end: Math.min(...spans.map((s) => s.end ?? s.start)),
  };
}

export function formatDate(value) {
  if (!value) return "";
  return String(value).slice(0, 10);
}
