/* gmb serve — the story page (/s). With the facilitator's key: build a story (steps from the map:
 * variables, a loop or an idea's path, captions in Danish and English, an optional what-if), reorder,
 * delete, preview; every save is an event in the session's log. Start it on the projector and step
 * through it (← → or the buttons, e.g. on a phone). With the projector's key: play the story the
 * facilitator started, following the live feed; ← → step through it there too.
 * User text (captions, titles, labels) only ever goes through textContent: text, never markup.
 */
"use strict";
(function () {
  const W = {
    en: { pick: "Story", fresh: "— a new story —", id: "Name (letters, digits, - or _)", title_da: "Title (Danish)",
      title_en: "Title (English)", save: "Save story", del: "Delete story", steps: "Steps", step: "Step",
      s_title_da: "Step title (Danish)", s_title_en: "Step title (English)", cap_da: "Caption (Danish)",
      cap_en: "Caption (English)", vars: "Variables shown (or click them on the map)", loop: "Highlight a loop",
      path: "Highlight an idea's path to the outcome", none: "— none —", wi: "Show a what-if (fan chart and effects)",
      dose: "dose ×", lag: "later by", add: "Add as a new step", update: "Save this step", clear: "Clear",
      play: "Play on the projector", stop: "Stop", playing: "On the projector: {id}, step {n} of {m}",
      idle: "Nothing is playing on the projector.", saved: "Saved (event {seq})", up: "Move up", down: "Move down",
      remove: "Delete step", edit: "Edit", preview: "Preview", back: "Back to the facilitator page",
      wait: "Waiting for the facilitator to start a story…", no_key: "This page needs your facilitator or projector link.",
      confirm: "Delete the story '{id}'?", live: "live", offline: "offline", err: "Not saved:", wi_short: "what-if", kept: "(as saved)",
      auto: "Draft from the analysis", export: "Download for offline", drafted: "Drafted '{id}' (event {seq})", pick_first: "Save or pick a story first." },
    da: { pick: "Fortælling", fresh: "— en ny fortælling —", id: "Navn (bogstaver, tal, - eller _)", title_da: "Titel (dansk)",
      title_en: "Titel (engelsk)", save: "Gem fortælling", del: "Slet fortælling", steps: "Trin", step: "Trin",
      s_title_da: "Trinets titel (dansk)", s_title_en: "Trinets titel (engelsk)", cap_da: "Billedtekst (dansk)",
      cap_en: "Billedtekst (engelsk)", vars: "Viste variabler (eller klik på dem på kortet)", loop: "Fremhæv en løkke",
      path: "Fremhæv en idés vej til udfaldet", none: "— ingen —", wi: "Vis et hvad-nu-hvis (viftediagram og effekter)",
      dose: "dosis ×", lag: "senere med", add: "Tilføj som nyt trin", update: "Gem dette trin", clear: "Ryd",
      play: "Vis på projektoren", stop: "Stop", playing: "På projektoren: {id}, trin {n} af {m}",
      idle: "Projektoren viser ingen fortælling.", saved: "Gemt (hændelse {seq})", up: "Flyt op", down: "Flyt ned",
      remove: "Slet trin", edit: "Ret", preview: "Forhåndsvis", back: "Tilbage til facilitatorsiden",
      wait: "Venter på at facilitatoren starter en fortælling…", no_key: "Siden kræver dit facilitator- eller projektorlink.",
      confirm: "Slet fortællingen '{id}'?", live: "direkte", offline: "afbrudt", err: "Ikke gemt:", wi_short: "hvad-nu-hvis", kept: "(som gemt)",
      auto: "Lav udkast ud fra analysen", export: "Hent til offline brug", drafted: "Udkast '{id}' lavet (hændelse {seq})", pick_first: "Gem eller vælg en fortælling først." }
  };
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("key")) sessionStorage.setItem("gmb.key", params.get("key"));
  if (location.hash) history.replaceState(null, "", location.pathname);
  const key = sessionStorage.getItem("gmb.key");
  const st = (window.gmbStory = { me: null, lang: "en", map: null, stories: [], playing: { id: null, step: 0, n: 0 },
    draft: { id: "", title: {}, steps: [] }, editing: -1, player: null, mode: "edit", seq: 0, version: 0, saves: 0, shown: 0 });
  let state = null;  // the session's state view (variables, links, ideas, loops)
  const $ = (id) => document.getElementById(id);
  function T(k, vars) {
    let s = (W[st.lang] || W.en)[k] || W.en[k] || k;
    for (const [a, b] of Object.entries(vars || {})) s = s.split("{" + a + "}").join(String(b));
    return s;
  }
  function opt(value, text) { const o = document.createElement("option"); o.value = value; o.text = text; return o; }
  function button(text, fn, cls) {
    const b = document.createElement("button"); b.type = "button"; b.textContent = text; b.className = cls || "small";
    b.addEventListener("click", fn); return b;
  }
  function error(text) { const e = $("st-error"); e.textContent = text || ""; e.hidden = !text; }
  async function api(method, path, body) {
    const r = await fetch(path, { method, cache: "no-store", credentials: "omit",
      headers: { Authorization: "Bearer " + key, "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
    if (!r.ok) { const err = new Error((data && data.error) || String(r.status)); err.status = r.status; throw err; }
    return data;
  }
  const S = (path) => "/api/s/" + encodeURIComponent(st.me.session) + path;
  function label(v) { return (v.labels && (v.labels[st.lang] || Object.values(v.labels)[0])) || v.id; }
  function pick(labels) { return (labels && (labels[st.lang] || Object.values(labels).find(Boolean))) || ""; }

  // ---- the player (shared with the offline export: story_play.js) ------------------------------------
  function makePlayer(steps) {
    if (st.player) st.player.network.destroy();
    st.player = GmbStory.player({ map: st.map, steps, lang: st.lang,
      ids: { network: "st-map", title: "st-step-title", caption: "st-caption", count: "st-count", chart: "st-chart",
             fan: "st-fan", effects: "st-effects" },
      whatif: (step) => api("POST", S("/whatif"), Object.assign({}, step.whatif, { preview: false })),
      onShow: () => { st.shown += 1; st.shownAt = Date.now(); } });
    st.player.network.once("stabilizationIterationsDone", () => st.player.network.setOptions({ physics: false }));
    st.player.network.on("click", (e) => { if (st.mode === "edit" && e.nodes.length) toggleVar(e.nodes[0]); });
    return st.player;
  }
  function toStep(s) {
    const nodes = [...new Set([...(s.variables || []), ...(s.loop || []), ...(s.path || [])])];
    return { title: pick(s.title), caption: pick(s.captions), nodes, edges: s.links || [], whatif: s.whatif || null, result: null };
  }

  // ---- editor ---------------------------------------------------------------------------------------
  function fillPick() {
    const pickBox = $("st-pick"), cur = st.draft.id;
    pickBox.replaceChildren(opt("", T("fresh")), ...st.stories.map((p) => opt(p.id, p.id + " — " + pick(p.title))));
    pickBox.value = st.stories.some((p) => p.id === cur) ? cur : "";
    $("st-new").hidden = pickBox.value !== "";
  }
  function buildLists() {  // once: the step form's lists of variables, loops and ideas
    const vars = $("st-vars");
    vars.replaceChildren(...state.variables.map((v) => {
      const l = document.createElement("label"), c = document.createElement("input");
      c.type = "checkbox"; c.value = v.id; c.dataset.var = v.id;
      const span = document.createElement("span"); span.textContent = label(v);
      l.append(c, span); return l;
    }));
    const loops = (state.loops && state.loops.items) || [];
    const byId = new Map(state.variables.map((v) => [v.id, v]));
    $("st-loop").replaceChildren(opt("", T("none")), ...loops.map((lp, i) =>
      opt(String(i), lp.polarity + (i + 1) + ": " + lp.variables.map((x) => label(byId.get(x) || { id: x })).join(" → "))));
    $("st-path").replaceChildren(opt("", T("none")), ...state.ideas.map((i) => opt(i.id, label(i))));
    $("st-wi-ideas").replaceChildren(...state.ideas.map((i) => {
      const row = document.createElement("label"), on = document.createElement("input");
      on.type = "checkbox"; on.dataset.idea = i.id; on.className = "wi-on";
      const name = document.createElement("span"); name.textContent = label(i);
      const dose = document.createElement("input"); dose.type = "number"; dose.min = 0; dose.max = 3; dose.step = 0.1; dose.value = 1;
      dose.className = "wi-dose"; dose.title = T("dose"); dose.style.width = "4.5em";
      const lag = document.createElement("input"); lag.type = "number"; lag.min = 0; lag.step = 1; lag.value = 0;
      lag.className = "wi-lag"; lag.title = T("lag"); lag.style.width = "4.5em";
      row.append(on, name, document.createTextNode(T("dose")), dose, document.createTextNode(T("lag")), lag);
      return row;
    }));
  }
  function renderDraft() {
    const list = $("st-steps"), n = st.draft.steps.length;
    list.replaceChildren(...st.draft.steps.map((s, i) => {
      const li = document.createElement("li"), span = document.createElement("span");
      span.textContent = (pick(s.title) || pick(s.captions).slice(0, 60)) + (s.whatif ? " · " + T("wi_short") : "");
      li.className = i === st.editing ? "editing" : "";
      const acts = [["edit", "✎", () => editStep(i)], ["preview", "▶", () => preview(i)], ["up", "↑", () => move(i, -1)],
                    ["down", "↓", () => move(i, 1)], ["remove", "✕", () => removeStep(i)]];
      li.append(span, ...acts.map(([act, sign, fn]) => {
        const b = button(sign, fn); b.title = T(act); b.dataset.act = act; b.setAttribute("aria-label", T(act));
        b.disabled = (act === "up" && i === 0) || (act === "down" && i === n - 1);
        return b;
      }));
      return li;
    }));
    $("st-update").hidden = st.editing < 0;
    $("st-update").textContent = T("update") + (st.editing >= 0 ? " " + (st.editing + 1) : "");
  }
  function formStep() {
    const s = { title: {}, captions: {}, variables: [], links: [], loop: [], path: [] };
    for (const [k, id] of [["da", "st-s-title-da"], ["en", "st-s-title-en"]]) if ($(id).value.trim()) s.title[k] = $(id).value.trim();
    for (const [k, id] of [["da", "st-cap-da"], ["en", "st-cap-en"]]) if ($(id).value.trim()) s.captions[k] = $(id).value.trim();
    s.variables = [...document.querySelectorAll("#st-vars input:checked")].map((c) => c.value);
    const loops = (state.loops && state.loops.items) || [];
    const lp = loops[Number($("st-loop").value)], kept = st.kept || {};
    if ($("st-loop").value === "keep") s.loop = (kept.loop || []).slice();
    else if ($("st-loop").value !== "" && lp) { s.loop = lp.variables.slice(); s.links.push(...lp.links); }
    if ($("st-path").value === "keep") s.path = (kept.path || []).slice();
    else if (st.pathFound && $("st-path").value === st.pathFound.idea) { s.path = st.pathFound.variables.slice(); s.links.push(...st.pathFound.links); }
    // a loop or path kept as saved (e.g. drafted by gmb story --auto) keeps its links along it
    const along = new Set([...s.loop, ...s.path]), byId = new Map(state.links.map((l) => [l.id, l]));
    for (const id of kept.links || []) {
      const l = byId.get(id);
      if (l && along.has(l.cause) && along.has(l.effect) && ($("st-loop").value === "keep" || $("st-path").value === "keep")) s.links.push(id);
    }
    const shown = new Set([...s.variables, ...s.loop, ...s.path]);
    for (const l of state.links) if (s.variables.includes(l.cause) && s.variables.includes(l.effect) && shown.has(l.cause)) s.links.push(l.id);
    s.links = [...new Set(s.links)];
    if ($("st-wi-on").checked) {
      const ideas = {};
      for (const c of document.querySelectorAll("#st-wi-ideas .wi-on:checked")) {
        const row = c.parentNode;
        ideas[c.dataset.idea] = { on: true, dose: Number(row.querySelector(".wi-dose").value), start: Number(row.querySelector(".wi-lag").value) };
      }
      s.whatif = { ideas, bundle: true };
    }
    return s;
  }
  function loadForm(s) {
    $("st-s-title-da").value = (s.title || {}).da || ""; $("st-s-title-en").value = (s.title || {}).en || "";
    $("st-cap-da").value = (s.captions || {}).da || ""; $("st-cap-en").value = (s.captions || {}).en || "";
    for (const c of document.querySelectorAll("#st-vars input")) c.checked = (s.variables || []).includes(c.value);
    const loops = (state.loops && state.loops.items) || [];
    const at = loops.findIndex((lp) => (s.loop || []).length && lp.variables.join() === s.loop.join());
    st.kept = { loop: s.loop || [], path: s.path || [], links: s.links || [] };
    for (const id of ["st-loop", "st-path"]) {  // "as saved": a loop or path not in the lists now
      const old = $(id).querySelector('option[value="keep"]');
      if (old) old.remove();
    }
    if (at < 0 && (s.loop || []).length) $("st-loop").append(opt("keep", T("kept")));
    if ((s.path || []).length) $("st-path").append(opt("keep", T("kept")));
    $("st-loop").value = at >= 0 ? String(at) : (s.loop || []).length ? "keep" : "";
    $("st-path").value = (s.path || []).length ? "keep" : ""; st.pathFound = null;
    $("st-wi-on").checked = !!s.whatif; $("st-wi-ideas").hidden = !s.whatif;
    for (const c of document.querySelectorAll("#st-wi-ideas .wi-on")) {
      const set = s.whatif && s.whatif.ideas[c.dataset.idea], row = c.parentNode;
      c.checked = !!set; row.querySelector(".wi-dose").value = set ? set.dose : 1; row.querySelector(".wi-lag").value = set ? set.start : 0;
    }
  }
  function previewForm() {
    if (st.mode !== "edit" || !st.player) return;
    st.previewSteps.splice(0, st.previewSteps.length, toStep(formStep()));
    st.player.show(0);
  }
  function toggleVar(id) {
    const c = document.querySelector('#st-vars input[data-var="' + CSS.escape(id) + '"]');
    if (c) { c.checked = !c.checked; previewForm(); }
  }
  function editStep(i) { st.editing = i; loadForm(st.draft.steps[i]); renderDraft(); previewForm(); }
  function preview(i) { st.previewSteps.splice(0, st.previewSteps.length, toStep(st.draft.steps[i])); st.player.show(0); }
  function move(i, d) {
    const s = st.draft.steps, j = i + d;
    if (j < 0 || j >= s.length) return;
    [s[i], s[j]] = [s[j], s[i]];
    if (st.editing === i) st.editing = j; else if (st.editing === j) st.editing = i;
    save();
  }
  function removeStep(i) {
    st.draft.steps.splice(i, 1);
    if (st.editing === i) st.editing = -1; else if (st.editing > i) st.editing -= 1;
    save();
  }
  async function save() {
    const d = st.draft;
    d.id = d.id || $("st-id").value.trim();
    d.title = {};
    if ($("st-title-da").value.trim()) d.title.da = $("st-title-da").value.trim();
    if ($("st-title-en").value.trim()) d.title.en = $("st-title-en").value.trim();
    try {
      const out = await api("POST", S("/stories"), { id: d.id, title: d.title, steps: d.steps, lang: st.lang });
      error("");
      await loadStories(true);
      $("st-playing").textContent = T("saved", { seq: out.seq });
      st.saves += 1;  // after the list is redrawn from the log: "saved" means "shown as saved"
    } catch (err) {
      error(T("err") + " " + err.message);
      const keep = st.editing;
      await loadStories(true);  // back to what the log holds
      st.editing = keep < st.draft.steps.length ? keep : -1;
      renderDraft();
    }
  }
  async function autoDraft() {  // the server drafts from the analysis (replacing an earlier draft)
    try {
      const out = await api("POST", S("/stories/auto"));
      error(""); st.draft.id = out.id; await loadStories(true);
      $("st-playing").textContent = T("drafted", { id: out.id, seq: out.seq });
    } catch (err) { error(T("err") + " " + err.message); }
  }
  async function exportStory() {  // the key travels in a header, so fetch the page and save it from a blob
    const id = st.draft.id;
    if (!id || !st.stories.some((p) => p.id === id)) { error(T("pick_first")); return; }
    try {
      const r = await fetch(S("/stories/" + encodeURIComponent(id) + "/export") + "?lang=" + st.lang,
        { cache: "no-store", credentials: "omit", headers: { Authorization: "Bearer " + key } });
      if (!r.ok) throw new Error(((await r.json().catch(() => null)) || {}).error || String(r.status));
      const name = (/filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "") || [])[1] || "story.html";
      const a = document.createElement("a"); a.href = URL.createObjectURL(await r.blob()); a.download = name;
      document.body.append(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      error("");
    } catch (err) { error(err.message); }
  }
  function choose(id) {
    const p = st.stories.find((x) => x.id === id);
    st.draft = p ? JSON.parse(JSON.stringify({ id: p.id, title: p.title, steps: p.steps })) : { id: "", title: {}, steps: [] };
    st.editing = -1;
    $("st-title-da").value = st.draft.title.da || "";
    $("st-title-en").value = st.draft.title.en || "";
    $("st-id").value = st.draft.id;
    fillPick();
    renderDraft();
  }
  async function loadStories(again) {
    // again: show the draft as the log now holds it (after a save); else only the list of stories is
    // refreshed, so someone else's change to the map does not wipe the step being written
    const data = await api("GET", S("/stories"));
    st.stories = data.presentations; st.seq = data.seq;
    if (st.me.role === "facilitator") {
      if (again) choose(st.stories.some((p) => p.id === st.draft.id) ? st.draft.id : "");
      else fillPick();
    }
    await onPlaying(data.playing);
    return data;
  }

  // ---- playing on the projector ------------------------------------------------------------------------
  async function onPlaying(playing) {
    if (!playing) return;
    const was = st.playing;
    st.playing = playing;
    const n = ((st.stories.find((p) => p.id === playing.id) || {}).steps || []).length;
    $("st-playing").textContent = playing.id ? T("playing", { id: playing.id, n: playing.step + 1, m: n || "?" }) : T("idle");
    if (st.me.role !== "viewer") return;
    if (!playing.id) { location.assign("/v"); return; }
    if (playing.id !== was.id || !st.playingSteps || was.reload) {
      const data = await api("GET", S("/stories/" + encodeURIComponent(playing.id) + "/play") + "?lang=" + st.lang);
      st.map = data.map; st.playingSteps = data.steps;
      $("st-title").textContent = data.title;
      makePlayer(st.playingSteps);
    }
    st.player.show(playing.step);
    document.body.dataset.step = String(st.player.current());
  }
  async function go(delta) {
    const p = st.playing;
    if (!p.id) return;
    const next = Math.max(0, p.step + delta);
    if (st.me.role === "viewer" && st.player) st.player.show(next);  // at once here; the feed tells the others
    try { onPlaying(await api("POST", S("/stories/play"), { story: p.id, step: next })); } catch (err) { error(err.message); }
  }
  async function start() {
    const id = st.draft.id;
    if (!id) return;
    try { onPlaying(await api("POST", S("/stories/play"), { story: id, step: 0 })); } catch (err) { error(err.message); }
  }

  // ---- live feed: the same stream the other pages read ------------------------------------------------------
  async function stream() {
    for (;;) {
      try {
        const res = await fetch(S("/stream") + (st.version ? "?from=" + st.version : ""),
          { headers: { Authorization: "Bearer " + key, Accept: "text/event-stream" }, cache: "no-store", credentials: "omit" });
        if (!res.ok || !res.body) throw new Error("stream " + res.status);
        $("st-live").textContent = T("live");
        const reader = res.body.getReader(), decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            const ev = (/^event: (\w+)$/m.exec(block) || [])[1], data = (/^data: (.*)$/m.exec(block) || [])[1];
            if (ev === "patch") {
              const p = JSON.parse(data);
              st.version = p.to;
              if (p.seq !== st.seq) { if (st.me.role === "viewer" && st.playing.id) st.playing = Object.assign({}, st.playing, { reload: true }); await loadStories(); }
              else if (p.top && p.top.story) await onPlaying(p.top.story);
            } else if (ev === "reset" || ev === "hello") { st.version = Number(data); await loadStories(); }
          }
        }
      } catch (err) { /* reconnect below */ }
      $("st-live").textContent = T("offline");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  function wire() {
    $("st-pick").addEventListener("change", (e) => choose(e.target.value));
    $("st-save").addEventListener("click", save);
    $("st-auto").addEventListener("click", autoDraft);
    $("st-export").addEventListener("click", exportStory);
    $("st-delete").addEventListener("click", async () => {
      const id = st.draft.id;
      if (!id || !st.stories.some((p) => p.id === id) || !confirm(T("confirm", { id }))) return;
      try { await api("POST", S("/stories/" + encodeURIComponent(id) + "/remove")); st.draft = { id: "", title: {}, steps: [] }; await loadStories(true); }
      catch (err) { error(err.message); }
    });
    $("st-add").addEventListener("click", () => { st.draft.steps.push(formStep()); st.editing = -1; save(); });
    $("st-update").addEventListener("click", () => { if (st.editing >= 0) { st.draft.steps[st.editing] = formStep(); save(); } });
    $("st-clear").addEventListener("click", () => { st.editing = -1; loadForm({}); renderDraft(); previewForm(); });
    $("st-wi-on").addEventListener("change", () => { $("st-wi-ideas").hidden = !$("st-wi-on").checked; });
    $("st-path").addEventListener("change", async (e) => {
      st.pathFound = null;
      if (e.target.value) {
        try { st.pathFound = await api("GET", S("/stories/path/" + encodeURIComponent(e.target.value))); } catch (err) { error(err.message); }
      }
      previewForm();
    });
    for (const id of ["st-vars", "st-loop", "st-s-title-da", "st-s-title-en", "st-cap-da", "st-cap-en"]) $(id).addEventListener("change", previewForm);
    $("st-prev").addEventListener("click", () => go(-1));
    $("st-next").addEventListener("click", () => go(1));
    $("st-play").addEventListener("click", start);
    $("st-stop").addEventListener("click", async () => { try { onPlaying(await api("POST", S("/stories/play"), { story: null })); } catch (err) { error(err.message); } });
    document.addEventListener("keydown", (ev) => {
      if (/^(INPUT|TEXTAREA|SELECT)$/.test((ev.target && ev.target.tagName) || "")) return;
      if (ev.key === "ArrowRight" || ev.key === "PageDown") { go(1); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { go(-1); ev.preventDefault(); }
    });
  }
  function translate() {
    document.documentElement.lang = st.lang;
    const text = { "l-pick": "pick", "l-id": "id", "l-title-da": "title_da", "l-title-en": "title_en", "st-save": "save",
      "st-delete": "del", "h-steps": "steps", "h-step": "step", "l-s-title-da": "s_title_da", "l-s-title-en": "s_title_en",
      "l-cap-da": "cap_da", "l-cap-en": "cap_en", "l-vars": "vars", "l-loop": "loop", "l-path": "path", "l-wi": "wi",
      "st-add": "add", "st-clear": "clear", "st-play": "play", "st-stop": "stop", "st-back": "back",
      "st-auto": "auto", "st-export": "export" };
    for (const [id, k] of Object.entries(text)) $(id).textContent = T(k);
  }

  async function main() {
    if (!key) { error(W[navigator.language.startsWith("da") ? "da" : "en"].no_key); return; }
    try { st.me = await api("GET", "/api/me"); } catch (err) { error(W.en.no_key); return; }
    state = await api("GET", S("/state"));
    const first = (state.languages || [])[0];
    st.lang = localStorage.getItem("gmb.lang") || (first === "da" || first === "en" ? first : "en");
    translate();
    $("st-title").textContent = state.title;
    wire();
    if (st.me.role === "viewer") {
      document.body.classList.add("viewer"); st.mode = "play";
      $("st-caption").textContent = T("wait");
    } else if (st.me.role === "facilitator") {
      $("st-editor").hidden = false; $("st-back").hidden = false;
      buildLists();
      st.map = await api("GET", S("/stories/map") + "?lang=" + st.lang);
      st.previewSteps = [];
      makePlayer(st.previewSteps);
    } else { error(T("no_key")); return; }
    await loadStories(true);
    document.body.dataset.ready = "1";
    stream();
  }
  main();
})();
