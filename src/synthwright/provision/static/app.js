// The provision dashboard: start jobs, follow them live (EventSource), show what they made.
// Plain JavaScript, no build step, no external scripts: everything it needs is served by
// `synthwright provision serve` itself.
"use strict";

const state = { jobs: new Map(), streams: new Map(), selected: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(body.detail)
      ? body.detail.map((p) => (p.location ? p.location + ": " : "") + (p.message || p.msg)).join("\n")
      : body.detail || response.statusText;
    throw new Error(detail);
  }
  return body;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = el("textarea", { value: text });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.setAttribute("data-state", "copied");
  button.textContent = "Copied";
  setTimeout(() => { button.removeAttribute("data-state"); button.textContent = "Copy"; }, 1500);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const source = button.dataset.copyText !== undefined ? button.dataset.copyText : $(button.dataset.copyTarget).textContent;
  copyText(source, button);
});

function renderJobs() {
  const body = $("jobs").querySelector("tbody");
  body.replaceChildren();
  const jobs = [...state.jobs.values()].sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  $("no-jobs").hidden = jobs.length > 0;
  for (const job of jobs) {
    const running = !["completed", "failed", "cancelled"].includes(job.status);
    const cancel = el("button", { class: "secondary", type: "button", textContent: "Cancel", hidden: !running });
    cancel.addEventListener("click", async (event) => {
      event.stopPropagation();
      await api(`/api/provision/cancel/${job.job_id}`, { method: "POST" });
    });
    const row = el("tr", { class: "job" + (state.selected === job.job_id ? " selected" : ""), "data-job-id": job.job_id, "data-status": job.status },
      el("td", {}, job.url || ""),
      el("td", { class: "phase" }, job.status === "cancelled" ? "cancelled" : job.current_phase),
      el("td", {}, el("progress", { max: 100, value: job.progress_percentage || 0 }), " ", `${Math.round(job.progress_percentage || 0)}%`),
      el("td", {}, cancel));
    row.addEventListener("click", () => select(job.job_id));
    body.append(row);
  }
}

function follow(jobId) {
  if (state.streams.has(jobId)) return;
  const source = new EventSource(`/api/provision/stream/${jobId}`);
  state.streams.set(jobId, source);
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const job = state.jobs.get(jobId) || { job_id: jobId };
    job.current_phase = event.phase;
    job.progress_percentage = event.progress;
    if (event.phase === "completed") job.status = "completed";
    else if (event.phase === "failed") { job.status = event.status === "cancelled" ? "cancelled" : "failed"; job.error = event.error; }
    else job.status = "running";
    state.jobs.set(jobId, job);
    renderJobs();
    if (["completed", "failed"].includes(event.phase)) {
      source.close();
      state.streams.delete(jobId);
      if (state.selected === jobId) showAssets(jobId);
    }
  };
}

async function refreshJobs() {
  const jobs = await api("/api/provision/jobs");
  for (const job of jobs) {
    state.jobs.set(job.job_id, job);
    if (!["completed", "failed", "cancelled"].includes(job.status)) follow(job.job_id);
  }
  renderJobs();
}

function cellText(value) {
  if (value === null || value === undefined) return "NULL";
  return typeof value === "number" ? value.toLocaleString("en-US") : String(value);
}

function renderResearch(research) {
  const facts = $("research-facts");
  facts.replaceChildren();
  const rows = [
    ["Company", research.company_name], ["Domain", research.domain_label || research.business_domain],
    ["Description", research.description], ["Key entities", (research.key_entities || []).join(", ")],
    ["Pages read", (research.pages_read || []).length], ["Found by", research.source],
  ];
  for (const [name, value] of rows) facts.append(el("dt", {}, name), el("dd", { "data-fact": name.toLowerCase() }, value ?? ""));
  const body = $("products").querySelector("tbody");
  body.replaceChildren();
  for (const item of research.products_or_services || []) {
    const price = item.price ? `${item.price} ${item.currency || ""}${item.per ? "/" + item.per : ""}` : "";
    body.append(el("tr", {}, el("td", {}, item.name), el("td", {}, price)));
  }
  $("research").hidden = false;
}

function renderGolden(queries) {
  const list = $("golden-list");
  list.replaceChildren();
  for (const query of queries) {
    const head = el("tr", {}, ...query.result.columns.map((c) => el("th", {}, c)));
    const rows = query.result.rows.slice(0, 20).map((row) => el("tr", {}, ...row.map((v) => el("td", {}, cellText(v)))));
    const table = el("table", { class: "result" }, el("thead", {}, head), el("tbody", {}, ...rows));
    const copy = el("button", { class: "copy", type: "button", textContent: "Copy", "data-copy-text": query.sql });
    list.append(el("li", { "data-query-id": query.id },
      el("strong", { class: "question" }, query.question),
      el("div", { class: "q-meta" }, `${query.difficulty} · compared ${query.compare} · ${query.result_hash.slice(0, 19)}…`),
      el("pre", { class: "sql" }, query.sql), copy, table));
  }
  $("golden").hidden = queries.length === 0;
}

async function showAssets(jobId) {
  const assets = await api(`/api/provision/assets/${jobId}`);
  if (state.selected !== jobId) return;
  $("detail-title").textContent = assets.research ? assets.research.company_name : assets.url;
  $("detail-status").textContent = `${assets.status} · ${assets.current_phase} · ${Math.round(assets.progress_percentage)}%`;
  $("detail-error").hidden = !assets.error;
  $("detail-error").textContent = assets.error || "";
  if (assets.research) renderResearch(assets.research); else $("research").hidden = true;
  $("er-diagram").textContent = assets.er_diagram || "";
  $("er").hidden = !assets.er_diagram;
  renderGolden(assets.golden_queries || []);
  $("demo-script").textContent = assets.demo_script || "";
  $("script").hidden = !assets.demo_script;
}

function select(jobId) {
  state.selected = jobId;
  $("detail").hidden = false;
  renderJobs();
  showAssets(jobId);
}

$("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("form-error").hidden = true;
  const payload = { customer_url: $("url").value.trim() };
  const pages = parseInt($("max-pages").value, 10);
  const scale = parseFloat($("scale").value);
  if (pages) payload.max_pages = pages;
  if (scale) payload.scale = scale;
  try {
    const { job_id } = await api("/api/provision/start", { method: "POST", body: JSON.stringify(payload) });
    state.jobs.set(job_id, { job_id, url: payload.customer_url, status: "queued", current_phase: "queued", progress_percentage: 0, created_at: Date.now() / 1000 });
    follow(job_id);
    select(job_id);
  } catch (error) {
    $("form-error").textContent = error.message;
    $("form-error").hidden = false;
  }
});

refreshJobs();
