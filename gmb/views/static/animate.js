/* Watch it travel (gmb map --animate): play an idea's or a pushed variable's simulated response on the map.
 *
 * Everything it shows is precomputed in Python (gmb.views.animate): the idea's median change of every
 * variable over time (trajectories) and, in anim.pushes, the same for a push of each variable (pushes;
 * integers of one `step`, decoded here). Nothing is fetched; names are set with textContent.
 *
 *   GmbAnimate.attach({anim, network, nodes, edges, data, sheet, lang: function () { return lang; }, host})
 *
 * anim: the JSON of gmb.views.animate.animation (map.html embeds it; gmb serve answers it at
 * GET /api/s/{sid}/animate?scenario=IDEA); network/nodes/edges: the vis-network and its DataSets;
 * data: {nodes: [{id, color, label, labels}], edges: [{id, from, to, polarity: "+"|"-"|"?", width, idea}]};
 * sheet: GmbVisual.sheet(...) (its action() offers "Push and play" for a tapped variable; optional);
 * host: where the panel goes (default: the body; it is built once, with its own style).
 *
 * - node fill follows the median change at the slider's time (green up, red down, white none);
 * - a link whose cause is changing at that time pulses: its width swings and a dot travels from cause to
 *   effect, coloured by the way it pushes the effect (link sign x direction of the cause's change);
 * - the outcome's median change with its 90 % band stays in view as a sparkline;
 * - a "Play" list picks the idea or a variable's push; tapping a variable offers "Push and play" in its sheet.
 * For tests: window.gmbAnimStep, gmbAnimAt(i), gmbAnimShow(key), gmbAnimShowing, gmbPulse {edgeId: state}.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var SIGN = {"+": 1, "-": -1};
  var CHANGING = 0.005;  // a cause "changes" when its median moves by more than this share of the scale per frame

  function decodePush(P, v) {
    var it = P.items[v], change = {};
    Object.keys(it.q).forEach(function (k) { change[k] = it.q[k].map(function (q) { return q * it.step; }); });
    var band = it.band ? {p5: it.band.p5.map(function (q) { return q * it.step; }),
                          p95: it.band.p95.map(function (q) { return q * it.step; })} : {};
    return {kind: "push", variable: v, times: P.times, unit: P.unit, change: change, outcome: P.outcome,
            band: band, scale: it.scale, note: P.note, dropped: it.dropped_runs || 0};
  }

  var CSS = "#gmb-anim { position: fixed; right: 300px; bottom: 8px; z-index: 7; background: rgba(255,255,255,.95);" +
    " border: 1px solid #bbb; border-radius: 8px; padding: 6px 10px; font-size: 13px; box-shadow: 0 2px 8px rgba(0,0,0,.2);" +
    " max-width: 460px; }\n#gmb-anim .row { display: flex; gap: 8px; align-items: center; margin: 2px 0; }\n" +
    "#gmb-anim-slider { flex: 1; }\n#gmb-anim-what { flex: 1; max-width: 360px; }\n" +
    "#gmb-anim-note, #gmb-anim-legend { color: #555; font-size: 11px; margin: 4px 0 0; }\n" +
    ".gmb-anim-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 3px 0 6px;" +
    " vertical-align: middle; }\n.gmb-sheet-action { margin: 0 12px 12px 12px; font: inherit; padding: 6px 10px;" +
    " border-radius: 6px; border: 1px solid #777; background: #fff; cursor: pointer; }\n" +
    "@media (max-width: 699px) { #gmb-anim { left: 4px; right: 4px; max-width: none; } }";

  /* The panel (built once, into host or the body): the Play list, the title, play + slider + time, the
   * outcome's sparkline, the pulses' legend, and what the numbers are. */
  function panel(host) {
    if (document.getElementById("gmb-anim")) return;
    var style = document.createElement("style");
    style.textContent = CSS;
    document.head.appendChild(style);
    function mk(tag, attrs, parent) {
      var e = tag === "svg" ? document.createElementNS(SVG, "svg") : document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (parent) parent.appendChild(e);
      return e;
    }
    var box = mk("div", {id: "gmb-anim", role: "group"}), row = mk("div", {"class": "row"}, box);
    mk("label", {"for": "gmb-anim-what", id: "gmb-anim-what-word"}, row);
    mk("select", {id: "gmb-anim-what"}, row);
    mk("strong", {id: "gmb-anim-title"}, mk("div", {"class": "row"}, box));
    row = mk("div", {"class": "row"}, box);
    mk("button", {type: "button", id: "gmb-anim-play"}, row).textContent = "▶";
    mk("input", {type: "range", id: "gmb-anim-slider", min: "0", step: "1", value: "0"}, row);
    mk("span", {id: "gmb-anim-time"}, row);
    mk("svg", {id: "gmb-anim-spark", width: "440", height: "70", viewBox: "0 0 440 70", "aria-hidden": "true"}, box);
    mk("p", {id: "gmb-anim-legend"}, box);
    mk("p", {id: "gmb-anim-note"}, box);
    (host || document.body).appendChild(box);
  }

  var current = null;  // the attached animation: a second attach (another idea on a live page) replaces it

  function attach(o) {
    if (current) current.detach();
    panel(o.host);
    var A = o.anim, P = A.pushes || null, PU = A.pulse, nodes = o.nodes, edges = o.edges, network = o.network;
    var $ = function (id) { return document.getElementById(id); };
    var slider = $("gmb-anim-slider"), playBtn = $("gmb-anim-play"), pick = $("gmb-anim-what");
    var spark = $("gmb-anim-spark"), W = 440, H = 70, timer = null, cur = null, n = 0, step = 0;
    var base = {}, names = {}, links = [], widths = {};
    o.data.nodes.forEach(function (nd) { base[nd.id] = nd.color; names[nd.id] = nd; });
    o.data.edges.forEach(function (e) {
      if (e.idea || !base[e.from] || !base[e.to]) return;
      links.push({id: e.id, from: e.from, to: e.to, sign: SIGN[e.polarity] || 0});
      widths[e.id] = e.width;
    });
    function word(k) { var w = PU.words[o.lang()] || PU.words.en; return w[k] != null ? w[k] : PU.words.en[k]; }
    function label(id) { var nd = names[id]; return nd ? ((nd.labels && nd.labels[o.lang()]) || nd.label) : id; }
    function fmt(v) { return (v >= 0 ? "+" : "") + v.toPrecision(2); }
    var cache = {idea: {kind: "idea", times: A.times, unit: A.unit, change: A.change, outcome: A.outcome,
                        band: A.outcome_band || {}, scale: A.scale, note: A.note, dropped: A.dropped_runs || 0}};
    function series(key) {
      if (!cache[key] && P && key.indexOf("push:") === 0) cache[key] = decodePush(P, key.slice(5));
      return cache[key];
    }
    function fill(v) {
      var s = cur.scale > 0 ? Math.max(-1, Math.min(1, v / cur.scale)) : 0, k = Math.round(255 * (1 - Math.abs(s)));
      return s >= 0 ? "rgb(" + k + ",255," + k + ")" : "rgb(255," + k + "," + k + ")";
    }

    // -- the pulses: which links carry a change at frame i, and their moving dots ------------------
    var pulses = {}, phase = 0, ticker = null;
    window.gmbPulse = {};
    function pulsesAt(i) {
      var next = {};
      links.forEach(function (l) {
        var c = cur.change[l.from];
        if (!c) return;
        var d = c[i] - (i > 0 ? c[i - 1] : 0);
        if (!(Math.abs(d) > CHANGING * cur.scale)) return;
        var dir = l.sign * (d > 0 ? 1 : -1);
        next[l.id] = {dir: dir > 0 ? "up" : dir < 0 ? "down" : "unknown", from: l.from, to: l.to, rate: d};
      });
      var upd = [];
      Object.keys(pulses).forEach(function (id) { if (!next[id]) upd.push({id: id, width: widths[id]}); });
      if (upd.length) edges.update(upd);
      pulses = next;
      if (Object.keys(pulses).length && !ticker) ticker = setInterval(tick, 60);
      if (!Object.keys(pulses).length && ticker) { clearInterval(ticker); ticker = null; }
      tick();
    }
    function tick() {
      phase = (phase + 0.05) % 1;
      var upd = [], state = {}, swing = 0.5 + 0.5 * Math.sin(2 * Math.PI * phase);
      Object.keys(pulses).forEach(function (id) {
        var w = widths[id] * (1.2 + 0.9 * swing);
        upd.push({id: id, width: w});
        state[id] = {dir: pulses[id].dir, from: pulses[id].from, to: pulses[id].to, phase: phase, width: w};
      });
      window.gmbPulse = state;
      if (upd.length) edges.update(upd); else network.redraw();
    }
    function pointOn(id, t) {
      var e = network.body.edges[id];
      if (e && e.edgeType && e.edgeType.getPoint) return e.edgeType.getPoint(t);
      var p = network.getPositions([pulses[id].from, pulses[id].to]), a = p[pulses[id].from], b = p[pulses[id].to];
      return {x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t};
    }
    window.gmbPulsePoint = pointOn;
    network.on("afterDrawing", drawDots);
    function drawDots(ctx) {
      Object.keys(pulses).forEach(function (id) {
        var colour = PU[pulses[id].dir] || PU.unknown;
        [0, 0.5].forEach(function (off) {
          var pt = pointOn(id, (phase + off) % 1);
          ctx.beginPath();
          ctx.arc(pt.x, pt.y, 7, 0, 2 * Math.PI);
          ctx.fillStyle = colour;
          ctx.strokeStyle = "#ffffff";
          ctx.lineWidth = 2;
          ctx.fill();
          ctx.stroke();
        });
      });
    }

    // -- one frame, the sparkline, the panel's words ------------------------------------------------
    function at(i) {
      i = Math.max(0, Math.min(n - 1, i));
      step = i;
      slider.value = String(i);
      var upd = [];
      Object.keys(A.change).forEach(function (id) {  // every model variable; one a push never moves stays white
        if (!base[id]) return;
        var c = cur.change[id], v = c ? c[i] : 0, col = fill(v);
        upd.push({id: id, animValue: v, color: {background: col, border: base[id].border,
                  highlight: {background: col, border: "#000"}, hover: {background: col, border: "#000"}}});
      });
      nodes.update(upd);
      $("gmb-anim-time").textContent = cur.times[i] + " " + cur.unit;
      if (cur.outcome && cur.change[cur.outcome]) {
        $("gmb-anim-title").textContent = title() + ": " + label(cur.outcome) + " " + fmt(cur.change[cur.outcome][i]);
      }
      var line = $("gmb-anim-cursor");
      if (line) { var x = xOf(i); line.setAttribute("x1", x); line.setAttribute("x2", x); }
      pulsesAt(i);
      window.gmbAnimStep = i;
    }
    function title() { return cur.kind === "push" ? word("push") + " " + label(cur.variable) : A.scenario; }
    var ymin = 0, ymax = 1;
    function xOf(i) { return 4 + (W - 8) * (n > 1 ? i / (n - 1) : 0); }
    function yOf(v) { return H - 4 - (H - 8) * (v - ymin) / (ymax - ymin); }
    function poly(points, attrs, closed) {
      var e = document.createElementNS(SVG, closed ? "polygon" : "polyline");
      e.setAttribute("points", points.join(" "));
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      spark.appendChild(e);
    }
    function drawSpark() {
      spark.textContent = "";
      var ys = (cur.outcome && cur.change[cur.outcome]) || [], lo = cur.band.p5 || ys, hi = cur.band.p95 || ys;
      if (!ys.length) return;
      ymin = Math.min.apply(null, lo.concat([0]));
      ymax = Math.max.apply(null, hi.concat([0]));
      if (ymax === ymin) ymax += 1;
      var pts = function (a) { return a.map(function (v, i) { return xOf(i) + "," + yOf(v); }); };
      poly(pts(hi).concat(pts(lo).reverse()), {fill: "#cfe3f5", stroke: "none"}, true);
      poly([xOf(0) + "," + yOf(0), xOf(n - 1) + "," + yOf(0)], {fill: "none", stroke: "#999", "stroke-dasharray": "3 3"});
      poly(pts(ys), {fill: "none", stroke: "#1f5fa0", "stroke-width": 2});
      var c = document.createElementNS(SVG, "line");
      c.setAttribute("id", "gmb-anim-cursor"); c.setAttribute("y1", 0); c.setAttribute("y2", H);
      c.setAttribute("stroke", "#c00");
      spark.appendChild(c);
    }
    function words() {
      $("gmb-anim-what-word").textContent = word("what");
      var keep = pick.value;
      pick.textContent = "";
      var opts = [["idea", word("idea") + ": " + A.scenario]];
      if (P) {
        Object.keys(P.items).map(function (v) { return [v, label(v)]; })
          .sort(function (a, b) { return a[1].localeCompare(b[1]); })
          .forEach(function (p) { opts.push(["push:" + p[0], word("push") + ": " + p[1]]); });
      }
      opts.forEach(function (p) {
        var op = document.createElement("option");
        op.value = p[0];
        op.textContent = p[1];
        pick.appendChild(op);
      });
      pick.value = keep || "idea";
      var lg = $("gmb-anim-legend");
      lg.textContent = "";
      lg.appendChild(document.createTextNode(word("legend") + ": "));
      ["up", "down", "unknown"].forEach(function (d) {
        var dot = document.createElement("span");
        dot.className = "gmb-anim-dot";
        dot.style.background = PU[d];
        lg.appendChild(dot);
        lg.appendChild(document.createTextNode(word(d) + " "));
      });
      lg.appendChild(document.createElement("br"));
      lg.appendChild(document.createTextNode(word("scale")));
      var lang = o.lang(), note = cur.note[lang] || cur.note.en;
      $("gmb-anim-note").textContent = note + (cur.dropped ? " (" + cur.dropped + " " + word("dropped") + ")" : "");
    }
    function show(key) {
      stop();
      var s = series(key);
      if (!s) return false;
      cur = s;
      n = cur.times.length;
      slider.max = String(n - 1);
      pick.value = key;
      window.gmbAnimShowing = key;
      drawSpark();
      words();
      at(0);
      return true;
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; playBtn.textContent = "▶"; } }
    function play() {
      if (timer) return;
      if (step >= n - 1) at(0);
      playBtn.textContent = "❚❚";
      timer = setInterval(function () { if (step + 1 >= n) { stop(); return; } at(step + 1); }, 120);
    }
    function onSlide() { stop(); at(parseInt(slider.value, 10)); }
    function onPlay() { if (timer) stop(); else play(); }
    function onPick() { show(pick.value); }
    slider.addEventListener("input", onSlide);
    playBtn.addEventListener("click", onPlay);
    pick.addEventListener("change", onPick);
    network.on("click", onClick);
    function onClick(params) {
      // runs after the page's own click handler, which has just filled the sheet with the item's details
      if (!params.nodes.length || !o.sheet || !o.sheet.action) return;
      var id = params.nodes[0], key = id === "idea " + A.scenario ? "idea" : "push:" + id;
      if (!series(key)) return;
      o.sheet.action((key === "idea" ? word("switch_on") : word("play_push")) + " ▶", function () {
        o.sheet.hide();
        show(key);
        play();
      });
    }
    function onLang() { words(); at(step); }
    var langSelect = $("gmb-lang");
    if (langSelect) langSelect.addEventListener("change", onLang);
    window.gmbAnimAt = at;
    window.gmbAnimShow = show;
    window.gmbAnimPlay = play;
    current = {show: show, play: play, relabel: onLang, detach: function () {
      // back to the map's own colours and widths, every listener off (a live page may attach another idea)
      stop();
      if (ticker) { clearInterval(ticker); ticker = null; }
      slider.removeEventListener("input", onSlide);
      playBtn.removeEventListener("click", onPlay);
      pick.removeEventListener("change", onPick);
      if (langSelect) langSelect.removeEventListener("change", onLang);
      network.off("click", onClick);
      network.off("afterDrawing", drawDots);
      pulses = {};
      window.gmbPulse = {};
      nodes.update(Object.keys(base).filter(function (id) { return nodes.get(id); })
        .map(function (id) { return {id: id, color: base[id], animValue: null}; }));
      edges.update(Object.keys(widths).filter(function (id) { return edges.get(id); })
        .map(function (id) { return {id: id, width: widths[id]}; }));
      current = null;
    }};
    show("idea");
    return current;
  }

  /* Take the attached animation off the map (colours and widths back) and remove its panel. */
  function detach() {
    if (current) current.detach();
    var box = document.getElementById("gmb-anim");
    if (box) box.parentNode.removeChild(box);
  }

  window.GmbAnimate = {attach: attach, detach: detach, decodePush: decodePush};
})();
