/* The what-if panel: sliders per idea (reach, intensity, persistence — or one dose × — and start), switches, horizon; fan chart, effects, Shapley bars.
   While a slider is dragged the page asks for a preview (100 draws); on release, the full 1,000 draws.
   Labels are text (textContent), never markup; nothing is loaded from the network but this server. */
"use strict";
(function () {
  const STRINGS = window.GMB_STRINGS || { en: {} };
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("key")) sessionStorage.setItem("gmb.key", params.get("key"));
  if (location.hash) history.replaceState(null, "", location.pathname);
  const key = sessionStorage.getItem("gmb.key");
  let lang = localStorage.getItem("gmb.lang") || "en";
  const gmb = (window.gmbWhatif = { results: 0, splits: 0, last: null, lastSplit: null, sid: null });
  const settings = { ideas: {}, bundle: true, horizon: 36 };
  let pending = null, inflight = false;
  function T(k) { return (STRINGS[lang] && STRINGS[lang][k]) || (STRINGS.en && STRINGS.en[k]) || k; }
  function $(id) { return document.getElementById(id); }
  const NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function fmt(x) { return Number.isFinite(x) ? (x >= 0 ? "+" : "") + x.toFixed(3) : "–"; }
  async function api(method, path, body) {
    const r = await fetch(path, { method, headers: { "Authorization": "Bearer " + key, "Content-Type": "application/json" },
                                  body: body ? JSON.stringify(body) : undefined });
    const data = await r.json();
    if (!r.ok) throw new Error((data.field ? data.field + ": " : "") + (data.error || r.status));
    return data;
  }
  function translate() {
    document.documentElement.lang = lang;
    for (const n of document.querySelectorAll("[data-t]")) n.textContent = T(n.dataset.t);
    for (const n of document.querySelectorAll("[data-tp]")) n.placeholder = T(n.dataset.tp);
  }
  // Two phases: the chart (fans, effects, P(improves)) first; the bundle's Shapley split after it, as a
  // second request. `gen` counts setting changes: a split computed for an older setting is never drawn.
  let gen = 0;
  function request(preview) {
    gen += 1;
    pending = { body: { ...settings, preview, part: "chart" }, gen, t0: performance.now() };
    pump();
  }
  async function pump() {
    if (inflight || !pending) return;
    const job = pending; pending = null; inflight = true;
    const t0 = performance.now();
    try {
      const out = await api("POST", "/api/s/" + encodeURIComponent(gmb.sid) + "/whatif", job.body);
      const t1 = performance.now();  // answer received and parsed
      const server = (out.timing || {}).server_ms;
      if (job.body.part === "split") {
        if (job.gen === gen) {
          drawSplit(out.shapley, out);
          gmb.splits += 1;
          gmb.lastSplit = { ms: performance.now() - job.t0, server_ms: server, draw_ms: performance.now() - t1, out };
        }
      } else {
        draw(out);
        gmb.results += 1;
        gmb.last = { ms: performance.now() - t0, preview: job.body.preview, server_ms: server,
                     draw_ms: performance.now() - t1, out };
        if (out.shapley_pending && !job.body.preview && !pending && job.gen === gen) {
          pending = { body: { ...job.body, part: "split" }, gen: job.gen, t0: job.t0 };
        }
      }
      $("wi-error").hidden = true;
    } catch (e) {
      $("wi-error").textContent = e.message; $("wi-error").hidden = false;
    } finally {
      inflight = false;
      pump();
    }
  }
  // An idea given by reach × intensity × persistence gets a slider per factor (starting at the plan's nominal
  // value); the dose multiplier sent is their product over the nominal product, kept at most row.max_dose.
  function ratio(row, values) {
    let num = 1, den = 1;
    for (const [n, f] of Object.entries(row.factors)) { num *= values[n]; den *= f.nominal; }
    return num / den;
  }
  function factorSliders(row, s, li) {
    const step = 0.005;
    s.factors = {};
    const doseOut = document.createElement("output"); doseOut.className = "wi-factor-dose";
    const showDose = () => { doseOut.textContent = T("whatif_dose") + Number(s.dose).toFixed(2); };
    for (const [n, f] of Object.entries(row.factors)) {
      s.factors[n] = f.nominal;
      const input = Object.assign(document.createElement("input"), { type: "range", min: f.min, max: f.max, step: "any", value: f.nominal, className: "wi-factor" });
      input.dataset.factor = n;
      const out = document.createElement("output");
      const show = () => { out.textContent = Number(s.factors[n]).toFixed(3) + " (" + T("whatif_planned") + " " + f.nominal + ")"; };
      const set = final => {
        let v = Number(input.value);
        const k = ratio(row, { ...s.factors, [n]: v });
        if (k > row.max_dose) {  // the server refuses more than max_dose × the planned dose: stop the slider there
          v = Math.floor((v * row.max_dose / k) / step) * step;
          input.value = v;
        }
        s.factors[n] = v; s.dose = ratio(row, s.factors); show(); showDose();
        if (s.on) request(!final);
      };
      input.addEventListener("input", () => set(false));
      input.addEventListener("change", () => set(true));
      show();
      const l = document.createElement("label");
      l.append(Object.assign(document.createElement("span"), { textContent: T("whatif_" + n) + " " }), input, out);
      li.append(document.createElement("br"), l);
    }
    showDose();
    li.append(document.createElement("br"), doseOut);
  }
  function idea(row) {
    const s = (settings.ideas[row.id] = { on: false, dose: 1, start: 0 });
    const li = document.createElement("li");
    li.dataset.idea = row.id;
    const on = Object.assign(document.createElement("input"), { type: "checkbox", className: "wi-on" });
    const name = document.createElement("strong"); name.className = "label"; name.textContent = " " + row.label;
    const start = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 60, step: 1, value: 0, className: "wi-start" });
    const sOut = document.createElement("output");
    const sliders = [[start, "start"]];
    li.append(on, name);
    let show = () => { sOut.textContent = "+" + start.value; };
    if (row.factors && Object.keys(row.factors).length) {
      factorSliders(row, s, li);
    } else {
      const dose = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 3, step: 0.05, value: 1, className: "wi-dose" });
      const dOut = document.createElement("output");
      show = () => { dOut.textContent = "×" + Number(dose.value).toFixed(2); sOut.textContent = "+" + start.value; };
      sliders.push([dose, "dose"]);
      const l1 = document.createElement("label");
      l1.append(Object.assign(document.createElement("span"), { textContent: T("whatif_dose") + " " }), dose, dOut);
      li.append(document.createElement("br"), l1);
    }
    show();
    on.addEventListener("change", () => { s.on = on.checked; request(false); });
    for (const [input, field] of sliders) {
      input.addEventListener("input", () => { s[field] = Number(input.value); show(); if (s.on) request(true); });
      input.addEventListener("change", () => { s[field] = Number(input.value); show(); if (s.on) request(false); });
    }
    const l2 = document.createElement("label");
    l2.append(Object.assign(document.createElement("span"), { textContent: T("whatif_start") + " " }), start, sOut);
    li.append(document.createElement("br"), l2);
    $("wi-ideas").append(li);
  }
  function draw(out) {
    const fan = $("wi-fan"); fan.replaceChildren();
    const t = out.times, W = 600, H = 300, pad = 40;
    const all = [...Object.values(out.fan.baseline), ...Object.values(out.fan.setting)].flat().filter(Number.isFinite);
    const lo = Math.min(...all), hi = Math.max(...all), span = hi - lo || 1;
    const x = i => pad + (W - 2 * pad) * (t[i] - t[0]) / ((t[t.length - 1] - t[0]) || 1);
    const y = v => H - pad - (H - 2 * pad) * (v - lo) / span;
    const band = (a, b, fill) => {
      const pts = a.map((v, i) => x(i) + "," + y(v)).concat(b.map((v, i) => x(b.length - 1 - i) + "," + y(b[b.length - 1 - i])));
      fan.append(svg("polygon", { points: pts.join(" "), fill, "fill-opacity": 0.25 }));
    };
    const line = (a, stroke, cls) => fan.append(svg("polyline", { points: a.map((v, i) => x(i) + "," + y(v)).join(" "),
                                                                  fill: "none", stroke, "stroke-width": 2, class: cls }));
    band(out.fan.baseline.p5, out.fan.baseline.p95, "#888");
    band(out.fan.setting.p5, out.fan.setting.p95, "#2a7");
    line(out.fan.baseline.p50, "#555", "wi-base");
    line(out.fan.setting.p50, "#075", "wi-setting");
    fan.append(svg("text", { x: pad, y: 15 }, (out.meta.outcome_label || out.meta.outcome || "") + " · " + T("whatif_exploratory_short")));
    fan.append(svg("text", { x: pad, y: H - 10 }, t[0] + " … " + t[t.length - 1] + " " + out.unit));
    fan.append(svg("text", { x: 2, y: y(hi) + 4, "font-size": 10 }, hi.toFixed(2)));
    fan.append(svg("text", { x: 2, y: y(lo), "font-size": 10 }, lo.toFixed(2)));
    $("wi-runs").textContent = " · " + out.runs + " " + T("whatif_draws") + (out.preview ? " (" + T("whatif_preview") + ")" : "");
    const labels = Object.fromEntries(out.ideas.map(r => [r.id, r.label]));
    const tab = $("wi-effects"); tab.replaceChildren();
    const head = tab.insertRow();
    for (const h of ["", T("whatif_effect"), T("whatif_interval"), T("whatif_p")]) head.insertCell().textContent = h;
    for (const [id, e] of Object.entries(out.effects)) {
      const r = tab.insertRow(); r.dataset.idea = id;
      r.insertCell().textContent = labels[id] || id;
      r.insertCell().textContent = fmt(e.median);
      r.insertCell().textContent = fmt(e.p5) + " … " + fmt(e.p95);
      r.insertCell().textContent = Math.round(100 * e.p_improves) + " %";
    }
    gmb.labels = labels;
    if (out.shapley_pending) splitPending();
    else drawSplit(out.shapley, out);
  }
  function splitPending() {
    const sh = $("wi-shapley"); sh.replaceChildren();
    sh.dataset.state = "pending";
    sh.append(svg("text", { x: 0, y: 15, "font-size": 12, class: "wi-split-pending" }, T("whatif_split_pending")));
    sh.setAttribute("viewBox", "0 0 600 24");
  }
  function drawSplit(shapley, out) {
    const sh = $("wi-shapley"); sh.replaceChildren();
    const labels = gmb.labels || {};
    sh.dataset.state = shapley ? "current" : "none";
    if (shapley) {
      shapley.ideas.forEach((id, k) => {
        const share = shapley.shares[k], w = Math.max(0, Math.min(1, Math.abs(share))) * 300;
        sh.append(svg("text", { x: 0, y: 20 * k + 15, "font-size": 12 }, labels[id] || id));
        sh.append(svg("rect", { x: 220, y: 20 * k + 4, width: w, height: 14, fill: share >= 0 ? "#2a7" : "#c44" }));
        sh.append(svg("text", { x: 225 + w, y: 20 * k + 15, "font-size": 12 }, Math.round(100 * share) + " %"));
      });
      sh.setAttribute("viewBox", "0 0 600 " + (20 * shapley.ideas.length + 10));
    }
  }
  async function start() {
    translate();
    if (!key) { $("wi-error").textContent = T("no_key"); $("wi-error").hidden = false; return; }
    const me = await api("GET", "/api/me");
    gmb.sid = me.session;
    const h = $("wi-horizon");
    const showH = () => { $("wi-horizon-out").textContent = h.value; };
    showH();
    h.addEventListener("input", () => { settings.horizon = Number(h.value); showH(); request(true); });
    h.addEventListener("change", () => { settings.horizon = Number(h.value); showH(); request(false); });
    $("wi-save").addEventListener("click", async () => {
      try {
        const r = await api("POST", "/api/s/" + encodeURIComponent(gmb.sid) + "/whatif/save",
                            { name: $("wi-name").value.trim(), setting: { ...settings } });
        $("wi-saved").textContent = T("whatif_saved") + " " + r.name;
        $("wi-error").hidden = true;
      } catch (e) { $("wi-error").textContent = e.message; $("wi-error").hidden = false; }
    });
    $("wi-bundle").addEventListener("change", e => { settings.bundle = e.target.checked; request(false); });
    const first = await api("POST", "/api/s/" + encodeURIComponent(gmb.sid) + "/whatif", { ...settings, preview: true, part: "chart" });
    if (first.horizon) { h.value = first.horizon; settings.horizon = first.horizon; showH(); }
    first.ideas.forEach(idea);
    const top = first.ideas[0];
    if (top) { settings.ideas[top.id].on = true; document.querySelector(".wi-on").checked = true; }
    request(false);
  }
  start().catch(e => { $("wi-error").textContent = e.message; $("wi-error").hidden = false; });
})();
