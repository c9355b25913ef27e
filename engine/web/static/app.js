/* The assessor's workbench page. Every piece of user or engine text goes into the DOM as text (textContent, text
 * nodes, attribute values), never as HTML. Offsets from the engine are Python string indices (code points), so the
 * note is handled as an array of code points, not as UTF-16. */
"use strict";

const PALETTE = ["#f4a261", "#2a9d8f", "#e76f51", "#8ab17d", "#b56576", "#457b9d", "#e9c46a", "#6d597a", "#90be6d"];
const LANGS = ["en", "ru", "zh"];
const state = {
  lang: "en", strings: {}, token: "", info: null, frameworks: [], positions: [], indicators: {},
  request: null, result: null, overrides: [], selection: null, rejecting: null,
};

const $ = (id) => document.getElementById(id);

/* An element with attributes and children; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "style") for (const [p, v] of Object.entries(value)) el.style.setProperty(p, v);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function t(key, vars) {
  let s = state.strings[state.lang]?.[key] ?? state.strings.en?.[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace(`{${k}}`, v);
  return s;
}

function status(message, isError) {
  const el = $("status");
  el.textContent = message || "";
  el.classList.toggle("error", !!isError);
  el.setAttribute("role", isError ? "alert" : "status");
}

/* --- talking to the API ----------------------------------------------------------------------------------- */
class ApiError extends Error {}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { method: options.method || "GET", headers, body: options.body });
  if (!response.ok) {
    if (response.status === 401) throw new ApiError(t("token_required"));
    let detail = `${response.status}`;
    try {
      const data = await response.json();
      detail = typeof data.detail === "string" ? data.detail
        : (data.detail || []).map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    } catch (_) { /* not JSON */ }
    throw new ApiError(`${t("error")} ${response.status}: ${detail}`);
  }
  return options.raw ? response : response.json();
}

function takeToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem("competency-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  state.token = sessionStorage.getItem("competency-token") || "";
}

/* --- language and catalog ----------------------------------------------------------------------------------- */
function translatePage() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const b of document.querySelectorAll("#langs button")) b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
}

async function loadCatalog() {
  const [frameworks, positions] = await Promise.all([
    api(`/api/frameworks?lang=${state.lang}`), api(`/api/positions?lang=${state.lang}`)]);
  state.frameworks = frameworks;
  state.positions = positions;
  state.indicators = {};
  for (const fw of frameworks) for (const ind of fw.indicators) state.indicators[ind.code] = ind;
  state.labels = {};
  for (const fw of frameworks) {
    state.labels[fw.code] = fw.label;
    for (const c of fw.competencies) state.labels[c.code] = c.label;
  }
  const checked = new Set([...document.querySelectorAll("#frameworks input:checked")].map((i) => i.value));
  if (!checked.size) checked.add("CO");
  const box = $("frameworks");
  box.querySelectorAll("label").forEach((l) => l.remove());
  for (const fw of frameworks) {
    box.append(h("label", { title: fw.label },
      h("input", { type: "checkbox", value: fw.code, checked: checked.has(fw.code) }), ` ${fw.code} `,
      h("small", {}, fw.label)));
  }
  const select = $("position");
  const chosen = select.value;
  select.querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
  for (const pos of positions) select.append(h("option", { value: pos.code }, `${pos.code} — ${pos.label}`));
  select.value = chosen;
}

async function setLanguage(lang) {
  state.lang = LANGS.includes(lang) ? lang : "en";
  localStorage.setItem("competency-lang", state.lang);
  translatePage();
  await loadCatalog();
  if (state.result) renderResult();
}

/* --- scoring ----------------------------------------------------------------------------------------------- */
function readRequest() {
  const frameworks = [...document.querySelectorAll("#frameworks input:checked")].map((i) => i.value);
  return { text: $("note").value, frameworks, position: $("position").value || null,
           policy: $("policy").value || null,
           id: state.request && state.request.text === $("note").value ? state.request.id : "note" };
}

async function score() {
  const request = readRequest();
  if (!request.frameworks.length) { status(t("select_framework"), true); return; }
  const prev = state.request;
  const sameNote = prev && prev.text === request.text && prev.frameworks.join() === request.frameworks.join()
    && prev.position === request.position && prev.policy === request.policy;
  if (!sameNote) state.overrides = [];
  await rescore(request, state.overrides);
}

async function rescore(request, overrides) {
  status(t("scoring"));
  $("score").disabled = true;
  const started = performance.now();
  try {
    const result = await api("/api/score", { method: "POST", json: { ...request, overrides } });
    state.request = request;
    state.result = result;
    state.overrides = result.overrides || [];
    renderResult();
    status(t("scored_in", { ms: Math.round(performance.now() - started) }));
    return true;
  } catch (err) {
    status(err.message, true);
    return false;
  } finally {
    $("score").disabled = false;
  }
}

/* --- rendering the result ----------------------------------------------------------------------------------- */
function groupOf(ind) { return ind.competency || ind.framework || ind.code.split(".")[0]; }

function colours(result) {
  const codes = result.competencies.map((c) => c.code);
  for (const ind of result.indicators) if (!ind.competency) codes.push(ind.framework);
  const out = {};
  [...new Set(codes)].forEach((code, i) => { out[code] = PALETTE[i % PALETTE.length]; });
  return out;
}

function indicatorName(code) {
  const ind = state.indicators[code];
  if (!ind) return code;
  return `${code}${ind.level ? ` (${ind.level})` : ""} ${ind.label}`;
}

function tipLine(span) {
  const ev = span.ev;
  const quals = (ev.qualifiers || []).join(", ");
  const why = (ev.reasons || []).join("; ");
  if (span.kind === "counted") {
    return `${indicatorName(span.code)} — ${t("weight")} ${ev.weight} [${quals}]${why ? ` ${why}` : ""}`;
  }
  return `${t("discounted")} ${indicatorName(span.code)} [${quals}]: ${why}`;
}

function renderNote(text, result, palette) {
  const cps = Array.from(text);
  const spans = [];
  for (const ind of result.indicators) {
    for (const ev of ind.evidence) {
      spans.push({ s: ev.start, e: ev.end, kind: "counted", code: ind.code, group: groupOf(ind), negative: ind.negative, ev });
    }
  }
  for (const ev of result.discounted || []) spans.push({ s: ev.start, e: ev.end, kind: "discounted", code: ev.code, ev });
  const cuts = [...new Set([0, cps.length, ...spans.map((s) => s.s), ...spans.map((s) => s.e)])].sort((a, b) => a - b);
  const view = $("note-view");
  view.replaceChildren();
  for (let k = 0; k + 1 < cuts.length; k++) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    const chunk = cps.slice(a, b).join("");
    const covering = spans.filter((s) => s.s <= a && b <= s.e);
    if (!covering.length) { view.append(h("span", { "data-start": a }, chunk)); continue; }
    const counted = covering.filter((s) => s.kind === "counted");
    const title = covering.map(tipLine).join("\n");
    if (counted.length) {
      const colour = palette[counted[0].group] || "#e9c46a";
      view.append(h("mark", {
        class: counted.some((s) => s.negative) ? "ev neg" : "ev", "data-start": a, "data-kind": "counted",
        "data-codes": counted.map((s) => s.code).join(" "), title, style: { "--hl": `${colour}66` },
      }, chunk));
    } else {
      view.append(h("mark", { class: "discounted", "data-start": a, "data-kind": "discounted",
        "data-codes": covering.map((s) => s.code).join(" "), title }, chunk));
    }
  }
  const legend = $("legend");
  legend.replaceChildren(...Object.entries(palette).map(([code, colour]) =>
    h("span", { title: state.labels[code] || code }, h("i", { class: "sw", style: { "--c": colour } }), code)),
    h("span", {}, h("i", { class: "sw dash" }), t("legend_discounted")));
}

function levelText(level) { return level === null || level === undefined ? t("not_evidenced") : String(level); }

function evidenceList(indicators) {
  const items = [];
  for (const ind of indicators) {
    for (const ev of ind.evidence) {
      items.push(h("li", { "data-code": ind.code, "data-start": ev.start, "data-end": ev.end },
        h("b", { title: indicatorName(ind.code) }, ind.code), ind.negative ? ` (${t("negative")})` : "",
        ` · ${t("weight")} ${ev.weight} · `, h("q", {}, ev.quote.length > 140 ? `${ev.quote.slice(0, 140)}…` : ev.quote), " ",
        h("button", { type: "button", class: "small reject", onclick: () => openReject(ind.code, ev) }, t("reject"))));
    }
  }
  return items.length ? h("ul", { class: "evidence" }, items) : h("p", { class: "meta" }, t("none"));
}

function card(comp, indicators, colour) {
  const level = comp.level;
  const just = comp.justification || { rule: "", premises: [] };
  return h("article", { class: "card", "data-code": comp.code, style: { "--c": colour } },
    h("div", {}, h("b", {}, comp.code), " ", state.labels[comp.code] || ""),
    h("div", {},
      h("span", { class: level === null ? "level null" : "level", "data-level": level === null ? "" : String(level) }, levelText(level)),
      h("span", { class: "meta" }, `${t("confidence")}: ${t(`conf_${comp.confidence}`)}`)),
    h("div", {}, comp.flags.map((f) => h("span", { class: "flag", "data-flag": f }, t(`flag_${f}`)))),
    h("details", { open: true, class: "why" }, h("summary", {}, `${t("justification")}: ${just.rule}`),
      h("ul", {}, just.premises.length ? just.premises.map((p) => h("li", {}, p)) : h("li", {}, t("none")))),
    h("details", { open: true }, h("summary", {}, t("evidence")), evidenceList(indicators)),
    h("details", { open: true, class: "probes" }, h("summary", {}, t("probes")),
      h("ul", {}, (comp.probes || []).length
        ? comp.probes.map((p) => h("li", {}, h("span", { class: "q" }, p.question), " ", h("small", {}, `(${p.code})`)))
        : h("li", {}, t("none")))));
}

function checklistCard(framework, indicators, colour) {
  return h("article", { class: "card", "data-code": framework, style: { "--c": colour } },
    h("div", {}, h("b", {}, framework), " ", state.labels[framework] || "", ` — ${t("checklist")}`),
    h("ul", {}, indicators.map((ind) => h("li", {}, h("b", {}, ind.code), ` ${state.indicators[ind.code]?.label || ""} — `,
      ind.negative ? t("negative") : t("met")))),
    h("details", { open: true }, h("summary", {}, t("evidence")), evidenceList(indicators)));
}

function rankOf(comp) {
  const fw = state.frameworks.find((f) => f.competencies.some((c) => c.code === comp.code));
  const levels = fw ? fw.competencies.find((c) => c.code === comp.code).levels : [];
  const index = comp.level === null ? -1 : levels.indexOf(String(comp.level));
  return { rank: index + 1, of: levels.length || 1 };
}

function chart(result) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const rows = result.competencies;
  const root = svg("svg", { role: "img", "aria-label": t("profile"), width: 480, height: 26 * rows.length + 8, id: "profile" });
  rows.forEach((comp, i) => {
    const { rank, of } = rankOf(comp);
    const y = 4 + 26 * i;
    root.append(svg("text", { x: 0, y: y + 14, "font-size": 12 }, comp.code),
      svg("rect", { x: 64, y, width: 320, height: 18, fill: "#eef1f6" }),
      svg("rect", { x: 64, y, width: Math.round(320 * rank / of), height: 18, fill: "#457b9d", class: "bar" }),
      svg("text", { x: 392, y: y + 14, "font-size": 12 }, levelText(comp.level)));
  });
  return root;
}

function positionTable(result) {
  if (!result.position) return "";
  const pos = result.position;
  const levels = Object.fromEntries(result.competencies.map((c) => [c.code, c.level]));
  return h("div", {}, h("h3", {}, `${t("position_outcome")}: ${pos.code}`),
    h("table", { id: "position-table" }, h("tr", {}, ["competency", "required", "demonstrated", "outcome"].map((k) => h("th", {}, t(k)))),
      Object.entries(pos.outcomes).map(([code, outcome]) => h("tr", { "data-code": code },
        h("td", { title: state.labels[code] || "" }, code), h("td", {}, String(pos.required?.[code] ?? "")),
        h("td", {}, levelText(levels[code])), h("td", { "data-outcome": outcome }, t(outcome))))));
}

/* The position gap (POST /api/gap): for each competency below the requirement, the next indicators to work on. */
async function renderGap(result) {
  const box = $("position-gap");
  box.replaceChildren();
  if (!result.position) return;
  let gap;
  try {
    gap = await api("/api/gap", { method: "POST", json: { result, position: result.position.code, lang: state.lang } });
  } catch (err) {
    box.replaceChildren(h("p", { class: "error" }, err.message));
    return;
  }
  if (state.result !== result) return;  // a newer result was rendered meanwhile
  const steps = gap.competencies.filter((c) => c.next_indicators.length);
  if (!steps.length) return;
  box.replaceChildren(h("h3", {}, `${t("next_steps")}: ${gap.position}`),
    h("ul", { id: "gap-list" }, steps.map((c) => h("li", { "data-code": c.competency },
      h("b", { title: state.labels[c.competency] || "" }, c.competency), ` → ${c.required}`,
      h("ul", {}, c.next_indicators.map((i) => h("li", {}, h("code", {}, i.code), ` ${i.label}`)))))));
}

function renderOverrides() {
  const list = $("overrides");
  if (!state.overrides.length) { list.replaceChildren(h("li", { class: "meta" }, t("no_overrides"))); return; }
  list.replaceChildren(...state.overrides.map((ov, k) => h("li", { "data-action": ov.action, "data-code": ov.code },
    h("b", {}, t(`action_${ov.action}`)), ` ${ov.code} `, h("q", {}, ov.quote), ` — ${ov.reason} `,
    h("small", { class: "meta" }, ov.at), " ",
    h("button", { type: "button", class: "small undo", onclick: () => undoOverride(k) }, t("undo")))));
}

function renderResult() {
  const result = state.result;
  const palette = colours(result);
  $("result").hidden = false;
  $("note-view").lang = result.language === "mixed" ? "" : result.language;
  renderNote(state.request.text, result, palette);
  const byGroup = {};
  for (const ind of result.indicators) (byGroup[groupOf(ind)] ||= []).push(ind);
  const cards = result.competencies.map((c) => card(c, byGroup[c.code] || [], palette[c.code]));
  const levelled = new Set(result.competencies.map((c) => c.code));
  for (const [group, inds] of Object.entries(byGroup)) {
    if (!levelled.has(group) && !inds[0].competency) cards.push(checklistCard(group, inds, palette[group]));
  }
  $("cards").replaceChildren(...cards);
  $("chart").replaceChildren(chart(result));
  $("position-outcome").replaceChildren(positionTable(result));
  renderGap(result);
  $("notices").replaceChildren(...(result.notices || []).length
    ? [h("h3", {}, t("notices")), h("ul", {}, result.notices.map((n) => h("li", {}, n)))] : []);
  renderOverrides();
  $("add-panel").hidden = true;
}

/* --- overrides --------------------------------------------------------------------------------------------- */
function openReject(code, ev) {
  state.rejecting = { code, start: ev.start, end: ev.end };
  $("reject-code").textContent = code;
  $("reject-quote").textContent = ev.quote;
  $("reject-reason").value = "";
  $("reject-error").hidden = true;
  $("reject-dialog").showModal();
  $("reject-reason").focus();
}

async function confirmReject(event) {
  event.preventDefault();
  const reason = $("reject-reason").value.trim();
  if (!reason) { $("reject-error").hidden = false; return; }
  $("reject-dialog").close();
  await rescore(state.request, [...state.overrides, { action: "reject", ...state.rejecting, reason }]);
}

async function undoOverride(k) {
  await rescore(state.request, state.overrides.filter((_, i) => i !== k));
}

/* A DOM position inside the note view → a code-point offset into the note. */
function noteOffset(node, offset) {
  const view = $("note-view");
  if (node === view) {
    const child = view.childNodes[offset];
    return child ? Number(child.dataset.start) : Array.from(state.request.text).length;
  }
  const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  if (!view.contains(el) || el.dataset.start === undefined) return null;
  const within = node.nodeType === Node.TEXT_NODE ? Array.from(node.data.slice(0, offset)).length : 0;
  return Number(el.dataset.start) + within;
}

function onSelect() {
  const sel = window.getSelection();
  if (!state.result || !sel || sel.isCollapsed || !sel.rangeCount) return;
  const range = sel.getRangeAt(0);
  let start = noteOffset(range.startContainer, range.startOffset);
  let end = noteOffset(range.endContainer, range.endOffset);
  if (start === null || end === null) return;
  const cps = Array.from(state.request.text);
  while (start < end && /\s/.test(cps[start])) start++;
  while (end > start && /\s/.test(cps[end - 1])) end--;
  if (end <= start) return;
  state.selection = { start, end };
  $("sel-quote").textContent = cps.slice(start, end).join("");
  const select = $("add-indicator");
  const scope = new Set(state.result.frameworks);
  select.replaceChildren(...state.frameworks.filter((fw) => scope.has(fw.code)).map((fw) => h("optgroup", { label: `${fw.code} ${fw.label}` },
    fw.indicators.map((ind) => h("option", { value: ind.code }, indicatorName(ind.code) + (ind.negative ? ` (${t("negative")})` : ""))))));
  $("add-reason").value = "";
  $("add-panel").hidden = false;
}

async function confirmAdd(event) {
  event.preventDefault();
  const reason = $("add-reason").value.trim();
  if (!reason || !state.selection) { $("add-reason").focus(); return; }
  const code = $("add-indicator").value;
  await rescore(state.request, [...state.overrides, { action: "add", code, ...state.selection, reason }]);
}

/* --- files and exports --------------------------------------------------------------------------------------- */
async function loadFile(file) {
  if (!file) return;
  if (state.info && file.size > state.info.max_bytes) { status(t("file_too_large"), true); return; }
  try {
    const data = await api("/api/extract", { method: "POST", body: await file.arrayBuffer(),
      headers: { "Content-Type": "application/octet-stream", "X-Filename": encodeURIComponent(file.name) } });
    $("note").value = data.text;
    state.request = { ...(state.request || {}), text: data.text, id: file.name };
    await score();
  } catch (err) {
    status(err.message, true);
  }
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function exportBody() { return { ...state.request, overrides: state.overrides }; }

async function exportAs(kind) {
  if (!state.result) return;
  const base = String(state.result.id || "note").replace(/[^\w.-]+/g, "_");
  try {
    if (kind === "json") {
      download(`${base}.result.json`, new Blob([JSON.stringify(state.result, null, 2)], { type: "application/json" }));
    } else if (kind === "html") {
      const response = await api("/api/export/html", { method: "POST", json: { ...exportBody(), lang: state.lang }, raw: true });
      download(`${base}.report.html`, await response.blob());
    } else {
      const record = await api("/api/export/corpus", { method: "POST", json: exportBody() });
      download(`${base}.annotated.jsonl`, new Blob([`${JSON.stringify(record)}\n`], { type: "application/x-ndjson" }));
    }
  } catch (err) {
    status(err.message, true);
  }
}

/* --- start --------------------------------------------------------------------------------------------------- */
async function start() {
  takeToken();
  state.strings = await (await fetch("/static/i18n.json")).json();
  const saved = localStorage.getItem("competency-lang");
  const browser = (navigator.language || "en").slice(0, 2);
  state.lang = LANGS.includes(saved) ? saved : (LANGS.includes(browser) ? browser : "en");
  translatePage();
  try {
    state.info = await api("/api/info");
    $("policy").replaceChildren(...state.info.policies.map((p) => h("option", { value: p, selected: p === state.info.default_policy }, p)));
    await loadCatalog();
  } catch (err) {
    status(err.message, true);
  }
  for (const b of document.querySelectorAll("#langs button")) b.addEventListener("click", () => setLanguage(b.dataset.lang));
  $("score").addEventListener("click", score);
  $("note").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) score(); });
  $("file").addEventListener("change", (e) => loadFile(e.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); loadFile(e.dataTransfer.files[0]); });
  $("note-view").addEventListener("mouseup", onSelect);
  $("add-panel").addEventListener("submit", confirmAdd);
  $("add-cancel").addEventListener("click", () => { $("add-panel").hidden = true; });
  $("reject-form").addEventListener("submit", confirmReject);
  $("reject-cancel").addEventListener("click", () => $("reject-dialog").close());
  $("export-json").addEventListener("click", () => exportAs("json"));
  $("export-html").addEventListener("click", () => exportAs("html"));
  $("export-corpus").addEventListener("click", () => exportAs("corpus"));
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
