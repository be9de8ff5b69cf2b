/* Search with the site's own Pagefind index (pagefind/pagefind.js, built with
   the site: one index, which the build merges from its shards by years).
   The page says what to do without JavaScript; this replaces that note with a
   search form, filters by state, country and theme, and results announced to
   screen readers. */
const form = document.querySelector("[data-search]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const noJs = document.querySelector("[data-search-nojs]");
const base = document.querySelector("link[rel=stylesheet]").getAttribute("href").replace(/theme\/css\/.*$/, "");

function plural(count) {
  return count === 0 ? "Aucune action trouvée." : count === 1 ? "1 action trouvée." : count + " actions trouvées.";
}

// One result: its title, then its state, publication date and case number (an
// action page's data-pagefind-meta and its "etat" filter), its outcome once it
// has one, and its summary.
function resultItem(data) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const facts = document.createElement("p");
  facts.className = "result__meta";
  const label = ((data.filters || {}).etat || [])[0];
  if (label) {
    const badge = document.createElement("span");
    badge.className = "badge badge--" + (meta.state || "open");
    badge.textContent = label;
    facts.append(badge);
  }
  for (const [key, prefix] of [["date", "Publiée le "], ["dossier", "Dossier "]]) {
    if (!meta[key]) { continue; }
    const part = document.createElement("span");
    part.textContent = prefix + meta[key];
    facts.append(part);
  }
  if (facts.childNodes.length) { item.append(facts); }
  if (meta.issue) {
    const outcome = document.createElement("p");
    outcome.className = "card__outcome card__outcome--" + (meta.state === "good-news" ? "good" : "neutral");
    outcome.textContent = meta.issue;
    item.append(outcome);
  }
  const excerpt = document.createElement("p");
  excerpt.textContent = meta.summary || data.excerpt.replace(/<[^>]*>/g, "");
  item.append(excerpt);
  return item;
}

async function start() {
  let pagefind;
  try {
    pagefind = await import(base + "pagefind/pagefind.js");
    await pagefind.init();
  } catch (error) {
    status.textContent = "La recherche est indisponible pour le moment.";
    return;
  }
  const filters = await pagefind.filters();
  form.querySelectorAll("select[data-filter]").forEach((select) => {
    const values = Object.keys(filters[select.dataset.filter] || {}).sort((a, b) => a.localeCompare(b, "fr"));
    values.forEach((value) => select.add(new Option(value + " (" + filters[select.dataset.filter][value] + ")", value)));
  });
  const params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";

  async function run() {
    const query = form.elements.q.value.trim();
    const chosen = {};
    form.querySelectorAll("select[data-filter]").forEach((select) => {
      if (select.value) { chosen[select.dataset.filter] = select.value; }
    });
    if (!query && !Object.keys(chosen).length) { list.replaceChildren(); status.textContent = ""; return; }
    const search = await pagefind.search(query || null, { filters: chosen });
    const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
    list.replaceChildren(...results.map(resultItem));
    status.textContent = plural(search.results.length);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  form.addEventListener("change", run);
  noJs.hidden = true;
  form.hidden = false; // only once it works
  if (form.elements.q.value) { run(); }
}
start();
