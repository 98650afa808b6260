#include "status_surface/status_page.hpp"

#include <cstdio>

#include "reconciler/events.hpp"

namespace driftless::status_surface {

namespace {

std::string short_hash(const std::string& h) { return h.substr(0, 12); }

bool problem(const reconciler::object_status& o) {
    return o.failing || o.drifted || o.observed == "rolled_back" || o.observed == "paused" || o.observed == "conflict";
}

// The page's style and script: constant, no user data in them.
constexpr std::string_view head = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>driftless</title>
<noscript><meta http-equiv="refresh" content="10"></noscript>
<style>
:root { color-scheme: light dark; --bad: #c62828; --warn: #b26a00; --ok: #2e7d32; --line: #8884; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 12px; max-width: 1400px; }
h1 { font-size: 20px; margin: 0 0 8px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-bottom: 10px; }
.facts span b { font-weight: 600; }
.bad { color: var(--bad); } .warn { color: var(--warn); } .ok { color: var(--ok); }
.controls { display: flex; gap: 12px; align-items: center; margin: 10px 0; flex-wrap: wrap; }
.controls input[type=search] { flex: 1 1 220px; padding: 6px; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.err { white-space: pre-wrap; word-break: break-word; max-width: 40em; }
code { font-size: 12px; }
tr.problem td:first-child { border-left: 3px solid var(--bad); }
ul.errors li { margin: 2px 0; }
ol.events { padding-left: 1.5em; } ol.events time { color: #888; font-size: 12px; }
ol.events li[data-type=failed] b, ol.events li[data-type=rolled_back] b { color: var(--bad); }
ol.events li[data-type=healed] b, ol.events li[data-type=recovered] b { color: var(--ok); }
@media (max-width: 700px) {
  table, tbody, tr, td { display: block; } thead { display: none; }
  tr { border-bottom: 2px solid var(--line); padding: 4px 0; } td { border: 0; padding: 1px 4px; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
}
</style></head><body>
)";

constexpr std::string_view script = R"(<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const filter = $('filter'), problems = $('problems'), live = $('live');
  document.querySelector('.controls').hidden = false;
  const isProblem = (o) => o.failing || o.drifted || ['rolled_back', 'paused', 'conflict'].includes(o.observed);
  function apply() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const tr of document.querySelectorAll('#objects tbody tr')) {
      const text = tr.textContent.toLowerCase();
      tr.hidden = (problems.checked && !tr.classList.contains('problem')) || !words.every((w) => text.includes(w));
    }
  }
  function cell(tr, label, text, cls) {
    const td = document.createElement('td');
    td.dataset.label = label;
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function fact(name, value, cls) {
    const s = document.createElement('span');
    const b = document.createElement('b');
    b.textContent = name + ': ';
    s.appendChild(b);
    s.appendChild(document.createTextNode(value));
    if (cls) s.className = cls;
    return s;
  }
  function render(s) {
    const f = $('facts');
    f.replaceChildren();
    const i = s.instance || {};
    if (i.owner) f.appendChild(fact('owner', i.owner));
    if (i.driver) f.appendChild(fact('driver', i.driver));
    if (i.sources) f.appendChild(fact('sources', i.sources.join(', ') + (s.synced === false ? ' (syncing)' : ' (synced)')));
    f.appendChild(fact('engine', s.engine_error ? s.engine_error : 'answers', s.engine_error ? 'bad' : 'ok'));
    f.appendChild(fact('last pass', (s.last_pass_at || 'none yet') + (i.last_pass_seconds !== undefined ? ' (' + i.last_pass_seconds.toFixed(2) + ' s)' : '')));
    const c = s.counts || {};
    f.appendChild(fact('objects', c.desired + ' desired, ' + c.managed + ' managed, ' + c.failing + ' failing', c.failing ? 'bad' : ''));
    if (s.guard) f.appendChild(fact('held back', s.guard, 'warn'));
    const errs = $('errors');
    errs.replaceChildren();
    for (const e of s.source_errors || []) {
      const li = document.createElement('li');
      li.className = 'bad';
      li.textContent = e.text;
      errs.appendChild(li);
    }
    $('errors-title').hidden = !(s.source_errors || []).length;
    const body = document.querySelector('#objects tbody');
    body.replaceChildren();
    for (const o of s.objects || []) {
      const tr = document.createElement('tr');
      if (isProblem(o)) tr.className = 'problem';
      const d = (s.desired || {})[o.kind + '/' + o.name] || {};
      cell(tr, 'kind', o.kind);
      cell(tr, 'name', o.name);
      cell(tr, 'state', o.observed, isProblem(o) ? 'bad' : (o.observed === 'running' ? 'ok' : ''));
      cell(tr, 'desired / actual', (o.desired_hash || '-').slice(0, 12) + ' / ' + (o.actual_hash || '-').slice(0, 12));
      cell(tr, 'declared at', d.source || '');
      cell(tr, 'last action', o.last_action ? o.last_action + ' ' + o.last_result : '');
      cell(tr, 'error', o.error || '', 'err');
      cell(tr, 'backoff', o.backoff_ms ? Math.ceil(o.backoff_ms / 1000) + ' s' : '');
      body.appendChild(tr);
    }
    apply();
  }
  let pending = null;
  async function reload() {
    pending = null;
    try {
      const r = await fetch('api/v1/state', { cache: 'no-store' });
      if (r.ok) render(await r.json());
    } catch (e) { /* the next event or the reconnect tries again */ }
  }
  const soon = () => { if (!pending) pending = setTimeout(reload, 150); };
  filter.addEventListener('input', apply);
  problems.addEventListener('change', apply);
  if (window.EventSource) {
    const es = new EventSource('api/v1/events?since=' + (window.DRIFTLESS_LAST_EVENT || 0));
    const list = $('events');
    const shown = (msg) => {
      let e;
      try { e = JSON.parse(msg.data); } catch (x) { return; }
      const li = document.createElement('li');
      li.dataset.type = e.type;
      const time = document.createElement('time');
      time.textContent = e.at;
      const b = document.createElement('b');
      b.textContent = e.type;
      li.append(time, ' ', b, ' ', e.message);
      list.prepend(li);
      while (list.children.length > 100) list.lastChild.remove();
      soon();
    };
    for (const t of TYPES) es.addEventListener(t, shown);
    es.addEventListener('missed', soon);
    es.addEventListener('state', soon);   // a change no event tells: read the state again
    es.onopen = () => { live.textContent = 'live'; live.className = 'ok'; soon(); };
    es.onerror = () => { live.textContent = 'reconnecting'; live.className = 'warn'; };
  } else {
    setInterval(reload, 10000);
  }
  apply();
})();
</script>
)";

void row(std::string& out, const std::string& label, const std::string& text, const char* cls = nullptr) {
    out += "<td data-label=\"" + label + "\"";
    if (cls != nullptr && *cls != '\0') out += std::string(" class=\"") + cls + "\"";
    out += ">" + html_escape(text) + "</td>";
}

std::string fact(const std::string& name, const std::string& value, const char* cls = "") {
    return std::string("<span") + (*cls ? std::string(" class=\"") + cls + "\"" : "") + "><b>" + html_escape(name) +
           ":</b> " + html_escape(value) + "</span>";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string status_page(const reconciler::loop_status& s, const reconciler::event_log* events) {
    std::string out(head);
    out += "<h1>driftless <small id=\"live\" class=\"warn\">not live</small></h1>\n<div class=\"facts\" id=\"facts\">";
    const auto& i = s.instance;
    if (!i.owner.empty()) out += fact("owner", i.owner);
    if (!i.driver.empty()) out += fact("driver", i.driver);
    if (!i.sources.empty()) {
        std::string list;
        for (const auto& src : i.sources) list += (list.empty() ? "" : ", ") + src;
        out += fact("sources", list + (s.synced ? " (synced)" : " (syncing)"));
    }
    out += s.engine_error.empty() ? fact("engine", "answers", "ok") : fact("engine", s.engine_error, "bad");
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, " (%.2f s)", s.metrics.last_pass_seconds);
    out += fact("last pass", (s.last_pass_at.empty() ? std::string("none yet") : s.last_pass_at) + seconds);
    out += fact("objects", std::to_string(s.desired) + " desired, " + std::to_string(s.managed) + " managed, " +
                               std::to_string(s.failing) + " failing",
                s.failing ? "bad" : "");
    if (!s.guard_message.empty()) out += fact("held back", s.guard_message, "warn");
    out += "</div>\n<h2 id=\"errors-title\"";
    if (s.source_errors.empty()) out += " hidden";
    out += ">Source errors</h2><ul class=\"errors\" id=\"errors\">";
    for (const auto& e : s.source_errors) out += "<li class=\"bad\">" + html_escape(e.to_string()) + "</li>";
    out += "</ul>\n<div class=\"controls\" hidden><input type=\"search\" id=\"filter\" placeholder=\"filter: name, state, error…\" "
           "aria-label=\"filter\"><label><input type=\"checkbox\" id=\"problems\"> problems only</label></div>\n"
           "<table id=\"objects\"><thead><tr><th>kind</th><th>name</th><th>state</th><th>desired / actual</th>"
           "<th>declared at</th><th>last action</th><th>error</th><th>backoff</th></tr></thead><tbody>\n";
    for (const auto& [key, o] : s.objects) {
        out += problem(o) ? "<tr class=\"problem\">" : "<tr>";
        row(out, "kind", desired_state::to_string(key.kind));
        row(out, "name", key.name);
        row(out, "state", o.observed, problem(o) ? "bad" : o.observed == "running" ? "ok" : "");
        row(out, "desired / actual",
            (o.desired_hash.empty() ? "-" : short_hash(o.desired_hash)) + " / " + (o.actual_hash.empty() ? "-" : short_hash(o.actual_hash)));
        std::string where;
        if (s.desired_snapshot)
            if (const auto it = s.desired_snapshot->resources.find(key); it != s.desired_snapshot->resources.end())
                where = it->second.spec.origin.to_string();
        row(out, "declared at", where);
        row(out, "last action", o.last_action.empty() ? "" : o.last_action + " " + o.last_result);
        row(out, "error", o.error, "err");
        row(out, "backoff", o.backoff_ms > 0 ? std::to_string((o.backoff_ms + 999) / 1000) + " s" : "");
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    // The latest events, newest first; the script adds each new one on top.
    std::uint64_t last_id = 0;
    out += "<h2>Events</h2><ol class=\"events\" id=\"events\" reversed>";
    if (events != nullptr) {
        last_id = events->last_id();
        const auto r = events->since(last_id > 30 ? last_id - 30 : 0);
        for (auto it = r.events.rbegin(); it != r.events.rend(); ++it)
            out += "<li data-type=\"" + std::string(to_string(it->type)) + "\"><time>" + html_escape(it->at) + "</time> <b>" +
                   to_string(it->type) + "</b> " + html_escape(it->message) + "</li>";
    }
    out += "</ol>\n<script>window.DRIFTLESS_LAST_EVENT = " + std::to_string(last_id) + ";</script>\n";
    // The event names the script listens for (constants, from reconciler/events.hpp).
    std::string types = "[";
    for (const auto t : reconciler::all_event_types())
        types += std::string(types.size() > 1 ? "," : "") + "'" + to_string(t) + "'";
    types += "]";
    std::string js(script);
    js.replace(js.find("TYPES"), 5, types);
    out += js + "</body></html>\n";
    return out;
}

}  // namespace driftless::status_surface
