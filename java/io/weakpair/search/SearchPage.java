package io.weakpair.search;

/**
 * The search page: one form, results drawn by script from {@code /api/search}. Every text
 * from a response is set with {@code textContent} (never parsed as HTML), so a query or file
 * name cannot inject markup; the input is length-limited like the API. The query lives in the
 * URL ({@code /?q=&k=&rerank=}): loading such a URL runs it, and each search from the box pushes
 * a new URL, so results can be shared, bookmarked and reached again with Back. Results are links
 * (Tab reaches them, focus is outlined); "no results" and errors are shown as such in the status
 * line ({@code data-state}: idle, loading, done, empty, error).
 */
final class SearchPage {
    private SearchPage() {}

    /** Only this page's own inline script and style, and images and requests from this server. */
    static final String CSP =
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                    + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    static final String HTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>weakpair person search</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
              form { display: flex; gap: .6em; align-items: center; flex-wrap: wrap; }
              #q { flex: 1; min-width: 22em; font-size: 1.1em; padding: .35em; }
              #status { margin: .8em 0; color: #555; min-height: 1.2em; }
              #status.error { color: #b00020; font-weight: bold; }
              #status.empty { color: #8a5a00; font-weight: bold; }
              #results { display: grid; grid-template-columns: repeat(auto-fill, 118px); gap: .8em; }
              figure { margin: 0; min-width: 0; text-align: center; font-size: .8em; }
              figure a { display: block; border-radius: 3px; }
              figure img { width: 96px; height: 256px; object-fit: contain; background: #eee; border: 1px solid #ccc; }
              :focus-visible { outline: 3px solid #1a5fd0; outline-offset: 2px; }
              figcaption { overflow: hidden; }
              .rank { font-weight: bold; }
              /* A long file name stays inside its own cell: broken anywhere, at most two lines, the rest
                 ellipsised (the whole name is the tooltip and the image's alt text). */
              .name { overflow-wrap: anywhere; overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical;
                      -webkit-line-clamp: 2; line-clamp: 2; }
            </style>
            </head>
            <body>
            <h1>Person search</h1>
            <form id="search" role="search">
              <input id="q" name="q" type="search" maxlength="%MAXLEN%" autofocus required aria-label="describe the person"
                     placeholder="a man in a grey hoodie with a red backpack">
              <label>top <select id="k" name="k"><option>5</option><option selected>10</option><option>20</option><option>50</option></select></label>
              <label><input id="rerank" name="rerank" type="checkbox"> re-rank with ITM</label>
              <button id="go" type="submit">Search</button>
            </form>
            <div id="status" role="status" aria-live="polite"></div>
            <div id="results"></div>
            <script>
            "use strict";
            // The page's state is its URL (/?q=...&k=...&rerank=...): a search updates it, loading it runs the search,
            // so a result can be shared, bookmarked, reloaded and reached with Back/Forward.
            const form = document.getElementById("search"), status = document.getElementById("status"),
                  results = document.getElementById("results"), box = document.getElementById("q"),
                  kSelect = document.getElementById("k"), rerankBox = document.getElementById("rerank");
            let urlRerank = null;  // a rerank count from the URL (rerank=16), kept while the box stays ticked
            let generation = 0;    // only the newest request draws its answer
            function card(hit) {
              const fig = document.createElement("figure");
              fig.className = "hit";
              fig.dataset.imageId = hit.image_id;
              const link = document.createElement("a");
              link.href = hit.thumbnail;
              link.target = "_blank";
              link.rel = "noopener";
              const img = document.createElement("img");
              img.className = "thumb";
              img.alt = hit.name;
              img.src = hit.thumbnail;
              link.append(img);
              const cap = document.createElement("figcaption");
              const rank = document.createElement("div");
              rank.className = "rank";
              rank.textContent = "#" + hit.rank;
              const score = document.createElement("div");
              score.className = "score";
              score.textContent = "score " + hit.score.toFixed(4) + (hit.match !== undefined ? " · itm " + hit.match.toFixed(2) : "");
              const name = document.createElement("div");
              name.className = "name";
              name.textContent = hit.name + (hit.identity !== undefined ? " (id " + hit.identity + ")" : "");
              name.title = name.textContent;
              link.setAttribute("aria-label", "#" + hit.rank + " " + name.textContent);
              cap.append(rank, score, name);
              fig.append(link, cap);
              return fig;
            }
            function show(state, text) {
              status.className = state === "error" || state === "empty" ? state : "";
              status.dataset.state = state;
              if (state === "done" || state === "empty") status.dataset.done = "true"; else delete status.dataset.done;
              status.textContent = text;
            }
            function paramsFromForm() {
              const rerank = !rerankBox.checked ? "false" : urlRerank !== null ? urlRerank : "true";
              return new URLSearchParams({ q: box.value, k: kSelect.value, rerank: rerank });
            }
            // The form shows what the URL asks for; values the menu lacks are added to it, bad ones are left to the
            // server to refuse (its message is shown), so a hand-edited URL never silently becomes another query.
            function formFromParams(params) {
              box.value = params.get("q") || "";
              const k = params.get("k");
              if (k !== null && k !== "" && ![...kSelect.options].some(o => o.value === k)) kSelect.add(new Option(k, k, false, false));
              kSelect.value = k !== null && k !== "" ? k : "10";
              const r = (params.get("rerank") || "false").toLowerCase();
              rerankBox.checked = !["", "false", "off", "0"].includes(r);
              urlRerank = /^[0-9]+$/.test(r) && r !== "0" ? r : null;
            }
            async function run(params) {
              const mine = ++generation;
              show("loading", "searching…");
              try {
                const response = await fetch("/api/search?" + params);
                const data = await response.json();
                if (mine !== generation) return;
                if (!response.ok) throw new Error(data.error || response.statusText);
                const t = data.timing;
                const times = " in " + t.total_ms.toFixed(1) + " ms (text " + t.encode_ms.toFixed(1) + " ms, search " + t.search_ms.toFixed(1) + " ms"
                    + (data.rerank > 0 ? ", ITM re-rank of the top " + data.rerank + " " + t.rerank_ms.toFixed(1) + " ms" : "") + ")";
                if (data.results.length === 0) show("empty", "no results: the index holds " + data.gallery + " images" + times);
                else show("done", data.results.length + " of " + data.gallery + " images" + times);
                results.replaceChildren(...data.results.map(card));
              } catch (e) {
                if (mine !== generation) return;
                show("error", "error: " + e.message);
                results.replaceChildren();
              }
            }
            form.addEventListener("submit", (event) => {
              event.preventDefault();
              const params = paramsFromForm();
              const url = "/?" + params;
              // A new query is a new history entry; the same one again only refreshes the results.
              if (location.pathname + location.search === url) history.replaceState(null, "", url);
              else history.pushState(null, "", url);
              run(params);
            });
            function fromLocation() {
              const params = new URLSearchParams(location.search);
              formFromParams(params);
              if (params.has("q")) run(params);
              else { generation++; show("idle", ""); results.replaceChildren(); }
            }
            window.addEventListener("popstate", fromLocation);
            fromLocation();
            </script>
            </body>
            </html>
            """.replace("%MAXLEN%", Integer.toString(SearchRequest.MAX_QUERY_CHARS));
}
