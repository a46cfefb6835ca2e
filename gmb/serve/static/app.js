/* gmb serve: one script for every page (join, participant, facilitator, projector, new).
 *
 * Rules kept throughout: user text only ever reaches the page through textContent / option.text /
 * vis-network's canvas labels, never parsed as HTML; keys live in sessionStorage and travel in the
 * Authorization header only; the page learns about changes from the /stream endpoint (server-sent
 * events read with fetch, so the key can go in a header) and then fetches the whole state.
 */
"use strict";
(function () {
  const PAGE = document.body.dataset.page;
  const STRINGS = window.GMB_STRINGS || { en: {} };
  const KEY = "gmb.key";
  const gmb = (window.gmb = { page: PAGE, state: null, me: null, network: null, refreshes: 0, drawn: 0 });
  let lang = localStorage.getItem("gmb.lang") || "en";
  // Secrets arrive after '#' (browsers never send that part to a server). Take them out of the address
  // bar before anything else happens, so they do not linger in the history or on a shared screen.
  const fromLink = (function () {
    const params = new URLSearchParams(location.hash.slice(1));
    const found = { key: params.get("key"), admin: params.get("admin"), code: params.get("code") };
    if (location.hash) history.replaceState(null, "", location.pathname);
    if (found.key) sessionStorage.setItem(KEY, found.key);
    if (found.admin) sessionStorage.setItem("gmb.admin", found.admin);
    return found;
  })();

  // ---- small helpers ---------------------------------------------------------------------------
  function T(key, vars) {
    let text = (STRINGS[lang] && STRINGS[lang][key]) || (STRINGS.en && STRINGS.en[key]) || key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.split("{" + k + "}").join(String(v));
    return text;
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function toast(text, bad) {
    const box = $("toast");
    if (!box) return;
    box.textContent = text;
    box.className = bad ? "show bad" : "show";
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.className = ""; }, bad ? 6000 : 1800);
  }
  function key() { return sessionStorage.getItem(KEY); }
  async function api(method, path, body, bearer) {
    const headers = { Accept: "application/json" };
    const auth = bearer === undefined ? key() : bearer;
    if (auth) headers.Authorization = "Bearer " + auth;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                    cache: "no-store", credentials: "omit" });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
    if (!res.ok) {
      const err = new Error((data && data.error) || res.statusText);
      err.status = res.status; err.data = data;
      throw err;
    }
    return data;
  }
  // The server answers in English; people read the session's language. Known refusals are translated
  // here; anything else becomes a general message in their language (the facilitator also sees the detail).
  const ERRORS = [
    [/session is closed/, "err_closed"], [/only your own/, "err_own"], [/exists already/, "err_exists"],
    [/too many requests/, "err_slow"], [/only the facilitator/, "err_facilitator"], [/projector key/, "err_viewer"],
    [/nothing (changes|is waiting)/, "err_nothing"], [/already/, "err_already"], [/unknown (variable|link|idea)/, "err_gone"],
    [/key/, "no_key"], [/another change came in/, "err_conflict"],
  ];
  function errorText(err) {
    const found = ERRORS.find(([re]) => re.test(err.message || ""));
    if (found) return T(found[1]);
    return T("err_general") + (facilitator() ? " (" + err.message + ")" : "");
  }
  function fail(err) { toast(errorText(err), true); }
  function sid() { return gmb.me && gmb.me.session; }
  function S(path) { return "/api/s/" + encodeURIComponent(sid()) + path; }
  async function act(path, body) {
    try {
      const out = await api("POST", S(path), body === undefined ? {} : body);
      toast(T("sent"));  // the change itself comes back through the stream, like everyone else's
      return out;
    } catch (err) { fail(err); return null; }
  }
  function time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleTimeString(lang === "da" ? "da-DK" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  // ---- language -----------------------------------------------------------------------------------
  function translatePage() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll("[data-t]")) node.textContent = T(node.dataset.t);
    for (const node of document.querySelectorAll("[data-tp]")) node.placeholder = T(node.dataset.tp);
    const select = $("lang");
    if (select && !select.options.length) {
      for (const code of ["da", "en"]) select.append(el("option", { value: code, text: code === "da" ? "Dansk" : "English" }));
      select.addEventListener("change", () => {
        lang = select.value;
        localStorage.setItem("gmb.lang", lang);
        translatePage();
        if (gmb.state) render(gmb.state);
      });
    }
    if (select) select.value = lang;
  }

  // ---- reading the state --------------------------------------------------------------------------
  function label(item) {
    if (!item) return "";
    const labels = item.labels || {};
    return labels[lang] || Object.values(labels)[0] || item.id;
  }
  function index(state) {
    const vars = new Map(state.variables.map((v) => [v.id, v]));
    const people = new Map(state.participants.map((p) => [p.id, p]));
    return { vars, people, vlabel: (id) => label(vars.get(id)) || id, pname: (id) => (people.get(id) || {}).name || id || "?" };
  }
  function linkText(ix, link) {
    const sign = { "+": "+", "-": "−", "?": "?" }[link.polarity] || "?";
    return ix.vlabel(link.cause) + " → " + ix.vlabel(link.effect) + "  (" + sign + (link.delay ? ", ‖" : "") + ")";
  }
  function meta(ix, item) {
    const parts = [];
    if (item.proposed_by) parts.push(T("proposed") + " " + T("by") + " " + (item.proposed_by === (gmb.me || {}).participant ? T("you") : ix.pname(item.proposed_by)));
    if (item.accepted_by) parts.push("✓ " + T("accepted"));
    const edits = item.edits || {};
    if (edits.count > 1) parts.push(edits.count + " " + T("edited") + ", " + T("last_change") + " " + ix.pname(edits.last_by) + " " + time(edits.last_at));
    return parts.join(" · ");
  }

  // ---- the map (vis-network; labels are drawn on a canvas, tooltips are text elements) ---------------
  // The look — signs, delays, strengths, kinds, themes, "proposed", the legend — is the static map's own
  // code: /static/visual.js (gmb/views/static/visual.js with gmb/views/style.py's values), never copied here.
  const V = window.GmbVisual;
  const SCALE = PAGE === "projector" ? 2 : 1;  // the projector draws everything twice as large, for the back row
  function tooltip(text) { const d = document.createElement("div"); d.textContent = text; return d; }
  function fontPx() { return V.nodeStyle({}).font.size * SCALE; }  // a variable's label, in canvas units
  function fitReadable() {
    // Fit the whole map, then zoom in around the middle if that would make labels too small to read.
    if (!gmb.network) return;
    V.readableFit(gmb.network, { fontSize: fontPx() });
    gmb.fitted = (gmb.fitted || 0) + 1;
  }
  const STOP_AFTER = 6000;
  function startPhysics(rounds) {
    gmb.network.setOptions({ physics: { enabled: true } });
    gmb.network.stabilize(rounds);
    clearTimeout(gmb.stopTimer);
    gmb.stopTimer = setTimeout(settled, STOP_AFTER);
  }
  function settled() {
    // The layout stops here: physics off, so nothing drifts; then fit; the facilitator's page stores the positions.
    const net = gmb.network;
    clearTimeout(gmb.stopTimer);
    net.setOptions({ physics: { enabled: false } });
    gmb.settledAt = performance.now();
    fitReadable();
    if (gmb.shownLoop) { gmb.zoomed = null; zoomTo(gmb.shownLoop.variables); }  // the shown loop stays in view
    if (facilitator()) savePositions(gmb.nodes.getIds().filter((id) => !gmb.placed.has(id)));
  }
  async function savePositions(ids) {
    if (!ids.length) return;
    const where = gmb.network.getPositions(ids);
    const positions = {};
    for (const id of ids) if (where[id]) positions[id] = [where[id].x, where[id].y];
    for (const id of ids) gmb.placed.add(id);
    try { await api("POST", S("/positions"), { positions }); } catch (err) { if (err.status !== 409) fail(err); }
  }
  function themeFills(state) {
    // The session's themes in their order, then any other theme a variable names (sorted), as the static map does.
    const ids = (state.themes || []).map((t) => t.id);
    const extra = new Set();
    for (const v of state.variables) for (const t of v.themes || []) if (!ids.includes(t)) extra.add(t);
    return V.themeColours(ids.concat([...extra].sort()));
  }
  function legend(state, fills) {
    // Redrawn only when its language or the themes change; visual.js keeps it open or folded as it was.
    const box = $("legend");
    if (!box) return;
    const themes = (state.themes || []).filter((t) => fills[t.id]).map((t) => ({ colour: fills[t.id], text: label(t) }));
    const noTheme = state.variables.some((v) => !(v.themes || []).length);
    const sig = JSON.stringify([lang, themes, noTheme]);
    if (box.dataset.sig === sig) return;
    box.dataset.sig = sig;
    V.legend(box, { lang, themes, noTheme, ideas: false, proposed: true });
  }
  function nodeLook(state, v, fills, targets) {
    // visual.js's options, with what an earlier look may have set put back (a DataSet update merges).
    const theme = (v.themes || [])[0];
    const look = Object.assign({ label: label(v), opacity: 1, shapeProperties: { borderDashes: false } }, V.nodeStyle({
      kind: v.kind, fill: theme && fills[theme], outcome: v.id === state.outcome || v.kind === "outcome",
      target: targets.has(v.id), proposed: !v.accepted_by, label: label(v) }));
    look.font = Object.assign({}, look.font, { size: look.font.size * SCALE });
    return look;
  }
  function edgeLook(l) {
    const look = V.edgeStyle({ polarity: l.polarity, delay: l.delay, strength: l.strength, proposed: !l.accepted_by });
    look.font = Object.assign({}, look.font, { size: look.font.size * SCALE });
    return look;
  }
  function drawMap(state, ix) {
    const box = $("map");
    if (!box || !window.vis) return;
    const big = PAGE === "projector";
    const fills = themeFills(state);
    const targets = new Set(state.ideas.flatMap((i) => i.targets.map((t) => t.variable)));
    legend(state, fills);
    if (!gmb.network) {
      gmb.nodes = new vis.DataSet();
      gmb.edges = new vis.DataSet();
      gmb.placed = new Set();
      gmb.network = new vis.Network(box, { nodes: gmb.nodes, edges: gmb.edges }, {
        autoResize: true,
        nodes: { margin: big ? 14 : 8, font: { face: "system-ui, sans-serif", multi: false },
                 widthConstraint: { maximum: big ? 320 : 200 } },
        edges: { arrows: { to: { enabled: true, scaleFactor: big ? 1.2 : 0.8 } }, smooth: { type: "continuous" },
                 font: { align: "horizontal" } },
        physics: { solver: "barnesHut", barnesHut: { gravitationalConstant: -14000, centralGravity: 0.15, springLength: big ? 300 : 200,
                   avoidOverlap: 0.6 }, stabilization: { iterations: 300, fit: false }, maxVelocity: 40, minVelocity: 1 },
        interaction: { hover: true, dragView: true, zoomView: true, dragNodes: facilitator(), tooltipDelay: 150 },
        manipulation: { enabled: false, addEdge: (data, done) => { done(null); pickLink(data.from, data.to); } },
      });
      // The layout stops when it has settled, after its stabilisation rounds, or after STOP_AFTER ms at the
      // latest (a dense map can oscillate for ever): the projector must never drift.
      gmb.network.on("stabilized", settled);
      gmb.network.on("stabilizationIterationsDone", settled);
      gmb.network.on("dragEnd", (p) => { if (facilitator() && p.nodes.length) { p.nodes.forEach((id) => gmb.placed.delete(id)); savePositions(p.nodes); } });
      gmb.network.on("resize", () => { clearTimeout(gmb.fitTimer); gmb.fitTimer = setTimeout(fitReadable, 100); });
      if (V.isPhone()) inspectByTap(box);
    }
    if (gmb.sheet) gmb.sheet.setLang(lang);
    const circle = state.stage === "W1";  // W1: connection circle (variables on a circle, links as chords)
    const n = state.variables.length;
    const radius = Math.max(250, n * (big ? 40 : 28));
    let fresh = 0;
    const known = gmb.network.getPositions();
    // Only what changed goes to vis-network (a big map redraws slowly): each item keeps a signature.
    const sigs = gmb.sigs || (gmb.sigs = new Map());
    const changed = (key, sig) => { if (sigs.get(key) === sig) return false; sigs.set(key, sig); return true; };
    const nodes = [];
    state.variables.forEach((v, i) => {
      const placedBefore = known[v.id] !== undefined;
      const look = nodeLook(state, v, fills, targets);
      if (!changed("n:" + v.id, JSON.stringify([v, circle && [i, n], lang, meta(ix, v), look])) && placedBefore) return;
      const node = Object.assign({ id: v.id, title: tooltip(label(v) + (v.description ? "\n" + v.description : "") + "\n" + meta(ix, v)) }, look);
      if (circle) {
        const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
        Object.assign(node, { x: radius * Math.cos(a), y: radius * Math.sin(a), physics: false });
      } else if (v.position) {  // placed before (stored in the session): stays put
        Object.assign(node, { x: v.position[0], y: v.position[1], physics: false });
        gmb.placed.add(v.id);
      } else if (known[v.id]) {
        Object.assign(node, { physics: false });
      } else {  // new: starts next to a neighbour and finds its place; the others do not move
        const nb = state.links.find((l) => (l.cause === v.id && known[l.effect]) || (l.effect === v.id && known[l.cause]));
        const at = nb ? known[nb.cause === v.id ? nb.effect : nb.cause] : null;
        if (at) Object.assign(node, { x: at.x + 60, y: at.y + 60 });
        Object.assign(node, { physics: true });
        fresh += 1;
      }
      nodes.push(node);
    });
    const edges = [];
    state.links.forEach((l) => {
      if (!changed("e:" + l.id, JSON.stringify([l, lang, linkText(ix, l), meta(ix, l)])) && gmb.edges.get(l.id)) return;
      edges.push(Object.assign({
        id: l.id, from: l.cause, to: l.effect,
        title: tooltip(linkText(ix, l) + "\n" + T("supporters") + ": " + l.supporters.length + ", " + T("disputers") + ": " + l.disputers.length + "\n" + meta(ix, l)),
      }, edgeLook(l)));
    });
    const nodeIds = new Set(state.variables.map((x) => x.id));
    const edgeIds = new Set(state.links.map((x) => x.id));
    for (const k of [...sigs.keys()]) if (!(k[0] === "n" ? nodeIds : edgeIds).has(k.slice(2))) sigs.delete(k);
    gmb.edges.remove(gmb.edges.getIds().filter((id) => !edgeIds.has(id)));
    gmb.nodes.remove(gmb.nodes.getIds().filter((id) => !nodeIds.has(id)));
    gmb.nodes.update(nodes);
    gmb.edges.update(edges);
    if (circle !== gmb.wasCircle) {
      gmb.wasCircle = circle;
      if (circle) { gmb.network.setOptions({ physics: { enabled: false } }); setTimeout(fitReadable, 50); }
      else if (!gmb.nodes.get().every((x) => x.physics === false)) startPhysics(300);
      else { setTimeout(fitReadable, 50); gmb.settledAt = performance.now(); }
    } else if (fresh && !circle) {  // only the new ones move (the others have physics off); stops again when settled
      startPhysics(150);
    }
  }
  function inspectByTap(box) {
    // On a phone there is no hover (visual.css hides vis-network's tooltips there): a tapped variable or
    // link opens its details in visual.js's bottom sheet, which nothing covers.
    gmb.network.setOptions({ interaction: { hover: false } });
    gmb.sheet = V.sheet(box.parentNode, lang);
    gmb.network.on("click", (p) => {
      const item = p.nodes.length ? gmb.nodes.get(p.nodes[0]) : p.edges.length ? gmb.edges.get(p.edges[0]) : null;
      if (!item || !item.title) { gmb.sheet.hide(); return; }
      const text = item.title.textContent, cut = text.indexOf("\n");
      gmb.sheet.show(cut < 0 ? text : text.slice(0, cut), cut < 0 ? "" : text.slice(cut + 1));
    });
  }
  function pickLink(from, to) {
    // A link drawn on the map (drag from one node to another): the link form opens with both ends chosen.
    setPick("link-cause", from);
    setPick("link-effect", to);
    showTab("add");
    const form = $("form-link");
    if (form) form.scrollIntoView({ block: "start" });
    toast(T("drawn_link"));
  }

  // ---- search-as-you-type pickers (accent-insensitive: "tryg" finds "Tryghed", "bor" finds "Børn") ----
  function fold(text) {
    return String(text).toLocaleLowerCase().replace(/æ/g, "ae").replace(/ø/g, "o").replace(/ß/g, "ss")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function matches(query, options) {
    const q = fold(query.trim());
    const sorted = [...options].sort((a, b) => a[1].localeCompare(b[1], lang));
    if (!q) return sorted;
    const starts = sorted.filter((o) => fold(o[1]).startsWith(q));
    const inside = sorted.filter((o) => !fold(o[1]).startsWith(q) && fold(o[1]).includes(q));
    return starts.concat(inside);
  }
  function setPick(id, value) {
    const hidden = $(id);
    if (!hidden || !gmb.state) return;
    hidden.value = value || "";
    const q = $(id + "-q");
    const v = gmb.state.variables.find((x) => x.id === value);
    if (q) q.value = v ? label(v) : "";
    const list = $(id + "-list");
    if (list) list.replaceChildren();
  }
  function wirePicker(id) {
    const q = $(id + "-q"), list = $(id + "-list"), hidden = $(id);
    if (!q || !list || !hidden) return;
    const show = () => {
      hidden.value = "";
      const opts = matches(q.value, gmb.state ? gmb.state.variables.map((v) => [v.id, label(v)]) : []).slice(0, 8);
      list.replaceChildren(...opts.map(([value, text]) => el("li", {}, el("button", { type: "button", class: "pick", text, dataset: { id: value },
        on: { click: () => { setPick(id, value); const next = q.closest("form").querySelector(".picker input[type=search]:not(#" + id + "-q)"); if (next && !next.value && next.id !== id + "-q" && id === "link-cause") next.focus(); } } }))));
    };
    q.addEventListener("input", show);
    q.addEventListener("focus", show);
    q.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { const first = list.querySelector("button"); if (first) { e.preventDefault(); first.click(); } }
      if (e.key === "Escape") list.replaceChildren();
    });
  }

  // ---- tabs (participant page, phone first) -------------------------------------------------------
  function showTab(name) {
    const tabs = document.querySelectorAll("[data-tab]");
    if (!tabs.length) return;
    for (const t of tabs) t.hidden = t.dataset.tab !== name && !t.classList.contains("always");
    for (const b of document.querySelectorAll("nav.tabs button")) b.classList.toggle("current", b.dataset.show === name);
    if (name === "map" && gmb.network) setTimeout(() => { gmb.network.redraw(); fitReadable(); }, 30);
  }
  function wireTabs() {
    for (const b of document.querySelectorAll("nav.tabs button")) b.addEventListener("click", () => showTab(b.dataset.show));
    if (document.querySelector("nav.tabs")) showTab("add");
  }

  // ---- lists -------------------------------------------------------------------------------------------
  function fillSelect(select, options, blank) {
    // Rebuild only when the choices change, and keep what the person picked: a live update must not
    // close a dropdown or reset a half-filled form.
    if (!select || select.tagName !== "SELECT") return;
    const sig = JSON.stringify([blank, options]);
    if (select.dataset.sig === sig) return;
    const keep = select.value;
    select.replaceChildren();
    if (blank !== undefined) select.append(el("option", { value: "", text: blank }));
    for (const [value, text] of options) select.append(el("option", { value, text }));
    select.dataset.sig = sig;
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }
  function button(text, onClick, cls) {
    return el("button", { type: "button", class: cls || "small", text, on: { click: onClick } });
  }
  function historyButton(kind, id) {
    return button(T("history"), async () => {
      try {
        const data = await api("GET", S("/history/" + kind + "/" + encodeURIComponent(id)));
        const ix = index(gmb.state);
        const list = $("history-list");
        list.replaceChildren();
        for (const ev of data.events) {
          const changes = ev.op === "update" ? Object.entries(ev.data.changes || {}) : [];
          const what = changes.map(([k, v]) => T("field_" + k) + ": " + readable(k, v)).join("; ");
          list.append(el("li", { text: time(ev.at) + " · " + ix.pname(ev.by) + " · " + T(changes.length === 1 && changes[0][0] === "accepted_by" ? "op_accept" : "op_" + ev.op) + (what ? " — " + what : "") }));
        }
        $("history").showModal();
      } catch (err) { fail(err); }
    });
  }
  function facilitator() { return gmb.me && gmb.me.role === "facilitator"; }
  function readable(key, value) {
    if (value === null || value === undefined) return "—";
    if (key === "labels") return Object.values(value).join(" / ");
    if (key === "polarity") return { "+": T("pos"), "-": T("neg"), "?": T("unknown") }[value] || value;
    if (key === "strength") return T("s_" + value);
    if (key === "accepted_by") return gmb.state ? index(gmb.state).pname(value) : value;
    if (key === "locked") return value ? T("locked") : T("open");
    if (key === "delay") return value ? T("yes") : T("no");
    if (key === "position") return "(" + value.map((x) => Math.round(x)).join(", ") + ")";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  function canEdit(item) {
    return facilitator() || (gmb.me && item.proposed_by === gmb.me.participant && !item.accepted_by);
  }
  // Proposed items the facilitator ticked for "Accept selected" ("kind:id"); kept across redraws.
  const picked = new Set();
  function pickBox(kind, item) {
    if (!facilitator() || item.accepted_by || PAGE !== "facilitator") return null;
    const box = el("input", { type: "checkbox", class: "pick-box", title: T("select"), "aria-label": T("select") });
    box.checked = picked.has(kind + ":" + item.id);
    box.addEventListener("change", () => {
      if (box.checked) picked.add(kind + ":" + item.id); else picked.delete(kind + ":" + item.id);
      renderPicked();
    });
    return box;
  }
  function renderPicked() {
    const btn = $("btn-accept-selected");
    if (!btn) return;
    if (gmb.state) {  // forget what was accepted or removed meanwhile
      const waiting = new Set();
      for (const [kind, list] of [["variable", gmb.state.variables], ["link", gmb.state.links], ["idea", gmb.state.ideas]]) {
        for (const x of list) if (!x.accepted_by) waiting.add(kind + ":" + x.id);
      }
      for (const k of [...picked]) if (!waiting.has(k)) picked.delete(k);
    }
    btn.textContent = T("accept_selected") + " (" + picked.size + ")";
    btn.disabled = !picked.size;
  }
  function itemButtons(kind, item) {
    const out = [];
    if (facilitator() && !item.accepted_by) out.push(button(T("accept"), () => act("/accept", { kind, id: item.id })));
    if (kind !== "link" && canEdit(item)) {
      out.push(button(T("edit"), () => {
        const text = prompt(T("edit_prompt", { item: label(item) }), label(item));
        if (text && text.trim() && text.trim() !== label(item)) act("/edit", { kind, id: item.id, labels: { [lang]: text.trim() } });
      }));
    }
    if (!facilitator() && canEdit(item) && PAGE === "participant") {
      out.push(button(T("remove"), () => {
        if (confirm(T("confirm_remove", { item: kind === "link" ? linkText(index(gmb.state), item) : label(item) }))) act("/withdraw", { kind, id: item.id });
      }, "small danger withdraw"));
    }
    if (facilitator() && !item.accepted_by) {
      out.push(button(T("reject"), () => {
        const name = kind === "link" ? linkText(index(gmb.state), item) : label(item);
        const reason = prompt(T("reject_prompt", { item: name }), "");
        if (reason && reason.trim()) act("/reject", { kind, id: item.id, reason: reason.trim() });
      }, "small danger reject"));
    }
    if (facilitator()) {
      out.push(button(T("remove"), () => {
        const name = kind === "link" ? linkText(index(gmb.state), item) : label(item);
        if (confirm(T("confirm_remove", { item: name }))) act("/remove", { kind, id: item.id });
      }, "small danger"));
    }
    if (PAGE !== "projector") out.push(historyButton(kind, item.id));
    return out;
  }
  // Lists are updated in place, item by item: an entry whose content did not change keeps its DOM node,
  // so a live update never swaps a button away under someone's finger or resets a half-made choice.
  function sync(parent, specs) {
    const old = parent._gmbKeyed || new Map();
    const next = new Map();
    const nodes = specs.map((spec) => {
      const prev = old.get(spec.key);
      const node = prev && prev.sig === spec.sig ? prev.node : spec.make();
      next.set(spec.key, { sig: spec.sig, node });
      return node;
    });
    for (const [k, v] of old) if (!next.has(k) || next.get(k).node !== v.node) v.node.remove();
    nodes.forEach((node, i) => { if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null); });
    while (parent.children.length > nodes.length) parent.lastElementChild.remove();
    parent._gmbKeyed = next;
  }
  function placeholder(key, text) {
    return { key, sig: key + lang, make: () => el("li", { class: "muted", text: T(text) }) };
  }
  function context() {
    return [lang, PAGE, gmb.me && gmb.me.participant, gmb.me && gmb.me.role];
  }
  function renderVariables(state, ix) {
    const ul = $("list-variables");
    if (!ul) return;
    const specs = state.variables.map((v) => ({
      key: v.id, sig: JSON.stringify([v, context(), meta(ix, v), v.id === state.outcome]),
      make: () => el("li", { dataset: { id: v.id }, class: v.accepted_by ? "accepted" : "proposed" },
        pickBox("variable", v), el("span", { class: "label", text: label(v) }),
        v.id === state.outcome ? el("span", { class: "tag", text: T("outcome") }) : null,
        el("span", { class: "meta", text: meta(ix, v) }),
        el("span", { class: "actions" }, ...itemButtons("variable", v))),
    }));
    sync(ul, specs.length ? specs : [placeholder("-empty", "nothing")]);
  }
  function linkEditors(l) {
    // Direction, strength and delay of one's own link stay open to change until it is accepted.
    if (!canEdit(l) || PAGE === "projector") return [];
    const actions = [];
    const pol = el("select", { class: "small", "aria-label": T("polarity") });
    for (const p of ["+", "-", "?"]) pol.append(el("option", { value: p, text: { "+": T("pos"), "-": T("neg"), "?": T("unknown") }[p] }));
    pol.value = l.polarity;
    pol.addEventListener("change", () => act("/edit", { kind: "link", id: l.id, polarity: pol.value }));
    actions.push(pol);
    const str = el("select", { class: "small strength", "aria-label": T("strength") });
    for (const k of ["unknown", "weak", "medium", "strong"]) str.append(el("option", { value: k, text: T("s_" + k) }));
    str.value = l.strength;
    str.addEventListener("change", () => act("/edit", { kind: "link", id: l.id, strength: str.value }));
    actions.push(str);
    actions.push(button((l.delay ? "☑ " : "☐ ") + T("delay"), () => act("/edit", { kind: "link", id: l.id, delay: !l.delay }), "small delay"));
    return actions;
  }
  function linkItem(ix, l) {
    const me = gmb.me && gmb.me.participant;
    const actions = [];
    if (PAGE !== "projector" && gmb.me && gmb.me.role !== "viewer") {
      actions.push(button(T("support") + " (" + l.supporters.length + ")", () => act("/links/" + encodeURIComponent(l.id) + "/opinion", { stance: "support" }),
                          l.supporters.includes(me) ? "small chosen support" : "small support"));
      actions.push(button(T("dispute") + " (" + l.disputers.length + ")", () => act("/links/" + encodeURIComponent(l.id) + "/opinion", { stance: "dispute" }),
                          l.disputers.includes(me) ? "small chosen dispute" : "small dispute"));
    }
    actions.push(...linkEditors(l));
    return el("li", { dataset: { id: l.id }, class: (l.accepted_by ? "accepted" : "proposed") + " sign" + ({ "+": "pos", "-": "neg" }[l.polarity] || "unk") },
      PAGE === "facilitator" ? pickBox("link", l) : null, el("span", { class: "label", text: linkText(ix, l) }),
      el("span", { class: "meta", text: meta(ix, l) }),
      el("span", { class: "actions" }, ...actions, ...itemButtons("link", l)));
  }
  function renderLinks(state, ix) {
    const ul = $("list-links");
    if (!ul) return;
    const specs = state.links.map((l) => ({
      key: l.id, sig: JSON.stringify([l, context(), linkText(ix, l), meta(ix, l)]), make: () => linkItem(ix, l),
    }));
    sync(ul, specs.length ? specs : [placeholder("-empty", "nothing")]);
  }
  function renderLoops(state, ix) {
    const ul = $("list-loops");
    if (!ul) return;
    const specs = state.loops.items.map((loop, i) => {
      const text = [...loop.variables, loop.variables[0]].map((id) => ix.vlabel(id)).join(" → ");
      return { key: loop.links.join(" "), sig: JSON.stringify([loop.polarity, text, lang, i]),
               make: () => el("li", { class: "loop loop" + (loop.polarity === "?" ? "U" : loop.polarity), dataset: { loop: String(i) } },
                 el("span", { class: "tag", text: loop.polarity + " · " + T(loop.polarity) }),
                 el("span", { class: "label", text })) };
    });
    if (!specs.length) specs.push(placeholder("-empty", "no_loops"));
    if (state.loops.truncated) specs.push({ key: "-more", sig: lang, make: () => el("li", { class: "muted", text: "… " + T("more_loops") }) });
    sync(ul, specs);
  }
  // ---- an idea's dose: the working group's answers (reach × intensity × persistence, lag) --------------
  const FACTORS = ["reach", "intensity", "persistence"];
  function doseText(dose) {
    if (!dose) return "";
    const given = FACTORS.filter((f) => dose[f]);
    const num = (a) => a.nominal + (a.low !== undefined && a.high !== undefined && a.high > a.low ? " [" + a.low + "–" + a.high + "]" : "");
    let text = given.map((f) => T("dose_" + f + "_short") + " " + num(dose[f])).join(" × ");
    if (given.length) text = "d = " + text + " = " + +given.reduce((p, f) => p * dose[f].nominal, 1).toPrecision(3);
    if (dose.lag !== undefined) text += (text ? " · " : "") + T("dose_lag_short") + " " + dose.lag;
    return text;
  }
  function openDose(idea) {
    const dlg = $("dose");
    if (!dlg) return;
    dlg.dataset.idea = idea.id;
    $("dose-idea").textContent = label(idea);
    const dose = idea.dose || {};
    for (const f of FACTORS) for (const part of ["low", "nominal", "high"]) {
      const v = (dose[f] || {})[part];
      $("dose-" + f + "-" + part).value = v === undefined || v === null ? "" : String(v);
    }
    $("dose-lag").value = dose.lag === undefined || dose.lag === null ? "" : String(dose.lag);
    $("dose-note").value = dose.note || "";
    dlg.showModal();
  }
  function doseBody() {
    const body = {};
    const read = (id) => { const t = $(id).value.trim(); return t === "" ? null : Number(t); };
    for (const f of FACTORS) {
      const nominal = read("dose-" + f + "-nominal"), low = read("dose-" + f + "-low"), high = read("dose-" + f + "-high");
      if (nominal === null) continue;
      body[f] = { nominal };
      if (low !== null) body[f].low = low;
      if (high !== null) body[f].high = high;
    }
    const lag = read("dose-lag");
    if (lag !== null) body.lag = lag;
    const note = $("dose-note").value.trim();
    if (note) body.note = note;
    return body;
  }
  function ideaItem(ix, idea, targets) {
    const me = gmb.me && gmb.me.participant;
    const actions = [];
    if (PAGE !== "projector" && gmb.me && gmb.me.role !== "viewer") {
      const voted = idea.votes.includes(me);
      actions.push(button(voted ? T("unvote") : T("vote"), () => act("/ideas/" + encodeURIComponent(idea.id) + (voted ? "/unvote" : "/vote")),
                          voted ? "small chosen vote" : "small vote"));
      if ($("dose")) actions.push(button(T("dose"), () => openDose(idea), "small dose"));
    }
    return el("li", { dataset: { id: idea.id }, class: idea.accepted_by ? "accepted" : "proposed" },
      pickBox("idea", idea), el("span", { class: "votes", text: String(idea.votes.length) }),
      el("span", { class: "label", text: label(idea) }),
      targets ? el("span", { class: "meta", text: targets }) : null,
      idea.dose ? el("span", { class: "meta dose", text: doseText(idea.dose) }) : null,
      PAGE === "projector" ? null : el("span", { class: "meta", text: meta(ix, idea) }),
      el("span", { class: "actions" }, ...actions, ...(PAGE === "projector" ? [] : itemButtons("idea", idea))));
  }
  function renderIdeas(state, ix) {
    const ul = $("list-ideas");
    if (!ul) return;
    const ideas = [...state.ideas].sort((a, b) => b.votes.length - a.votes.length || a.id.localeCompare(b.id));
    const specs = ideas.map((idea) => {
      const targets = idea.targets.map((t) => (t.direction === "+" ? T("increase") : T("decrease")) + " " + ix.vlabel(t.variable)).join(", ");
      return { key: idea.id, sig: JSON.stringify([idea, context(), targets, meta(ix, idea)]), make: () => ideaItem(ix, idea, targets) };
    });
    sync(ul, specs.length ? specs : [placeholder("-empty", "nothing")]);
  }
  function renderActivity(state, ix) {
    const ol = $("list-activity");
    if (!ol) return;
    const vars = ix.vars;
    const links = new Map(state.links.map((l) => [l.id, l]));
    const ideas = new Map(state.ideas.map((i) => [i.id, i]));
    const limit = PAGE === "projector" ? 6 : 25;
    sync(ol, state.recent.slice(0, limit).map((ev) => {
      let what = "";
      if (ev.kind === "variable") what = vars.has(ev.id) ? label(vars.get(ev.id)) : ev.id;
      else if (ev.kind === "link") what = links.has(ev.id) ? linkText(ix, links.get(ev.id)) : ev.id;
      else if (ev.kind === "idea") what = ideas.has(ev.id) ? label(ideas.get(ev.id)) : ev.id;
      else if (ev.kind === "participant") what = ix.pname(ev.id);
      else if (ev.kind) what = ev.id || "";
      const kind = ev.kind ? T("kind_" + ev.kind) + " " : "";
      const accepted = ev.op === "update" && ev.changes && ev.changes.length === 1 && ev.changes[0] === "accepted_by";
      const text = time(ev.at) + " " + ix.pname(ev.by) + " " + T(accepted ? "op_accept" : "op_" + ev.op) + " " + kind +
                   (what ? "“" + what + "”" : "") + (ev.changes && ev.changes.length && !accepted ? " (" + ev.changes.join(", ") + ")" : "");
      return { key: String(ev.seq), sig: text, make: () => el("li", { text }) };
    }));
  }
  function renderHeader(state) {
    const title = $("title");
    if (title) title.textContent = state.title;
    document.title = "gmb — " + state.title;
    const badge = $("stage");
    if (badge) {
      const current = state.stages.find((s) => s.id === state.stage);
      badge.textContent = current ? current.title : T("closed");
    }
    const who = $("whoami");
    if (who && gmb.me && gmb.me.name) who.textContent = gmb.me.name;
    const code = $("join-code");
    if (code) code.textContent = state.join_code || "";
    const url = $("join-url");
    if (url) url.textContent = location.host;
  }
  function renderStages(state) {
    const box = $("stages");
    if (!box) return;
    box.replaceChildren(...state.stages.map((s) => button(
      s.title + (s.id === state.stage ? " ◀ " + T("stage_now") : s.locked ? " 🔒" : ""),
      () => { if (s.id !== state.stage) act("/stage", { stage: s.id }); },
      s.id === state.stage ? "stage current" : "stage")));
    const lock = $("btn-lock");
    if (lock) {
      lock.textContent = state.stage ? T("lock") + " " + state.stage : T("closed");
      lock.disabled = !state.stage;
    }
    // Closed (every stage locked): a banner on every page; the facilitator can reopen the last stage.
    const banner = $("closed-banner");
    if (banner) banner.hidden = !!state.stage;
    const reopen = $("btn-reopen");
    if (reopen) reopen.hidden = !!state.stage || !facilitator();
    const waiting = state.variables.concat(state.links, state.ideas).filter((x) => !x.accepted_by).length;
    const all = $("btn-accept-all");
    if (all) { all.textContent = T("accept_all") + " (" + waiting + ")"; all.disabled = !waiting; }
    const undo = $("btn-undo");
    if (undo) undo.disabled = !state.recent.some((e) => ["add", "update", "remove"].includes(e.op));
  }
  function renderMine(state, ix) {
    const ul = $("list-mine");
    if (!ul || !gmb.me) return;
    const me = gmb.me.participant;
    const specs = [];
    for (const [kind, list] of [["variable", state.variables], ["link", state.links], ["idea", state.ideas]]) {
      for (const item of list) {
        if (item.proposed_by !== me) continue;
        const text = kind === "link" ? linkText(ix, item) : label(item);
        specs.push({ key: kind + ":" + item.id, sig: JSON.stringify([item, context(), text]),
          make: () => el("li", { dataset: { id: item.id, kind }, class: item.accepted_by ? "accepted" : "proposed" },
            el("span", { class: "tag", text: T("kind_" + kind) }), el("span", { class: "label", text }),
            el("span", { class: "meta", text: item.accepted_by ? "✓ " + T("accepted") : T("proposed") }),
            el("span", { class: "actions" }, ...(kind === "link" ? linkEditors(item) : []), ...itemButtons(kind, item))) });
      }
    }
    for (const r of state.rejected || []) {
      if (r.proposed_by !== me) continue;
      const text = r.kind === "link" ? ix.vlabel(r.cause) + " → " + ix.vlabel(r.effect)
        : (r.labels && (r.labels[lang] || Object.values(r.labels)[0])) || r.id;
      specs.push({ key: "rejected:" + r.seq, sig: JSON.stringify([r, context()]),
        make: () => el("li", { dataset: { id: r.id, kind: r.kind }, class: "rejected" },
          el("span", { class: "tag", text: T("kind_" + r.kind) }), el("span", { class: "label", text }),
          el("span", { class: "meta reason", text: "✗ " + T("rejected") + ": " + r.reason })) });
    }
    sync(ul, specs.length ? specs : [placeholder("-empty", "nothing")]);
  }
  // ---- projector: the side panel shows one page at a time (loops one by one with the path lit up) ------
  function highlightLoop(loop) {
    if (!gmb.network) return;
    gmb.shownLoop = loop;
    if (!loop) { gmb.network.unselectAll(); return; }
    gmb.network.setSelection({ nodes: loop.variables, edges: loop.links || [] }, { highlightEdges: false });
    zoomTo(loop.variables);
  }
  function zoomTo(ids) {
    // Fit the view to the shown loop's (or idea's) variables, with room around them; a map still settling waits.
    const net = gmb.network;
    const there = ids.filter((id) => gmb.nodes.get(id));
    if (!net || !there.length) return;
    const key = there.join(" ");
    if (gmb.zoomed === key && gmb.zoomedAt === gmb.settledAt) return;
    gmb.zoomed = key; gmb.zoomedAt = gmb.settledAt;
    // At most twice the size the labels are drawn at: a short loop should not fill the wall with two boxes.
    net.fit({ nodes: there, animation: false, maxZoomLevel: 2 });
    net.moveTo({ scale: net.getScale() * 0.9, animation: false });  // a margin, so every box is wholly in view
  }
  function followFacilitator(state) {
    // The facilitator chose what the side panel shows ("auto": it pages by itself every 12 s).
    const want = state.projector || { panel: "auto" };
    if (PAGE !== "projector" || want.panel === "auto") return;
    if (gmb.followed === want.n) return;
    gmb.followed = want.n;
    for (const p of document.querySelectorAll(".side [data-panel]")) p.hidden = p.dataset.panel !== want.panel;
    gmb.loopIndex = want.loop || 0;
    if (want.panel !== "loops") { highlightLoop(null); fitReadable(); gmb.zoomed = null; }
  }
  function renderProjectorControls(state) {
    const box = $("projector-controls");
    if (!box) return;
    const now = state.projector || { panel: "auto", loop: 0 };
    const n = state.loops.items.length;
    for (const b of box.querySelectorAll("[data-panel-choice]")) b.classList.toggle("chosen", b.dataset.panelChoice === now.panel);
    const at = $("projector-loop");
    if (at) at.textContent = n ? T("loop_n", { i: (now.loop % n) + 1, n }) : T("no_loops");
  }
  function renderPanel(state, ix) {
    followFacilitator(state);
    const box = $("panel-loop");
    if (!box) return;
    const loops = state.loops.items;
    const i = loops.length ? (gmb.loopIndex || 0) % loops.length : 0;
    const loop = loops[i];
    $("panel-loop-count").textContent = loops.length ? (i + 1) + " / " + loops.length : "";
    box.replaceChildren(loop
      ? el("div", { class: "loop loop" + (loop.polarity === "?" ? "U" : loop.polarity) },
          el("span", { class: "tag", text: loop.polarity + " · " + T(loop.polarity) }),
          el("p", { class: "label", text: [...loop.variables, loop.variables[0]].map((id) => ix.vlabel(id)).join(" → ") }))
      : el("p", { class: "muted", text: T("no_loops") }));
    if (document.querySelector(".side [data-panel='loops']:not([hidden])")) highlightLoop(loop);
  }
  function cyclePanel() {
    if (gmb.state && gmb.state.projector && gmb.state.projector.panel !== "auto") return;  // the facilitator leads
    const pages = [...document.querySelectorAll(".side [data-panel]")];
    if (!pages.length) return;
    gmb.panel = ((gmb.panel === undefined ? -1 : gmb.panel) + 1) % pages.length;
    const name = pages[gmb.panel].dataset.panel;
    pages.forEach((p) => { p.hidden = p.dataset.panel !== name; });
    if (name === "loops") { gmb.loopIndex = (gmb.loopIndex === undefined ? 0 : gmb.loopIndex + 1); }
    else highlightLoop(null);
    if (gmb.state) renderPanel(gmb.state, index(gmb.state));
  }
  function renderForms(state, ix) {
    const options = state.variables.map((v) => [v.id, label(v)]);
    fillSelect($("link-cause"), options, T("choose"));
    fillSelect($("link-effect"), options, T("choose"));
    for (const sel of document.querySelectorAll(".idea-target")) fillSelect(sel, options, T("no_target"));
    fillSelect($("merge-keep"), options, T("choose"));
    fillSelect($("merge-dup"), options, T("choose"));
    const participants = $("list-participants");
    if (participants) {
      sync(participants, state.participants.map((p) => {
        const text = p.name + (p.role !== "participant" ? " (" + p.role + ")" : "");
        return { key: p.id, sig: text, make: () => el("li", { text }) };
      }));
    }
    const counts = $("counts");
    if (counts) counts.textContent = T("counts", { v: state.variables.length, l: state.links.length, p: state.loops.items.length + (state.loops.truncated ? "+" : ""), i: state.ideas.length });
  }
  function render(state) {
    const ix = index(state);
    renderHeader(state);
    renderStages(state);
    renderForms(state, ix);
    drawMap(state, ix);
    renderVariables(state, ix);
    renderLinks(state, ix);
    renderLoops(state, ix);
    renderIdeas(state, ix);
    renderActivity(state, ix);
    renderMine(state, ix);
    renderPanel(state, ix);
    renderProjectorControls(state);
    renderPicked();
    if (window.GmbLiveTravel) window.GmbLiveTravel.render(state);  // issue 15: watch it travel (travel.js)
  }

  // ---- live updates ------------------------------------------------------------------------------------
  // The page fetches the whole state once; after that the stream sends small patches (the items that
  // changed), built once on the server for every page. A page that missed some is told to fetch again.
  let inFlight = false, again = false, drawPending = false;
  function show(state) {
    // issue 15 stories: the facilitator started a story; the projector plays it on /s (and comes back when it stops)
    if (PAGE === "projector" && state.story && state.story.id) { location.assign("/s"); return; }
    gmb.state = state;
    gmb.refreshes += 1;
    if (drawPending) return;
    drawPending = true;
    // Draw at most once a frame, however many patches arrive (a hidden tab still draws, a little later).
    // gmb.drawn: which state the page shows (tests wait for it to catch up with gmb.refreshes)
    const draw = () => { drawPending = false; render(gmb.state); gmb.drawn = gmb.refreshes; };
    if (document.hidden) setTimeout(draw, 0); else requestAnimationFrame(draw);
  }
  async function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    try {
      const state = await api("GET", S("/state"));
      if (!gmb.state || state.version >= gmb.state.version) show(state);
    } catch (err) {
      if (err.status === 401 || err.status === 403) { toast(T("no_key"), true); }
    } finally {
      inFlight = false;
      if (again) { again = false; refresh(); }
    }
  }
  function applyPatch(p) {
    const s = gmb.state;
    if (!s || p.from !== s.version) return false;
    const next = Object.assign({}, s, p.top || {});
    for (const kind of ["variables", "links", "ideas"]) {
      const up = (p.set || {})[kind], del = (p.del || {})[kind];
      if (!up && !del) continue;
      const gone = new Set(del || []);
      const list = next[kind].filter((x) => !gone.has(x.id));
      const at = new Map(list.map((x, i) => [x.id, i]));
      for (const item of up || []) {
        if (at.has(item.id)) list[at.get(item.id)] = item;
        else { at.set(item.id, list.length); list.push(item); }
      }
      next[kind] = list;
    }
    if (p.recent) next.recent = p.recent.concat(s.recent || []).slice(0, 40);
    next.version = p.to; next.seq = p.seq;
    show(next);
    return true;
  }
  function setLive(ok) {
    const box = $("live");
    if (box) { box.textContent = ok ? T("live") : T("offline"); box.className = ok ? "live on" : "live off"; }
  }
  async function stream() {
    // EventSource cannot send a header, so read the server-sent events with fetch.
    for (;;) {
      try {
        const from = gmb.state ? "?from=" + gmb.state.version : "";
        const res = await fetch(S("/stream") + from, { headers: { Authorization: "Bearer " + key(), Accept: "text/event-stream" },
                                                       cache: "no-store", credentials: "omit" });
        if (res.status === 401 || res.status === 403) { setLive(false); toast(T("no_key"), true); return; }
        if (!res.ok || !res.body) throw new Error("stream " + res.status);
        setLive(true);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const ev = (/^event: (\w+)$/m.exec(block) || [])[1];
            const data = (/^data: (.*)$/m.exec(block) || [])[1];
            if (ev === "patch") {
              const p = JSON.parse(data);
              if (gmb.state && p.to > gmb.state.version && !applyPatch(p)) refresh();
            } else if (ev === "reset" || (ev === "hello" && (!gmb.state || Number(data) < gmb.state.version))) refresh();
          }
        }
      } catch (err) { /* fall through to reconnect */ }
      setLive(false);
      await new Promise((r) => setTimeout(r, 1000));
      await refresh();
    }
  }

  // ---- forms -------------------------------------------------------------------------------------------
  function wireForms() {
    const fv = $("form-var");
    if (fv) fv.addEventListener("submit", async (e) => {
      e.preventDefault();
      const input = $("var-label"), desc = $("var-description");
      const body = { label: input.value, lang };
      if (desc && desc.value.trim()) body.description = desc.value.trim();
      if (await act("/variables", body)) { input.value = ""; if (desc) desc.value = ""; }
    });
    const fl = $("form-link");
    if (fl) fl.addEventListener("submit", async (e) => {
      e.preventDefault();
      const cause = $("link-cause").value, effect = $("link-effect").value;
      if (!cause || !effect) { toast(T("pick_both"), true); return; }
      if (cause === effect) { toast(T("same_variable"), true); return; }
      const polarity = (fl.querySelector("input[name=polarity]:checked") || {}).value || "?";
      const ok = await act("/links", { cause, effect, polarity, delay: $("link-delay").checked, strength: $("link-strength").value });
      if (ok) { setPick("link-cause", ""); setPick("link-effect", ""); $("link-delay").checked = false; }
    });
    const fi = $("form-idea");
    if (fi) fi.addEventListener("submit", async (e) => {
      e.preventDefault();
      // Several targets: one row per variable the idea acts on (a repeated variable counts once).
      const targets = [], seen = new Set();
      for (const row of document.querySelectorAll("#idea-targets .target-row")) {
        const variable = row.querySelector(".idea-target").value;
        if (variable && !seen.has(variable)) { seen.add(variable); targets.push({ variable, direction: row.querySelector(".idea-direction").value }); }
      }
      if (await act("/ideas", { label: $("idea-label").value, lang, targets })) {
        $("idea-label").value = "";
        const rows = document.querySelectorAll("#idea-targets .target-row");
        rows.forEach((row, i) => { if (i > 0) row.remove(); else row.querySelector(".idea-target").value = ""; });
      }
    });
    const more = $("btn-more-target");
    if (more) more.addEventListener("click", () => {
      const first = document.querySelector("#idea-targets .target-row");
      const row = first.cloneNode(true);
      for (const sel of row.querySelectorAll("select")) { sel.removeAttribute("id"); sel.dataset.sig = ""; }
      $("idea-targets").append(row);
      if (gmb.state) fillSelect(row.querySelector(".idea-target"), gmb.state.variables.map((v) => [v.id, label(v)]), T("no_target"));
      row.querySelector(".idea-target").value = "";
    });
    const fd = $("form-dose");
    if (fd) {
      fd.addEventListener("submit", async (e) => {
        e.preventDefault();
        const id = $("dose").dataset.idea;
        if (await act("/ideas/" + encodeURIComponent(id) + "/dose", doseBody())) $("dose").close();
      });
      $("dose-close").addEventListener("click", () => $("dose").close());
    }
    const fm = $("form-merge");
    if (fm) fm.addEventListener("submit", (e) => {
      e.preventDefault();
      const keep = $("merge-keep").value, dup = $("merge-dup").value;
      const ix = index(gmb.state);
      if (confirm(T("confirm_merge", { dup: ix.vlabel(dup), keep: ix.vlabel(keep) }))) act("/merge", { keep, duplicate: dup });
    });
    const sel = $("btn-accept-selected");
    if (sel) sel.addEventListener("click", async () => {
      const items = [...picked].map((k) => { const i = k.indexOf(":"); return { kind: k.slice(0, i), id: k.slice(i + 1) }; });
      if (items.length && await act("/accept-all", { items })) { picked.clear(); renderPicked(); }
    });
    const pc = $("projector-controls");
    if (pc) pc.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (!b || !gmb.state) return;
      const now = gmb.state.projector || { panel: "auto", loop: 0 };
      const n = Math.max(1, gmb.state.loops.items.length);
      if (b.dataset.panelChoice) act("/projector", { panel: b.dataset.panelChoice });
      else if (b.dataset.step) act("/projector", { panel: "loops", loop: ((now.loop || 0) + Number(b.dataset.step) + n) % n });
    });
    const loopList = $("list-loops");
    if (loopList) loopList.addEventListener("click", (e) => {  // a loop clicked in the list: lit up and zoomed to
      const li = e.target.closest("li[data-loop]");
      if (!li || !gmb.state) return;
      const loop = gmb.state.loops.items[Number(li.dataset.loop)];
      if (loop) { gmb.zoomed = null; highlightLoop(loop); }
    });
    const ideaList = $("list-ideas");
    if (ideaList && PAGE === "facilitator") ideaList.addEventListener("click", (e) => {  // an idea's name: its path lit up
      const li = e.target.closest(".label") && e.target.closest("li[data-id]");
      const idea = li && gmb.state && gmb.state.ideas.find((x) => x.id === li.dataset.id);
      if (idea && idea.targets.length) { gmb.zoomed = null; highlightLoop({ variables: idea.targets.map((t) => t.variable), links: [] }); }
    });
    const all = $("btn-accept-all");
    if (all) all.addEventListener("click", () => { if (confirm(all.textContent + "?")) act("/accept-all", {}); });
    const undo = $("btn-undo");
    if (undo) undo.addEventListener("click", () => act("/undo", {}));
    const reopen = $("btn-reopen");
    if (reopen) reopen.addEventListener("click", () => act("/lock", { stage: "W3", locked: false }));
    const draw = $("btn-draw");
    if (draw) draw.addEventListener("click", () => { if (gmb.network) { gmb.network.addEdgeMode(); toast(T("draw_hint")); } });
    wirePicker("link-cause");
    wirePicker("link-effect");
    wireTabs();
    const lock = $("btn-lock");
    if (lock) lock.addEventListener("click", () => { if (gmb.state.stage) act("/lock", { stage: gmb.state.stage, locked: true }); });
    const proj = $("btn-projector");
    if (proj) proj.addEventListener("click", async () => {
      try {
        const out = await api("POST", S("/keys"), { role: "viewer" });
        window.open(out.link, "_blank", "noopener");
      } catch (err) { fail(err); }
    });
    const keysBtn = $("btn-keys");
    if (keysBtn) keysBtn.addEventListener("click", async () => {
      const panel = $("keys-panel");
      panel.hidden = !panel.hidden;
      if (!panel.hidden) await showKeys();
    });
    const codeBtn = $("btn-code");
    if (codeBtn) codeBtn.addEventListener("click", async () => {
      if (!confirm(T("confirm_code"))) return;
      try {
        const out = await api("POST", S("/join-code"), { length: 8 });
        toast(T("join_code") + ": " + out.join_code);
        await refresh();
      } catch (err) { fail(err); }
    });
    const exp = $("btn-export");
    if (exp) exp.addEventListener("click", async () => {
      try {
        const res = await fetch(S("/export"), { headers: { Authorization: "Bearer " + key() }, credentials: "omit" });
        if (!res.ok) throw new Error((await res.json()).error);
        const url = URL.createObjectURL(await res.blob());
        const a = el("a", { href: url, download: sid() + ".json" });
        document.body.append(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 5000);
      } catch (err) { toast(String(err.message || err), true); }
    });
  }

  // ---- keys (facilitator): revoke a shared link, or hand its owner a new one ----------------------------
  async function showKeys() {
    const list = $("list-keys");
    let out;
    try { out = await api("GET", S("/keys")); } catch (err) { fail(err); return; }
    list.replaceChildren();
    for (const k of out.keys) {
      const who = k.name || T("role_" + k.role);
      const revoke = el("button", { type: "button", text: T("revoke"), on: { click: async () => {
        if (!confirm(T("confirm_revoke", { role: T("role_" + k.role), who }))) return;
        try { await api("POST", S("/keys/revoke"), { key_id: k.id }); toast(T("revoked")); await showKeys(); }
        catch (err) { fail(err); }
      } } });
      const rotate = el("button", { type: "button", text: T("rotate"), on: { click: async () => {
        try {
          const made = await api("POST", S("/keys/rotate"), { key_id: k.id });
          const link = location.origin + made.link;
          if (k.current) { sessionStorage.setItem(KEY, made.key); }
          window.prompt(T("new_link", { link: "" }), link);
          await showKeys();
        } catch (err) { fail(err); }
      } } });
      list.append(el("li", { dataset: { key: k.id } }, el("span", { text: who + " · " + T("role_" + k.role) + " · " + k.created_at }),
                     k.current ? el("em", { text: " " + T("this_key") }) : revoke, rotate));
    }
  }

  // ---- pages ---------------------------------------------------------------------------------------------
  async function startSessionPage() {
    if (!key()) { toast(T("no_key"), true); return; }
    try {
      gmb.me = await api("GET", "/api/me");
    } catch (err) { toast(T("no_key"), true); return; }
    const wanted = { facilitator: "facilitator", participant: "participant", projector: null }[PAGE];
    if (wanted && gmb.me.role !== wanted) { toast(T("wrong_page"), true); }
    wireForms();
    // for travel.js (watch it travel): the page's words, language, writes and messages
    Object.assign(gmb, { T, lang: () => lang, act, fail, toast, key, S });
    gmb.cyclePanel = cyclePanel;  // the side panel's pages: loops (one at a time), idea bank, activity
    if (PAGE === "projector") { setInterval(cyclePanel, 12000); setTimeout(cyclePanel, 0); }
    await refresh();
    stream();
    setInterval(refresh, 20000);  // a safety net if a stream message is ever missed
  }
  async function startJoin() {
    if (fromLink.code) $("join-code").value = fromLink.code;
    $("form-join").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const out = await api("POST", "/api/join", { code: $("join-code").value, name: $("join-name").value }, "");
        sessionStorage.setItem(KEY, out.key);
        location.assign("/p");
      } catch (err) { fail(err); }
    });
  }
  async function startNew() {
    $("form-new").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const out = await api("POST", "/api/sessions", {
          title: $("new-title").value, focus: $("new-focus").value,
          facilitator_name: $("new-facilitator").value || "Facilitator", languages: lang === "da" ? ["da", "en"] : ["en", "da"],
        }, sessionStorage.getItem("gmb.admin") || "");
        const link = location.origin + out.links.facilitator;
        $("new-link").textContent = link;
        $("new-code").textContent = out.join_code;
        $("new-open").href = out.links.facilitator;
        $("new-result").hidden = false;
      } catch (err) { fail(err); }
    });
  }

  async function boot() {
    try {
      const config = await api("GET", "/api/config", undefined, "");
      if (!localStorage.getItem("gmb.lang") && config.lang) lang = config.lang;
    } catch (err) { /* keep the default */ }
    translatePage();
    if (PAGE === "join") return startJoin();
    if (PAGE === "new") return startNew();
    return startSessionPage();
  }
  boot();
})();
