/* The session's report, served by gmb serve (/r#key=…): fetched with the key, then shown in place of this
   page. The server adds an "open the what-if panel" link to it (the report written offline by gmb report
   has none: there is no server there). The key stays in this tab's sessionStorage, so /w opens with it. */
"use strict";
(async function () {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("key")) sessionStorage.setItem("gmb.key", params.get("key"));
  if (location.hash) history.replaceState(null, "", location.pathname);
  const key = sessionStorage.getItem("gmb.key");
  const say = t => { document.getElementById("rv-status").textContent = t; };
  if (!key) { say("No key: open the report with the link from the facilitator's page (…/r#key=…)."); return; }
  const headers = { Authorization: "Bearer " + key };
  try {
    const me = await fetch("/api/me", { headers });
    if (!me.ok) { say("This key is not valid here."); return; }
    const sid = (await me.json()).session;
    const r = await fetch("/api/s/" + encodeURIComponent(sid) + "/report", { headers });
    if (!r.ok) { const e = await r.json(); say((e.field ? e.field + ": " : "") + (e.error || r.status)); return; }
    const html = await r.text();
    document.open(); document.write(html); document.close();
  } catch (e) { say(String(e)); }
})();
