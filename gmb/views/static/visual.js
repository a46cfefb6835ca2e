/* gmb's visual language, shared by map.html, the report's map and the gmb serve pages.
 *
 * Needs window.GMB_VISUAL (colours, dashes, widths, fonts and the words of every language), which
 * gmb.views.style.visual_js() puts in front of this file. Everything user-typed is set with
 * textContent or setAttribute, never as markup.
 *
 *   GmbVisual.word(lang, key)                 a word of the interface (da/en; English otherwise)
 *   GmbVisual.legend(el, opts)                draw the legend into el (a <details>: foldable, closed on phones)
 *   GmbVisual.edgeStyle(link) / nodeStyle(v)  vis-network options for a link / a variable
 *   GmbVisual.readableFit(network, opts)      fit, then zoom in until labels are >= 12 px on screen
 *   GmbVisual.settle(network, done)           stop physics once the layout is stable, then call done()
 *   GmbVisual.sheet(host, lang)               a bottom sheet for tap-to-inspect: {show(title, text), hide(),
 *                                             action(text, fn): a button under the text until the next show}
 *   GmbVisual.isPhone()                       narrow screen (< 700 px): legend closed, sheet instead of tooltip
 *   GmbVisual.themeColours(ids)               {theme id: fill} in order, like gmb.views.style.theme_colours
 *   GmbVisual.travel(opts)                    play an animation (gmb map --animate / gmb serve's /animate; animate.js)
 *
 * How a page uses it (the gmb serve pages too):
 *   1. Serve or inline the two assets: the script is gmb.views.style.visual_js() (this file with
 *      window.GMB_VISUAL in front), the style sheet gmb.views.style.visual_css(). In gmb serve e.g.
 *      GET /static/visual.js -> visual_js(), GET /static/visual.css -> visual_css(); or put them inside
 *      <script>/<style> like map.html does. Never copy colours or words into the page: they live in
 *      gmb/views/style.py (POLARITY_STYLE, PROPOSED, WORDS, ...) and reach the page only through here.
 *   2. Legend: GmbVisual.legend(document.getElementById("legend"), {lang: "da", themes: [{colour, text}],
 *      noTheme: true, ideas: true, proposed: true, highlight: null}). Call it again after a language switch.
 *   3. Links and variables: Object.assign({id, from, to, title}, GmbVisual.edgeStyle({polarity: "+"|"-"|"?",
 *      delay, strength, proposed: !accepted})) and GmbVisual.nodeStyle({kind, fill, outcome, target,
 *      proposed, label}). "proposed" = faint (PROPOSED.opacity) + the "○" badge, never dashed like "−".
 *   4. Layout: GmbVisual.settle(network, function () { GmbVisual.readableFit(network, {nodes: focusIds}); })
 *      once at load and after new items were laid out; keep the positions (network.getPositions()) in the
 *      session and give them back as x/y with physics off so new items do not reshuffle the map.
 *   5. Tap-to-inspect: var sheet = GmbVisual.sheet(hostElement, lang); network.on("click", ...) -> sheet.show(title, text).
 */
(function () {
  "use strict";
  var V = window.GMB_VISUAL;
  var SVG = "http://www.w3.org/2000/svg";
  var PHONE = 700;

  function word(lang, key) {
    var table = V.words[lang] || V.words.en;
    return table[key] != null ? table[key] : V.words.en[key];
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function svg(width, height, parts) {
    var s = document.createElementNS(SVG, "svg");
    s.setAttribute("width", width);
    s.setAttribute("height", height);
    s.setAttribute("aria-hidden", "true");
    parts.forEach(function (p) {
      var e = document.createElementNS(SVG, p[0]);
      Object.keys(p[1]).forEach(function (k) { e.setAttribute(k, p[1][k]); });
      if (p[2]) e.textContent = p[2];
      s.appendChild(e);
    });
    return s;
  }

  function dash(d) { return d ? d.join(" ") : ""; }

  function linkIcon(colour, dashes, opacity) {
    var line = {x1: 2, y1: 6, x2: 36, y2: 6, stroke: colour, "stroke-width": 3};
    if (dashes) line["stroke-dasharray"] = dash(dashes);
    var s = svg(46, 12, [["line", line], ["path", {d: "M36 1 L45 6 L36 11 z", fill: colour}]]);
    if (opacity) s.setAttribute("opacity", opacity);
    return s;
  }

  function shapeIcon(shape) {
    var base = {fill: "#fff", stroke: "#444", "stroke-width": 1.5};
    function ell(extra) { return ["ellipse", Object.assign({cx: 23, cy: 11, rx: 20, ry: 8}, base, extra || {})]; }
    var part = {
      box: ["rect", Object.assign({x: 3, y: 3, width: 40, height: 16}, base)],
      ellipse: ell(),
      dashed: ell({"stroke-dasharray": "4 3"}),
      outcome: ell({stroke: V.outcome, "stroke-width": 4}),
      target: ell({stroke: V.target, "stroke-width": 3}),
      idea: ["rect", {x: 3, y: 3, width: 40, height: 16, rx: 7, fill: V.idea, stroke: V.target, "stroke-width": 2,
                      "stroke-dasharray": "4 3"}],
      proposed: ell({stroke: V.proposed.border, "stroke-dasharray": dash(V.proposed.dashes), opacity: V.proposed.opacity})
    }[shape];
    return svg(46, 22, [part]);
  }

  function item(list, icon, text) {
    var li = el("li");
    li.appendChild(icon);
    li.appendChild(el("span", null, text));
    list.appendChild(li);
    return li;
  }

  /* opts: {lang, themes: [{colour, text}], noTheme: bool, ideas: bool, widthBy: "strength"|"support",
   *        highlight: {title, kind, text} | null, proposed: bool, open: bool (default: not on a phone),
   *        footer: [elements appended at the end]} */
  function legend(container, o) {
    var lang = o.lang, wasOpen = container.querySelector("details.gmb-legend");
    var open = wasOpen ? wasOpen.open : (o.open != null ? o.open : !isPhone());
    container.textContent = "";
    var d = el("details", "gmb-legend");
    d.open = open;
    d.appendChild(el("summary", null, word(lang, "legend")));
    if (o.highlight) {
      var hl = el("div", "hl");
      hl.appendChild(el("strong", null, o.highlight.title));
      if (o.highlight.kind) hl.appendChild(document.createTextNode(" — " + o.highlight.kind));
      hl.appendChild(el("br"));
      hl.appendChild(document.createTextNode(o.highlight.text));
      d.appendChild(hl);
    }
    d.appendChild(el("h3", null, word(lang, "links")));
    var ul = el("ul");
    [["+", "positive"], ["-", "negative"], ["?", "unknown"]].forEach(function (p) {
      var st = V.polarity[p[0]];
      item(ul, linkIcon(st.color, st.dashes), word(lang, p[1]));
    });
    item(ul, svg(46, 14, [["line", {x1: 2, y1: 7, x2: 44, y2: 7, stroke: "#555", "stroke-width": 2}],
                          ["rect", {x: 14, y: 0, width: 18, height: 14, fill: "#fff"}],
                          ["text", {x: 15, y: 12, "font-size": 13, "font-weight": "bold", fill: "#333"}, "||"]]),
         word(lang, "delay"));
    item(ul, svg(46, 14, [["line", {x1: 2, y1: 3, x2: 44, y2: 3, stroke: "#555", "stroke-width": 1}],
                          ["line", {x1: 2, y1: 8, x2: 44, y2: 8, stroke: "#555", "stroke-width": 2.5}],
                          ["line", {x1: 2, y1: 13, x2: 44, y2: 13, stroke: "#555", "stroke-width": 4}]]),
         word(lang, o.widthBy === "support" ? "width_support" : "width_strength"));
    if (o.proposed) item(ul, linkIcon(V.polarity["+"].color, null, V.proposed.opacity), word(lang, "proposed"));
    d.appendChild(ul);
    d.appendChild(el("h3", null, word(lang, "variables")));
    ul = el("ul");
    [["box", "stock"], ["ellipse", "auxiliary"], ["dashed", "exogenous"], ["outcome", "outcome"], ["target", "target"]]
      .concat(o.ideas ? [["idea", "idea"]] : []).concat(o.proposed ? [["proposed", "proposed"]] : [])
      .forEach(function (p) { item(ul, shapeIcon(p[0]), word(lang, p[1])); });
    d.appendChild(ul);
    var themes = (o.themes || []).slice();
    if (o.noTheme) themes.push({colour: V.no_theme, text: word(lang, "no_theme")});
    if (themes.length) {
      d.appendChild(el("h3", null, word(lang, "themes")));
      ul = el("ul");
      themes.forEach(function (t) {
        var sw = el("span", "swatch");
        sw.style.background = t.colour;
        item(ul, sw, t.text);
      });
      d.appendChild(ul);
    }
    d.appendChild(el("p", "hint", word(lang, "hint")));
    (o.footer || []).forEach(function (f) { d.appendChild(f); });
    container.appendChild(d);
    return d;
  }

  function edgeStyle(link) {
    var st = V.polarity[link.polarity] || V.polarity["?"];
    var width = link.width != null ? link.width : (V.strength_width[link.strength] || V.strength_width.unknown);
    var label = st.sign + (link.delay ? " ||" : "");
    if (link.proposed) label = V.proposed.badge + " " + label;
    return {
      label: label, dashes: st.dashes, width: width,
      color: {color: st.color, highlight: st.color, hover: st.color, opacity: link.proposed ? V.proposed.opacity : 1},
      font: {color: st.color, size: V.font.edge, strokeWidth: 6, strokeColor: "#ffffff", bold: true}
    };
  }

  function nodeStyle(v) {
    var fill = v.fill || V.no_theme, border = "#4D4D4D", bw = 1.5;
    if (v.target) { border = V.target; bw = 3.5; }
    if (v.outcome) { border = V.outcome; bw = 5; }
    var o = {
      shape: v.kind === "stock" ? "box" : "ellipse", borderWidth: bw,
      color: {background: fill, border: border, highlight: {background: fill, border: "#000"},
              hover: {background: fill, border: "#000"}},
      font: {size: v.outcome ? V.font.outcome : V.font.variable, color: "#111111"}
    };
    if (v.kind === "exogenous") o.shapeProperties = {borderDashes: [5, 4]};
    if (v.proposed) {
      o.opacity = V.proposed.opacity;
      o.shapeProperties = {borderDashes: V.proposed.dashes};
      o.color.border = V.proposed.border;
      if (v.label != null) o.label = V.proposed.badge + " " + v.label;
    }
    return o;
  }

  function isPhone() { return window.innerWidth < PHONE; }

  /* Fit the nodes (all, or opts.nodes), then, if labels would be smaller than opts.minPx (12) on screen,
   * zoom in around the fitted centre until they are not: the first view shows the middle of a big map
   * readably instead of all of it unreadably. Returns the scale. */
  function readableFit(network, opts) {
    opts = opts || {};
    network.fit(opts.nodes && opts.nodes.length ? {nodes: opts.nodes, animation: false} : {animation: false});
    var scale = network.getScale();
    var need = (opts.minPx || V.min_label_px) / (opts.fontSize || V.font.variable);
    if (!(scale >= need)) {
      network.moveTo({position: network.getViewPosition(), scale: need, animation: false});
      scale = need;
    }
    return scale;
  }

  /* Lay out once and stop: physics off after stabilisation (no drift), then done(). */
  function settle(network, done) {
    var fired = false;
    function finish() {
      if (fired) return;
      fired = true;
      window.gmbLayoutDone = performance.now();  // for bench/map_bench.py: layout time apart from the first fit
      network.setOptions({physics: {enabled: false}});
      done();
    }
    if (network.physics && network.physics.options.enabled && network.body.data.nodes.length > 0) {
      network.once("stabilizationIterationsDone", finish);
      network.once("stabilized", finish);
    } else {
      network.once("afterDrawing", finish);
    }
  }

  function sheet(host, lang) {
    var box = el("div", "gmb-sheet");
    box.setAttribute("role", "dialog");
    box.hidden = true;
    var head = el("div", "gmb-sheet-head");
    var title = el("strong");
    var close = el("button", "gmb-sheet-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", word(lang, "close"));
    head.appendChild(title);
    head.appendChild(close);
    var body = el("div", "gmb-sheet-body");
    var actions = el("div", "gmb-sheet-actions");  // buttons another script adds for the item shown (animate.js)
    box.appendChild(head);
    box.appendChild(body);
    box.appendChild(actions);
    host.appendChild(box);
    var api = {
      el: box,
      show: function (t, text) {
        title.textContent = t; body.textContent = text; actions.textContent = ""; box.hidden = false;
      },
      action: function (text, fn) {
        var b = el("button", "gmb-sheet-action", text);
        b.type = "button";
        b.addEventListener("click", fn);
        actions.appendChild(b);
        return b;
      },
      hide: function () { box.hidden = true; },
      setLang: function (l) { close.setAttribute("aria-label", word(l, "close")); }
    };
    close.addEventListener("click", api.hide);
    return api;
  }

  /* A fill per theme id, in order; the palette repeats (gmb.views.style.theme_colours, for the live map). */
  function themeColours(ids) {
    var out = {}, n = 0;
    ids.forEach(function (t) { if (!Object.prototype.hasOwnProperty.call(out, t)) out[t] = V.themes[n++ % V.themes.length]; });
    return out;
  }

  /* Watch it travel (needs animate.js loaded too): play gmb.views.animate's JSON on this map. opts as
   * GmbAnimate.attach (anim, network, nodes, edges, data, sheet, lang), or url (+ key, a bearer key) instead
   * of anim to fetch it from gmb serve (GET /api/s/{sid}/animate?scenario=IDEA). A promise: true once shown. */
  function travel(o) {
    if (!window.GmbAnimate) return Promise.reject(new Error("animate.js is not loaded"));
    if (o.anim) return Promise.resolve(window.GmbAnimate.attach(o) !== false);
    return fetch(o.url, {headers: o.key ? {Authorization: "Bearer " + o.key} : {}})
      .then(function (r) { if (!r.ok) throw new Error("animate: HTTP " + r.status); return r.json(); })
      .then(function (anim) { window.GmbAnimate.attach(Object.assign({}, o, {anim: anim})); return true; });
  }

  window.GmbVisual = {
    word: word, legend: legend, edgeStyle: edgeStyle, nodeStyle: nodeStyle, readableFit: readableFit,
    settle: settle, sheet: sheet, isPhone: isPhone, PHONE: PHONE, themeColours: themeColours, travel: travel
  };
})();
