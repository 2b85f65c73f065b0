// Campaigns and their stakeholder grid, in a full-width view: create a campaign, add
// stakeholders (organisations and people), place them on the influence/interest grid by
// dragging or with the keyboard (arrow keys, Enter to save, Escape to undo), record a
// stance and the evidence for it (each assessment kept in the history), and export the
// grid as PNG or CSV. Stance is a symbol and a word as well as a colour.

import { html, useEffect, useId, useRef, useState } from "../ui.js";
import { assess, campaigns as loadCampaigns, createEntity, stakeholders as loadStakeholders, stakeholdersCsv } from "../crm-api.js";
import { download } from "../dom.js";
import { formatDate } from "../dates.js";
import { isExampleCampaign } from "../queries.js";
import { byField, describedBy, Field, focusFirstInvalid, FormMessage, humanEnum } from "./fields.js";
import { EntityPicker } from "./picker.js";

export const STANCE = {
  SUPPORT: { symbol: "+", word: "supports", colour: "#1b7837" },
  NEUTRAL: { symbol: "○", word: "neutral", colour: "#5a5a5a" },
  OPPOSE: { symbol: "−", word: "opposes", colour: "#b2182b" },
};
const LEVELS = [1, 2, 3, 4, 5];
const HIGH = 3;
const QUADRANT = (influence, interest) =>
  influence >= HIGH ? (interest >= HIGH ? "Manage closely" : "Keep satisfied") : interest >= HIGH ? "Keep informed" : "Monitor";

export function CampaignsView({ canWrite, search, open, initial }) {
  const [list, setList] = useState(null);
  const [current, setCurrent] = useState(initial ?? null);
  const [message, setMessage] = useState("");
  async function reload(select) {
    const found = await loadCampaigns();
    setList(found);
    if (select) setCurrent(select);
    else if (!current && found.length) setCurrent(found[0].id);
  }
  useEffect(() => {
    reload().catch((e) => setMessage(e.message));
  }, []);
  return html`<div class="campaigns-view">
    <aside class="campaign-list" aria-labelledby="campaigns-h">
      <h2 id="campaigns-h">Campaigns</h2>
      ${list === null ? html`<p class="hint" role="status">${message || "Loading…"}</p>` : null}
      <ul>${(list ?? []).map((c) => html`<li key=${c.id}>
        <button type="button" class="campaign-choice" aria-current=${c.id === current ? "true" : "false"} onClick=${() => setCurrent(c.id)}>
          ${c.name}${isExampleCampaign(c) ? html` <span class="tag">example</span>` : null}
        </button></li>`)}</ul>
      ${canWrite ? html`<${NewCampaign} onSaved=${(c) => reload(c.id)} />` : null}
    </aside>
    <div class="campaign-main">
      ${current ? html`<${CampaignBoard} key=${current} id=${current} canWrite=${canWrite} search=${search} open=${open} />` : html`<p class="hint">Choose a campaign, or create one.</p>`}
    </div>
  </div>`;
}

function NewCampaign({ onSaved }) {
  const form = useRef(null);
  const base = useId();
  const [v, setV] = useState({ name: "", goal: "" });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  async function submit(event) {
    event.preventDefault();
    const found = {};
    if (!v.name.trim()) found.name = "Name the campaign.";
    else if (v.name.length > 300) found.name = `At most 300 characters (now ${v.name.length}).`;
    setErrors(found);
    if (Object.keys(found).length) return focusFirstInvalid(form.current);
    const input = { name: v.name.trim() };
    if (v.goal.trim()) input.goal = v.goal.trim();
    const result = await createEntity("Campaign", input);
    if (result.ok) {
      setV({ name: "", goal: "" });
      setMessage("");
      return onSaved(result.ok);
    }
    const problems = byField(result.problems);
    setErrors(problems);
    setMessage(problems[""] ?? "Nothing was saved: see the fields marked.");
    focusFirstInvalid(form.current);
  }
  const nameId = `${base}-name`;
  const goalId = `${base}-goal`;
  return html`<form ref=${form} class="crm-form new-campaign" onSubmit=${submit} novalidate aria-labelledby=${`${base}-h`}>
    <h3 id=${`${base}-h`}>New campaign</h3>
    <${Field} id=${nameId} label="Name" error=${errors.name} required>
      <input id=${nameId} type="text" value=${v.name} ...${describedBy(nameId, errors.name)} onInput=${(e) => setV({ ...v, name: e.currentTarget.value })} />
    </${Field}>
    <${Field} id=${goalId} label="Goal" error=${errors.goal}>
      <textarea id=${goalId} rows="3" value=${v.goal} ...${describedBy(goalId, errors.goal)} onInput=${(e) => setV({ ...v, goal: e.currentTarget.value })}></textarea>
    </${Field}>
    <${FormMessage} text=${message} />
    <button type="submit" class="primary">Create campaign</button>
  </form>`;
}

function CampaignBoard({ id, canWrite, search, open }) {
  const [campaign, setCampaign] = useState(null);
  const [selected, setSelected] = useState(null);
  const [moving, setMoving] = useState(null); // {id, influence, interest} while moved by keys
  const [status, setStatus] = useState("");
  const board = useRef(null);
  async function reload() {
    setCampaign(await loadStakeholders(id));
  }
  useEffect(() => {
    reload().catch((e) => setStatus(e.message));
  }, [id]);
  if (!campaign) return html`<p class="hint" role="status">${status || "Loading the grid…"}</p>`;
  const people = campaign.stakeholders;

  async function place(s, influence, interest) {
    if (s.influence === influence && s.interest === interest) return;
    const result = await assess(id, s.node.id, { influence, interest, stance: s.stance, note: s.note ?? null });
    setStatus(result.ok ? `${s.node.name}: influence ${influence}, interest ${interest} (${QUADRANT(influence, interest).toLowerCase()}); saved.` : result.problems[0].message);
    await reload();
  }

  function key(event, s) {
    if (!canWrite) return;
    const at = moving?.id === s.node.id ? moving : { id: s.node.id, influence: s.influence, interest: s.interest };
    const step = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] }[event.key];
    if (step) {
      event.preventDefault();
      const next = { id: at.id, influence: clamp(at.influence + step[0]), interest: clamp(at.interest + step[1]) };
      setMoving(next);
      setStatus(`${s.node.name}: influence ${next.influence}, interest ${next.interest}. Enter to save, Escape to cancel.`);
      focusCard(board.current, s.node.id); // it is drawn anew in its new square
    } else if (event.key === "Enter" && moving?.id === s.node.id) {
      event.preventDefault();
      setMoving(null);
      place(s, at.influence, at.interest).then(() => focusCard(board.current, s.node.id));
    } else if (event.key === "Escape" && moving?.id === s.node.id) {
      event.preventDefault();
      setMoving(null);
      setStatus(`${s.node.name}: not moved.`);
      focusCard(board.current, s.node.id);
    }
  }

  const at = (s) => (moving?.id === s.node.id ? moving : s);
  const cells = [];
  for (const influence of [...LEVELS].reverse()) {
    for (const interest of LEVELS) {
      const here = people.filter((s) => at(s).influence === influence && at(s).interest === interest);
      const quadrant = QUADRANT(influence, interest).toLowerCase().replace(" ", "-");
      cells.push(html`<div class=${`cell q-${quadrant}`} role="gridcell" aria-label=${`influence ${influence}, interest ${interest}`}
          onDragOver=${(e) => canWrite && e.preventDefault()}
          onDrop=${(e) => {
            e.preventDefault();
            const s = people.find((p) => p.node.id === e.dataTransfer.getData("text/plain"));
            if (s) place(s, influence, interest);
          }}>
        ${here.map((s) => {
          const stance = STANCE[s.stance] ?? STANCE.NEUTRAL;
          return html`<button type="button" key=${s.node.id} data-id=${s.node.id} class=${`stake-card stance-${s.stance}${moving?.id === s.node.id ? " moving" : ""}`}
            draggable=${canWrite} aria-describedby="grid-help"
            aria-label=${`${s.node.name}: influence ${at(s).influence}, interest ${at(s).interest}, ${stance.word}`}
            aria-pressed=${selected === s.node.id ? "true" : "false"}
            onDragStart=${(e) => e.dataTransfer.setData("text/plain", s.node.id)}
            onKeyDown=${(e) => key(e, s)} onClick=${() => setSelected(s.node.id)}>
            <span class="stance-symbol" aria-hidden="true">${stance.symbol}</span>
            <span class="stake-name">${s.node.name}</span>
            <span class="stake-stance">${stance.word}</span>
          </button>`;
        })}
      </div>`);
    }
  }
  const chosen = people.find((s) => s.node.id === selected) ?? null;
  return html`<div class="campaign-board-wrap">
    <div class="campaign-head">
      <h2>${campaign.name}${isExampleCampaign(campaign) ? html` <span class="tag">example</span>` : null}</h2>
      ${campaign.goal ? html`<p class="goal">${campaign.goal}</p>` : null}
      <div class="button-row">
        <button type="button" onClick=${() => download(gridPng(campaign), `koostoo-${id}-grid.png`)}>Export PNG</button>
        <button type="button" onClick=${async () => download(await stakeholdersCsv(id), `koostoo-${id}-stakeholders.csv`)}>Export CSV</button>
      </div>
    </div>
    <p id="grid-help" class="hint">${canWrite
      ? "Drag a stakeholder to another square, or focus it and use the arrow keys (Enter saves, Escape cancels). Click one to see and record its assessment."
      : "Click a stakeholder to see its assessments."}</p>
    <div class="board-frame">
      <p class="axis axis-y" aria-hidden="true">Influence ↑</p>
      <div class="board" ref=${board} role="grid" aria-label=${`Stakeholder grid of ${campaign.name}: influence from 5 (top) to 1, interest from 1 (left) to 5`}>
        ${chunk(cells, 5).map((row, i) => html`<div role="row" class="board-row" key=${i}>${row}</div>`)}
      </div>
      <p class="axis axis-x" aria-hidden="true">Interest →</p>
      <p class="quadrant-names hint">Top left: keep satisfied · top right: manage closely · bottom left: monitor · bottom right: keep informed (high is 3 and up).</p>
    </div>
    <p class="status-line" role="status" aria-live="polite">${status}</p>
    <div class="board-side">
      ${chosen ? html`<${StakeholderDetail} key=${chosen.node.id} s=${chosen} campaign=${id} canWrite=${canWrite} open=${open}
        onSaved=${async (text) => { setStatus(text); await reload(); }} />` : null}
      ${canWrite ? html`<${AddStakeholder} campaign=${id} search=${search} onSaved=${async (text) => { setStatus(text); await reload(); }} />` : null}
    </div>
  </div>`;
}

function StakeholderDetail({ s, campaign, canWrite, open, onSaved }) {
  return html`<section class="stakeholder-detail" aria-labelledby=${`sd-${s.node.id}`}>
    <h3 id=${`sd-${s.node.id}`}><button type="button" class="link-button" onClick=${() => open(s.node.id)}>${s.node.name}</button></h3>
    <p>Influence ${s.influence}, interest ${s.interest}: ${QUADRANT(s.influence, s.interest).toLowerCase()}; ${(STANCE[s.stance] ?? STANCE.NEUTRAL).word}.</p>
    <h4>Assessments</h4>
    <ol class="assessments">${[...s.history].reverse().map((a) => html`<li>
      <span class="date">${formatDate(a.assessedAt) || "undated"}</span> influence ${a.influence}, interest ${a.interest}, ${(STANCE[a.stance] ?? STANCE.NEUTRAL).word}${a.note ? html`: “${a.note}”` : ""}
    </li>`)}</ol>
    ${canWrite ? html`<${AssessForm} campaign=${campaign} who=${s.node} start=${s} onSaved=${onSaved} title="Record a new assessment" />` : null}
  </section>`;
}

function AddStakeholder({ campaign, search, onSaved }) {
  const [who, setWho] = useState(null);
  const [error, setError] = useState("");
  return html`<section class="add-stakeholder" aria-labelledby="add-st-h">
    <h3 id="add-st-h">Add a stakeholder</h3>
    <${EntityPicker} label="Organisation or person" types=${["Organisation", "Person"]} search=${search} value=${who} onChange=${(v) => { setWho(v); setError(""); }} error=${error} required />
    <${AssessForm} campaign=${campaign} who=${who ? { id: who.id, name: who.label } : null} start=${{ influence: 3, interest: 3, stance: "NEUTRAL" }}
      onMissing=${() => setError("Choose the organisation or person first.")} onSaved=${(text) => { setWho(null); onSaved(text); }} title="Their place and stance" />
  </section>`;
}

function AssessForm({ campaign, who, start, onSaved, onMissing, title }) {
  const base = useId();
  const form = useRef(null);
  const [v, setV] = useState({ influence: start.influence, interest: start.interest, stance: start.stance, note: "" });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  async function submit(event) {
    event.preventDefault();
    if (!who) return onMissing?.();
    const found = {};
    if (v.stance !== "NEUTRAL" && !v.note.trim()) found.note = "Say what shows this stance (a statement, a vote, a letter).";
    setErrors(found);
    if (Object.keys(found).length) return focusFirstInvalid(form.current);
    const result = await assess(campaign, who.id, { influence: Number(v.influence), interest: Number(v.interest), stance: v.stance, note: v.note.trim() || null });
    if (result.ok) {
      setMessage("");
      setV({ ...v, note: "" });
      return onSaved(`${who.name}: assessment saved.`);
    }
    const problems = byField(result.problems);
    setErrors(problems);
    setMessage(problems[""] ?? "Nothing was saved: see the fields marked.");
    focusFirstInvalid(form.current);
  }
  const level = (name, label) => {
    const id = `${base}-${name}`;
    return html`<${Field} id=${id} label=${label} error=${errors[name]}>
      <select id=${id} value=${String(v[name])} ...${describedBy(id, errors[name])} onChange=${(e) => setV({ ...v, [name]: Number(e.currentTarget.value) })}>
        ${LEVELS.map((n) => html`<option value=${String(n)}>${n}</option>`)}
      </select></${Field}>`;
  };
  const noteId = `${base}-note`;
  return html`<form ref=${form} class="crm-form assess-form" onSubmit=${submit} novalidate aria-label=${title}>
    <div class="form-grid">${level("influence", "Influence (1–5)")}${level("interest", "Interest (1–5)")}</div>
    <fieldset class="radios"><legend>Stance</legend>
      ${Object.entries(STANCE).map(([value, s]) => html`<label><input type="radio" name=${`${base}-stance`} value=${value} checked=${v.stance === value}
        onChange=${() => setV({ ...v, stance: value })} /> ${s.symbol} ${humanEnum(value)}</label>`)}
    </fieldset>
    <${Field} id=${noteId} label="Evidence for this stance" error=${errors.note} hint="What they said or did, where and when.">
      <textarea id=${noteId} rows="2" value=${v.note} ...${describedBy(noteId, errors.note, true)} onInput=${(e) => setV({ ...v, note: e.currentTarget.value })}></textarea>
    </${Field}>
    <${FormMessage} text=${message} />
    <button type="submit" class="primary">Save assessment</button>
  </form>`;
}

const clamp = (n) => Math.max(1, Math.min(5, n));
const chunk = (items, n) => Array.from({ length: Math.ceil(items.length / n) }, (_, i) => items.slice(i * n, i * n + n));
const focusCard = (board, id) => setTimeout(() => board?.querySelector(`[data-id="${CSS.escape(id)}"]`)?.focus(), 0);

/** The grid drawn on a canvas (no image loading, so the page's CSP needs nothing). */
export function gridPng(campaign) {
  const cell = 190;
  const pad = { left: 60, top: 70, right: 20, bottom: 50 };
  const width = pad.left + cell * 5 + pad.right;
  const height = pad.top + cell * 5 + pad.bottom;
  const canvas = document.createElement("canvas");
  canvas.width = width * 2;
  canvas.height = height * 2;
  const g = canvas.getContext("2d");
  g.scale(2, 2);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, width, height);
  g.fillStyle = "#1a1d23";
  g.font = "600 18px system-ui, sans-serif";
  g.fillText(campaign.name, pad.left, 30, width - pad.left - pad.right);
  const shades = { "Manage closely": "#fde9e4", "Keep satisfied": "#eef3fb", "Keep informed": "#eef8ef", Monitor: "#f5f5f5" };
  for (const influence of LEVELS) {
    for (const interest of LEVELS) {
      const x = pad.left + (interest - 1) * cell;
      const y = pad.top + (5 - influence) * cell;
      g.fillStyle = shades[QUADRANT(influence, interest)];
      g.fillRect(x, y, cell, cell);
      g.strokeStyle = "#c5ccd6";
      g.strokeRect(x, y, cell, cell);
    }
  }
  g.fillStyle = "#4a5361";
  g.font = "600 13px system-ui, sans-serif";
  g.fillText("Keep satisfied", pad.left + 6, pad.top + 16);
  g.fillText("Manage closely", pad.left + cell * 3 + 6, pad.top + 16);
  g.fillText("Monitor", pad.left + 6, pad.top + cell * 5 - 8);
  g.fillText("Keep informed", pad.left + cell * 3 + 6, pad.top + cell * 5 - 8);
  g.fillText("Interest →", pad.left + cell * 2.3, height - 15);
  g.save();
  g.translate(25, pad.top + cell * 3);
  g.rotate(-Math.PI / 2);
  g.fillText("Influence →", 0, 0);
  g.restore();
  const stacked = new Map();
  g.font = "13px system-ui, sans-serif";
  for (const s of campaign.stakeholders) {
    const key = `${s.influence}:${s.interest}`;
    const n = stacked.get(key) ?? 0;
    stacked.set(key, n + 1);
    const x = pad.left + (s.interest - 1) * cell + 10;
    const y = pad.top + (5 - s.influence) * cell + 34 + n * 26;
    const stance = STANCE[s.stance] ?? STANCE.NEUTRAL;
    g.fillStyle = stance.colour;
    g.beginPath();
    g.arc(x + 8, y - 4, 8, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = "#fff";
    g.fillText(stance.symbol, x + 4, y);
    g.fillStyle = "#1a1d23";
    wrapWords(g, s.node.name, x + 22, y, cell - 36);
  }
  const data = atob(canvas.toDataURL("image/png").split(",")[1]);
  return new Blob([Uint8Array.from(data, (c) => c.charCodeAt(0))], { type: "image/png" });
}

/** A name on one line, shortened at a word boundary with "…" when it does not fit. */
function wrapWords(g, text, x, y, width) {
  if (g.measureText(text).width <= width) return g.fillText(text, x, y);
  const words = text.split(" ");
  let line = "";
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (g.measureText(`${next} …`).width > width) break;
    line = next;
  }
  g.fillText(`${line || words[0]} …`, x, y);
}
