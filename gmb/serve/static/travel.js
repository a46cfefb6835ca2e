/* gmb serve, facilitator and projector pages: watch it travel (issue 15, item 2) on the live map.
 *
 * Loaded after visual.js, animate.js and app.js; app.js calls GmbLiveTravel.render(state) after each render.
 * - a tapped (phone: GmbVisual.sheet) or clicked (desktop: the bar under the map) variable offers "Push and
 *   play": its push is played with animate.js on this page's own map;
 * - the facilitator picks an idea and "Switch on and play"; with "also on the projector" ticked (the default)
 *   the choice goes to POST /api/s/{sid}/projector/travel and every projector plays the same (state.travel);
 * - the animation's numbers come from GET /api/s/{sid}/animate?scenario=IDEA (computed on the server, cached
 *   for the session's version); the links' signs from the session state. Nothing else is fetched.
 * Every word is in i18n.js; labels are set with textContent.
 */
(function () {
  "use strict";
  const gmb = window.gmb;
  const $ = (id) => document.getElementById(id);
  let wired = false, seenTravel = null, playing = null, picked = null;
  const cache = new Map();  // scenario@seq -> promise of the animation JSON

  function ideas(state) { return state.ideas.filter((i) => i.targets && i.targets.length); }
  function ideaLabel(idea) {
    const lang = gmb.lang();
    return (idea.labels && (idea.labels[lang] || Object.values(idea.labels)[0])) || idea.id;
  }
  function chosenIdea(state) {
    // the idea picked in the facilitator's list, else the one playing, else the first with a target
    const sel = $("travel-idea");
    if (sel && sel.value) return sel.value;
    if (playing) return playing.scenario;
    const first = ideas(state)[0];
    return first ? first.id : null;
  }
  function fetchAnim(scenario) {
    const k = scenario + "@" + gmb.state.seq;
    if (!cache.has(k)) {
      cache.clear();  // an older version's animations are stale (the server keeps them per version too)
      const url = gmb.S("/animate?scenario=" + encodeURIComponent(scenario));
      cache.set(k, fetch(url, { headers: { Authorization: "Bearer " + gmb.key() } }).then((r) => {
        if (!r.ok) return r.json().then((b) => { throw new Error((b && b.detail) || ("HTTP " + r.status)); },
                                         () => { throw new Error("HTTP " + r.status); });
        return r.json();
      }));
    }
    const p = cache.get(k);
    p.catch(() => cache.delete(k));
    return p;
  }
  function mapData(state) {
    return {
      nodes: gmb.nodes.get(),
      edges: state.links.map((l) => ({ id: l.id, from: l.cause, to: l.effect, polarity: l.polarity,
                                       width: (gmb.edges.get(l.id) || {}).width || 1.5 })),
    };
  }
  /* Play scenario's animation on this page's map, showing "idea" or "push:VAR"; true once it plays. */
  async function play(scenario, show) {
    if (!scenario) { gmb.toast(gmb.T("travel_no_idea"), true); return false; }
    if (!gmb.network) return false;
    const status = $("travel-status");
    if (status) status.textContent = gmb.T("travel_wait");
    try {
      const anim = await fetchAnim(scenario);
      const same = playing && playing.scenario === scenario && playing.anim === anim && document.getElementById("gmb-anim");
      const handle = same ? playing.handle : window.GmbAnimate.attach({
        anim, network: gmb.network, nodes: gmb.nodes, edges: gmb.edges, data: mapData(gmb.state),
        lang: gmb.lang, host: document.body,
      });
      playing = { scenario, anim, handle };
      if (!handle.show(show)) {  // a variable the model does not have (yet): say so, and play the idea
        gmb.toast(gmb.T("travel_no_push"), true);
        handle.show("idea");
      }
      handle.play();
      window.gmbTravelPlaying = scenario + " " + show;
      const stop = $("btn-travel-stop");
      if (stop) stop.hidden = false;
      return true;
    } catch (err) {
      gmb.fail(err);
      return false;
    } finally {
      if (status) status.textContent = "";
    }
  }
  function stop() {
    window.GmbAnimate.detach();
    playing = null;
    window.gmbTravelPlaying = null;
    const b = $("btn-travel-stop");
    if (b) b.hidden = true;
  }
  function toProjector() {
    const box = $("travel-projector");
    return gmb.page === "facilitator" && (!box || box.checked);
  }
  async function choose(scenario, show) {
    // the facilitator's choice: on this map, and on the projector through the room's setting
    if (toProjector() && scenario) gmb.act("/projector/travel", { scenario, show });
    return play(scenario, show);
  }

  function onNodeClick(p) {
    if (!p.nodes.length) { picked = null; renderBar(); return; }
    picked = p.nodes[0];
    const words = gmb.T("travel_push") + " ▶";
    if (gmb.sheet && !gmb.sheet.el.hidden) {  // a phone: the sheet app.js just filled with the variable's details
      gmb.sheet.action(words, () => { gmb.sheet.hide(); choose(chosenIdea(gmb.state), "push:" + picked); });
    }
    renderBar();
  }
  function renderBar() {
    // desktop: the clicked variable's name and its "Push and play" under the map (phones use the sheet)
    const name = $("travel-var"), btn = $("btn-travel-push");
    if (!name || !btn) return;
    const v = picked && gmb.state && gmb.state.variables.find((x) => x.id === picked);
    const phone = window.GmbVisual.isPhone();
    name.textContent = v && !phone ? (v.labels[gmb.lang()] || Object.values(v.labels)[0] || v.id) : "";
    btn.hidden = !v || phone;
  }
  function renderIdeas(state) {
    const sel = $("travel-idea");
    if (!sel) return;
    const keep = sel.value;
    const opts = ideas(state).map((i) => [i.id, ideaLabel(i)]);
    const sig = JSON.stringify(opts);
    if (sel.dataset.sig !== sig) {
      sel.dataset.sig = sig;
      sel.replaceChildren(...opts.map(([id, text]) => { const o = document.createElement("option"); o.value = id; o.textContent = text; return o; }));
      if (opts.some((o) => o[0] === keep)) sel.value = keep;
    }
    const go = $("btn-travel-idea");
    if (go) go.disabled = !opts.length;
  }
  function wire() {
    wired = true;
    gmb.network.on("click", onNodeClick);  // after app.js's own click handler (the sheet is filled by then)
    const go = $("btn-travel-idea");
    if (go) go.addEventListener("click", () => choose($("travel-idea").value, "idea"));
    const push = $("btn-travel-push");
    if (push) push.addEventListener("click", () => { if (picked) choose(chosenIdea(gmb.state), "push:" + picked); });
    const st = $("btn-travel-stop");
    if (st) st.addEventListener("click", () => {
      if (toProjector() && gmb.state.travel && gmb.state.travel.scenario) gmb.act("/projector/travel", { scenario: null, show: "idea" });
      stop();
    });
  }
  function follow(state) {
    // the projector plays what the facilitator last chose (state.travel, a view setting of the room)
    const t = state.travel;
    if (gmb.page !== "projector" || !t) return;
    if (seenTravel === null) { seenTravel = t.n; if (!t.scenario) return; }  // a fresh page plays what is on now
    else if (seenTravel === t.n) return;
    seenTravel = t.n;
    if (t.scenario) play(t.scenario, t.show); else if (playing) stop();
  }
  let shownLang = null;
  function render(state) {
    if (!gmb.network || !gmb.me) return;
    if (!wired) wire();
    if (shownLang !== gmb.lang()) {  // the panel's own words (animate.js) follow the page's language
      shownLang = gmb.lang();
      if (playing && playing.handle && document.getElementById("gmb-anim")) playing.handle.relabel();
    }
    renderIdeas(state);
    renderBar();
    follow(state);
  }

  window.GmbLiveTravel = { render, play, stop };
})();
