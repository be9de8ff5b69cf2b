/* Search with the site's own Pagefind index (pagefind/pagefind.js, built with
   the site). A large archive's index is split by years into shards: the newest
   is pagefind/, the others are named in data-search-shards and merged into it.
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

async function start() {
  let pagefind;
  try {
    pagefind = await import(base + "pagefind/pagefind.js");
    const shards = (form.dataset.searchShards || "").split(" ").filter(Boolean);
    for (const shard of shards) { await pagefind.mergeIndex(base + shard + "/"); }
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
    list.replaceChildren(...results.map((data) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      const excerpt = document.createElement("p");
      excerpt.textContent = (data.meta.summary || data.excerpt.replace(/<[^>]*>/g, ""));
      const heading = document.createElement("h2");
      heading.append(link);
      item.append(heading, excerpt);
      return item;
    }));
    status.textContent = plural(search.results.length);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  form.addEventListener("change", run);
  noJs.hidden = true;
  form.hidden = false; // only once it works
  if (form.elements.q.value) { run(); }
}
start();
