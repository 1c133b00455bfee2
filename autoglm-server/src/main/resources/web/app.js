// The page talks to the same server that served it; no outside scripts, fonts or CDNs.
"use strict";
const $ = (id) => document.getElementById(id);
let info = null;
let serverIndex = false; // /readyz reports an index: search goes to /api/search
const gallery = []; // {name, url, vector}: pictures added in this page, ranked here

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function api(path, body) {
  const res = await fetch(path, { method: body ? "POST" : "GET", headers: headers(), body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (res.status === 401) $("key-box").hidden = false; // the server wants a key: ask for it
  if (!res.ok) throw new Error((json.error && json.error.message) || res.status + " " + res.statusText);
  return json;
}

function showError(e) {
  $("error").hidden = !e;
  $("error").textContent = e ? String(e.message || e) : "";
}

async function embed(inputs) {
  const out = [];
  const size = Math.max(1, Math.min(32, info ? info.limits.max_inputs : 32));
  for (let i = 0; i < inputs.length; i += size) {
    const r = await api("/v1/embeddings", { model: info.model, input: inputs.slice(i, i + size) });
    r.data.forEach((d) => out.push(d.embedding));
  }
  return out;
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

async function addToGallery(items) { // items: {name, url}
  showError(null);
  const vectors = await embed(items.map((it) => it.url));
  items.forEach((it, i) => gallery.push({ ...it, vector: vectors[i] }));
  $("gallery-count").textContent = gallery.length + " pictures embedded";
}

function showResults(query, title) {
  const scored = gallery.map((g) => ({ ...g, score: dot(query, g.vector) })).sort((a, b) => b.score - a.score);
  const grid = $("results");
  grid.innerHTML = "";
  scored.slice(0, 12).forEach((s, i) => {
    const cell = document.createElement("div");
    cell.className = "hit" + (i === 0 ? " best" : "");
    const img = document.createElement("img");
    img.src = s.url;
    img.alt = s.name;
    const cap = document.createElement("div");
    cap.textContent = s.score.toFixed(3);
    cell.append(img, cap);
    grid.append(cell);
  });
  $("search-source").textContent = title;
}

async function search(text) {
  if (!gallery.length && serverIndex) return searchServer({ text }, "Best matches for “" + text + "” in the server's index (cosine similarity)");
  if (!gallery.length) throw new Error("add pictures (or make demo shapes) first");
  const [q] = await embed([text]);
  showResults(q, "Best matches for “" + text + "” among " + gallery.length + " pictures (cosine similarity)");
}

// Thumbnails are fetched with the same headers as the API (an <img src> could not send the key).
async function thumbnail(url) {
  const res = await fetch(url, { headers: headers() });
  if (!res.ok) return "";
  return URL.createObjectURL(await res.blob());
}

async function searchServer(query, title) {
  const r = await api("/api/search", { ...query, k: 12 });
  const grid = $("results");
  grid.innerHTML = "";
  const thumbs = [];
  for (const [i, hit] of r.results.entries()) {
    const cell = document.createElement("div");
    cell.className = "hit" + (i === 0 ? " best" : "");
    const img = document.createElement("img");
    img.alt = hit.metadata.caption || hit.id;
    img.title = hit.id + (hit.metadata.caption ? " — " + hit.metadata.caption : "");
    const cap = document.createElement("div");
    cap.textContent = hit.score.toFixed(3);
    cell.append(img, cap);
    grid.append(cell);
    if (hit.thumbnail_url) thumbs.push(thumbnail(hit.thumbnail_url).then((u) => { img.src = u; }));
  }
  await Promise.all(thumbs);
  $("search-source").textContent = title;
}

async function classify(url) {
  const labels = $("labels").value.split(",").map((s) => s.trim()).filter(Boolean);
  const templates = $("templates").value.split(";").map((s) => s.trim()).filter(Boolean);
  const r = await api("/api/classify", { image: url, labels, templates: templates.length ? templates : undefined });
  const out = $("classify-out");
  out.innerHTML = "";
  r.labels.forEach((l) => {
    const row = document.createElement("div");
    row.className = "bar";
    const name = document.createElement("span");
    name.textContent = l.label;
    const bar = document.createElement("div");
    bar.style.width = Math.max(1, l.score * 100) + "%";
    const pct = document.createElement("span");
    pct.textContent = (l.score * 100).toFixed(1) + "%";
    row.append(name, bar, pct);
    out.append(row);
  });
}

async function fusionAsk(kind, url) {
  const out = $("fusion-out");
  if (kind === "match") {
    const r = await api("/api/match", { image: url, text: $("match-text").value });
    out.textContent = "match " + (r.match * 100).toFixed(1) + "% — " + (r.match >= 0.5 ? "the text describes the picture" : "it does not");
  } else if (kind === "vqa") {
    const r = await api("/api/vqa", { image: url, question: $("question").value });
    out.textContent = r.answer + " (" + (r.score * 100).toFixed(1) + "%); then " +
      r.top.slice(1, 3).map((a) => a.answer + " " + (a.score * 100).toFixed(1) + "%").join(", ");
  } else {
    const r = await api("/api/caption", { image: url, beam: 3 });
    out.textContent = "“" + r.caption + "”";
  }
}

// Demo shapes drawn in the page in ShapeWorld's palette (what the bundled model was trained on):
// one bright shape on a dark ground.
const COLOURS = { red: "rgb(230,35,35)", green: "rgb(40,200,60)", blue: "rgb(40,100,255)", yellow: "rgb(245,230,40)" };
function drawShape(shape, colour, size) {
  const c = document.createElement("canvas");
  c.width = c.height = 64;
  const g = c.getContext("2d");
  g.fillStyle = "rgb(45,45,45)";
  g.fillRect(0, 0, 64, 64);
  g.fillStyle = COLOURS[colour];
  const r = size === "large" ? 22 : 12;
  g.beginPath();
  if (shape === "circle") g.arc(32, 32, r, 0, 2 * Math.PI);
  else if (shape === "square") g.rect(32 - r, 32 - r, 2 * r, 2 * r);
  else { g.moveTo(32, 32 - r); g.lineTo(32 + r, 32 + r); g.lineTo(32 - r, 32 + r); g.closePath(); }
  g.fill();
  return c.toDataURL("image/png");
}

function demoItems() {
  const items = [];
  for (const shape of ["circle", "square", "triangle"])
    for (const colour of ["red", "green", "blue", "yellow"])
      for (const size of ["large", "small"])
        items.push({ name: size + " " + colour + " " + shape, url: drawShape(shape, colour, size) });
  return items;
}

let wired = false;
async function init() {
  info = await api("/api/info");
  $("model").textContent = "model " + info.model + " · " + info.dimensions + " dimensions";
  $("key-box").hidden = !info.auth_required;
  const ready = await fetch("/readyz").then((r) => r.json()).catch(() => ({}));
  serverIndex = !!(ready.checks && ready.checks.index);
  if (serverIndex) {
    $("search-source").textContent = "Searching the server's picture index (/api/search); pictures you add below are ranked in this page instead.";
  }
  if (wired) return;
  wired = true;
  $("demo-gallery").onclick = () => addToGallery(demoItems()).catch(showError);
  $("gallery-files").onchange = async (e) => {
    const files = [...e.target.files];
    const items = await Promise.all(files.map(async (f) => ({ name: f.name, url: await readAsDataUrl(f) })));
    addToGallery(items).catch(showError);
  };
  $("search-form").onsubmit = (e) => {
    e.preventDefault();
    showError(null);
    search($("query").value.trim()).catch(showError);
  };
  $("query-image").onchange = async (e) => {
    try {
      showError(null);
      const url = await readAsDataUrl(e.target.files[0]);
      if (!gallery.length && serverIndex) return await searchServer({ image: url }, "Pictures in the server's index most like " + e.target.files[0].name);
      if (!gallery.length) throw new Error("add pictures (or make demo shapes) first");
      const [q] = await embed([url]);
      showResults(q, "Pictures most like " + e.target.files[0].name);
    } catch (err) { showError(err); }
  };
  const fusionReady = info.endpoints ? info.endpoints.includes("/api/vqa") : true;
  $("fusion-note").hidden = fusionReady;
  ["match", "ask", "caption"].forEach((id) => { $(id).disabled = !fusionReady; });
  let fusionUrl = null;
  $("fusion-file").onchange = async (e) => {
    fusionUrl = await readAsDataUrl(e.target.files[0]);
    $("fusion-preview").src = fusionUrl;
    $("fusion-preview").hidden = false;
  };
  const fusionClick = (kind) => () => {
    showError(null);
    if (!fusionUrl) return showError(new Error("choose a picture first"));
    fusionAsk(kind, fusionUrl).catch(showError);
  };
  $("match").onclick = fusionClick("match");
  $("ask").onclick = fusionClick("vqa");
  $("caption").onclick = fusionClick("caption");
  let classifyUrl = null;
  $("classify-file").onchange = async (e) => {
    classifyUrl = await readAsDataUrl(e.target.files[0]);
    $("classify-preview").src = classifyUrl;
    $("classify-preview").hidden = false;
  };
  $("classify").onclick = () => {
    showError(null);
    if (!classifyUrl) return showError(new Error("choose a picture first"));
    classify(classifyUrl).catch(showError);
  };
  // ?demo=1: fill the page by itself (used by the headless-browser check in bench/).
  // With a server index the search goes to /api/search; without one, to 24 shapes drawn here.
  if (new URLSearchParams(location.search).has("demo")) {
    if (!serverIndex) await addToGallery(demoItems());
    $("query").value = "a large red circle";
    await search("a large red circle");
    classifyUrl = drawShape("square", "blue", "large");
    $("classify-preview").src = classifyUrl;
    $("classify-preview").hidden = false;
    await classify(classifyUrl);
    if (fusionReady) {
      fusionUrl = drawShape("circle", "red", "large");
      $("fusion-preview").src = fusionUrl;
      $("fusion-preview").hidden = false;
      await fusionAsk("vqa", fusionUrl);
    }
    document.body.dataset.demo = "done";
  }
}

$("api-key").onchange = () => { showError(null); init().catch(showError); };
init().catch(showError);
