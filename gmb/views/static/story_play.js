/* gmb story player: one map told step by step, shared by the offline page (gmb story --export)
 * and the served story page (/s in gmb serve).
 *
 *   var p = GmbStory.player({map, steps, lang, ids: {network, title, caption, count, chart, fan, effects},
 *                            whatif: function (step) -> Promise of a what-if result (optional, live pages)});
 *   p.show(i); p.current(); p.nodes / p.edges / p.network
 *
 * A step is {title, caption, nodes: [ids], edges: [ids], whatif: setting or null, result: what-if result
 * or null}. A step with a precomputed ``result`` (the offline page) draws it at once; else a step with a
 * ``whatif`` setting asks ``opts.whatif`` (the live page asks the server) and draws the answer.
 * Every text (captions, titles, labels, idea names) reaches the page through textContent or SVG text
 * nodes: text, never markup. Nothing is loaded from anywhere.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WORDS = {
    da: {effect: "Effekt ved horisonten (median, 90 %-interval)", p: "P(forbedrer)", runs: "kørsler",
         explore: "Udforskende: hvad kortets antagelser giver over mange usikre kørsler, ikke en prognose.",
         legend: "grå: uden idéer, grøn: denne indstilling (median og 90 %-bånd)", all: "Alle tændte idéer",
         wait: "Regner …", failed: "Kunne ikke regne hvad-nu-hvis:"},
    en: {effect: "Effect at the horizon (median, 90 % interval)", p: "P(improves)", runs: "runs",
         explore: "Exploratory: what the map's assumptions imply over many uncertain runs, not a forecast.",
         legend: "grey: no ideas, green: this setting (median and 90 % band)", all: "All ideas switched on",
         wait: "Computing …", failed: "Could not compute the what-if:"}
  };

  function words(lang) { return WORDS[lang] || WORDS.en; }
  function node(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text != null) e.textContent = text;
    return e;
  }
  function fmt(x) { return (x >= 0 ? "+" : "") + Number(x).toFixed(3); }

  /* The outcome's fan chart: baseline grey, the setting green (90 % band and median), into <svg>. */
  function drawFan(svg, result, lang) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 600, H = 260, L = 54, R = 10, T = 10, B = 34, t = result.times || [];
    var sets = [result.fan.baseline, result.fan.setting], lo = Infinity, hi = -Infinity;
    sets.forEach(function (f) { f.p5.concat(f.p95).forEach(function (v) { if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });
    if (!(hi > lo)) { hi = lo + 1; }
    var t0 = t[0] || 0, t1 = t[t.length - 1] || 1;
    function X(v) { return L + (W - L - R) * (v - t0) / ((t1 - t0) || 1); }
    function Y(v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); }
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.appendChild(node("line", {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888"}));
    svg.appendChild(node("line", {x1: L, y1: T, x2: L, y2: H - B, stroke: "#888"}));
    [["#9a9a9a", sets[0], "baseline"], ["#2e8b57", sets[1], "setting"]].forEach(function (s) {
      var f = s[1], up = [], down = [], mid = [];
      for (var i = 0; i < t.length; i++) {
        up.push(X(t[i]) + "," + Y(f.p95[i])); down.unshift(X(t[i]) + "," + Y(f.p5[i])); mid.push(X(t[i]) + "," + Y(f.p50[i]));
      }
      svg.appendChild(node("polygon", {points: up.concat(down).join(" "), fill: s[0], "fill-opacity": 0.25, stroke: "none", "class": "band " + s[2]}));
      svg.appendChild(node("polyline", {points: mid.join(" "), fill: "none", stroke: s[0], "stroke-width": 3, "class": "median " + s[2]}));
    });
    var unit = result.unit || "";
    svg.appendChild(node("text", {x: L, y: H - 10, "font-size": 13}, String(t0) + " " + unit));
    svg.appendChild(node("text", {x: W - R, y: H - 10, "font-size": 13, "text-anchor": "end"}, String(t1) + " " + unit));
    svg.appendChild(node("text", {x: L - 4, y: T + 10, "font-size": 13, "text-anchor": "end"}, hi.toFixed(2)));
    svg.appendChild(node("text", {x: L - 4, y: H - B, "font-size": 13, "text-anchor": "end"}, lo.toFixed(2)));
  }

  /* Each idea's effect at the horizon with its interval and P(improves), and the exploratory label. */
  function drawEffects(box, result, lang) {
    var w = words(lang);
    while (box.firstChild) box.removeChild(box.firstChild);
    function line(tag, text, cls) { var e = document.createElement(tag); e.textContent = text; if (cls) e.className = cls; box.appendChild(e); return e; }
    line("p", w.legend, "legend");
    line("strong", w.effect);
    var list = document.createElement("ul");
    box.appendChild(list);
    function row(label, e) {
      var li = document.createElement("li");
      li.className = "effect";
      li.textContent = label + ": " + fmt(e.median) + " (" + fmt(e.p5) + " … " + fmt(e.p95) + "), " + w.p + " " +
        Math.round(100 * e.p_improves) + " %";
      list.appendChild(li);
    }
    var ids = Object.keys(result.effects || {});
    ids.forEach(function (id) { row(result.effects[id].label || id, result.effects[id]); });
    if (ids.length > 1 && result.setting_effect) row(w.all, result.setting_effect);
    line("p", w.explore + " " + result.runs + " " + w.runs + ".", "explore");
  }

  function player(opts) {
    var gmap = opts.map, steps = opts.steps || [], lang = opts.lang || "en", ids = opts.ids || {}, current = 0, asked = 0;
    function $(k) { return document.getElementById(ids[k] || ("gmb-" + k)); }
    var nodes = new vis.DataSet(gmap.nodes), edges = new vis.DataSet(gmap.edges);
    var network = new vis.Network($("network") || document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, gmap.options);
    function chart(step) {
      var box = $("chart");
      if (!box) return;
      var fan = $("fan"), eff = $("effects");
      document.body.removeAttribute("data-chart");
      if (!step.whatif && !step.result) { box.hidden = true; return; }
      box.hidden = false;
      var draw = function (res) {
        drawFan(fan, res, lang); drawEffects(eff, res, lang);
        document.body.setAttribute("data-chart", "1");
      };
      if (step.result) { draw(step.result); return; }
      while (fan.firstChild) fan.removeChild(fan.firstChild);
      eff.textContent = words(lang).wait;
      if (!opts.whatif) return;
      var mine = ++asked;
      opts.whatif(step).then(function (res) { if (mine === asked) draw(res); },
                             function (err) { if (mine === asked) eff.textContent = words(lang).failed + " " + err.message; });
    }
    function show(i) {
      if (!steps.length) { $("caption").textContent = ""; $("title").textContent = ""; $("count").textContent = "0 / 0"; return; }
      current = Math.max(0, Math.min(steps.length - 1, i));
      var step = steps[current], inNode = {}, inEdge = {};
      step.nodes.forEach(function (n) { inNode[n] = true; });
      step.edges.forEach(function (e) { inEdge[e] = true; });
      var all = !step.nodes.length && !step.edges.length;  // a step that names nothing shows the whole map
      nodes.update(gmap.nodes.map(function (n) {
        return {id: n.id, opacity: all || inNode[n.id] ? 1 : 0.15, borderWidth: inNode[n.id] ? 4 : 1};
      }));
      edges.update(gmap.edges.map(function (e) {
        var c = typeof e.color === "object" ? e.color.color : e.color;
        return {id: e.id, color: {color: c, opacity: all || inEdge[e.id] ? 1 : 0.1}, width: inEdge[e.id] ? 4 : 1};
      }));
      $("title").textContent = step.title;
      $("caption").textContent = step.caption;
      $("count").textContent = (current + 1) + " / " + steps.length;
      document.body.setAttribute("data-step", String(current));
      if (step.nodes.length) network.fit({nodes: step.nodes, maxZoomLevel: 1.2, animation: false});
      chart(step);
      if (opts.onShow) opts.onShow(current);
    }
    return {show: show, current: function () { return current; }, count: function () { return steps.length; },
            nodes: nodes, edges: edges, network: network};
  }

  window.GmbStory = {player: player, drawFan: drawFan, drawEffects: drawEffects};
})();
