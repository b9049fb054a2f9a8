// scaleup's dashboard: polls /api/state every second and /api/series every five, and redraws. No framework, no
// CDN: everything is served by `scaleup dashboard` itself. Data is put into the page as text, never as HTML.
"use strict";

const TIER_TITLES = { lb: "Load balancers", web: "Web (nginx)", app: "App servers", db: "Database" };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.className = v; else node.setAttribute(k, String(v));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function num(v, digits) {
  return v === null || v === undefined ? "–" : Number(v).toFixed(digits);
}

function bytes(v) {
  if (v === null || v === undefined) return "–";
  if (v < 1024) return v.toFixed(0) + " B";
  if (v < 1048576) return (v / 1024).toFixed(1) + " kB";
  return (v / 1048576).toFixed(1) + " MB";
}

function hostBox(h, tier) {
  const badges = [];
  if (!h.up) badges.push(el("span", { class: "badge down" }, "DOWN"));
  if (h.vip) badges.push(el("span", { class: "badge vip" }, "VIP"));
  if (h.db_role === "primary") badges.push(el("span", { class: "badge primary" }, "primary"));
  if (h.db_role === "replica") badges.push(el("span", { class: "badge" }, h.sync_standby ? "sync standby" : "replica"));
  const state = [];
  if (h.rps !== null && h.rps !== undefined) state.push(num(h.rps, tier === "db" ? 1 : 0) + (tier === "db" ? " tx/s" : " req/s"));
  if (h.db_role === "replica") state.push("lag " + bytes(h.lag_bytes));
  return el("div", { class: "host", "data-host": h.name, "data-up": String(h.up), "data-vip": h.vip ? "true" : null,
      "data-db-role": h.db_role || null },
    el("div", null, el("span", { class: "name" }, h.name), ...badges),
    el("div", { class: "addr" }, h.address),
    el("div", { class: "state" }, state.join(" · ")));
}

function tierColumn(t, index) {
  const stats = [num(t.rps, t.tier === "db" ? 1 : 0) + (t.tier === "db" ? " tx/s" : " req/s")];
  if (t.p50_ms !== null) stats.push("p50 " + num(t.p50_ms, 1) + " ms");
  if (t.p99_ms !== null) stats.push("p99 " + num(t.p99_ms, 1) + " ms");
  if (t.errors_per_s !== null) stats.push(num(t.errors_per_s, 2) + " 5xx/s");
  const up = t.hosts.filter(h => h.up).length;
  return el("div", { class: "tier", "data-tier": t.tier },
    index > 0 ? el("div", { class: "arrow" }, "→") : null,
    el("h2", null, TIER_TITLES[t.tier] || t.tier, " ", el("span", { class: "badge" }, up + "/" + t.hosts.length + " up")),
    el("div", { class: "stats" }, stats.join(" · ")),
    ...t.hosts.map(h => hostBox(h, t.tier)));
}

function render(state) {
  document.getElementById("deployment").textContent = state.deployment;
  document.getElementById("vip").textContent = state.vip;
  const meta = document.getElementById("meta");
  meta.classList.remove("stale");
  document.getElementById("updated").textContent = "updated " + new Date(state.time).toLocaleTimeString();
  document.getElementById("tiers").replaceChildren(...state.tiers.map(tierColumn));
  document.getElementById("support").replaceChildren(...state.support.map(s =>
    el("div", { class: "host", "data-host": s.name }, el("span", { class: "name" }, s.name),
      el("span", { class: "badge" }, s.role === "mon" ? "Prometheus, Alertmanager" : "pgBackRest repository"),
      el("div", { class: "addr" }, s.address))));
  const alerts = state.alerts.length === 0
    ? [el("li", { class: "none" }, "no alert firing")]
    : state.alerts.map(a => el("li", { class: a.severity, "data-alert": a.name, "data-alert-host": a.host },
        a.name + (a.host ? " " + a.host : "") + ": " + a.summary + " (since " + new Date(a.since).toLocaleTimeString() + ")"));
  document.getElementById("alerts").replaceChildren(...alerts);
  document.getElementById("history").replaceChildren(...(state.history.length === 0
    ? [el("li", null, "no operations yet")] : state.history.slice().reverse().map(line => el("li", null, line))));
  document.getElementById("drills").replaceChildren(...(state.drills.length === 0
    ? [el("li", null, "no drills yet")] : state.drills.map(d => el("li", { "data-drill": d.scenario },
        d.scenario + ": " + (d.passed ? "PASS" : "FAIL") + " (" + d.started_at + ")"))));
}

function drawChart(canvas, points) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width = canvas.clientWidth * devicePixelRatio;
  const h = canvas.height = canvas.clientHeight * devicePixelRatio;
  ctx.clearRect(0, 0, w, h);
  if (points.length < 2) return;
  const t0 = points[0][0], t1 = points[points.length - 1][0];
  const max = Math.max(1e-9, ...points.map(p => p[1]));
  ctx.strokeStyle = "#3557a7";
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.beginPath();
  points.forEach((p, i) => {
    const x = (p[0] - t0) / Math.max(1, t1 - t0) * (w - 4) + 2;
    const y = h - 2 - p[1] / max * (h - 14 * devicePixelRatio);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
  ctx.fillStyle = "#667";
  ctx.font = (10 * devicePixelRatio) + "px sans-serif";
  ctx.fillText("max " + max.toFixed(max < 10 ? 2 : 0), 4, 11 * devicePixelRatio);
}

function renderSeries(data) {
  const charts = document.getElementById("charts");
  if (charts.children.length !== data.series.length * 2) {
    charts.replaceChildren(...data.series.flatMap(s => [el("div", { class: "chart-title" }, s.name),
      el("canvas", { "data-series": s.name })]));
  }
  data.series.forEach((s, i) => {
    const title = charts.children[2 * i];
    const last = s.points.length ? s.points[s.points.length - 1][1] : null;
    title.textContent = s.name + ": " + (last === null ? "–" : Number(last).toFixed(last < 10 ? 2 : 0));
    drawChart(charts.children[2 * i + 1], s.points);
  });
}

async function poll(url, onData, every) {
  for (;;) {
    try {
      const response = await fetch(url, { cache: "no-store" });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || response.status);
      onData(body);
    } catch (e) {
      const meta = document.getElementById("meta");
      meta.classList.add("stale");
      document.getElementById("updated").textContent = "no data: " + e.message;
    }
    await new Promise(resolve => setTimeout(resolve, every));
  }
}

poll("/api/state", render, 1000);
poll("/api/series", renderSeries, 5000);
