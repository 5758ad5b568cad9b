package io.weakpair.search;

/**
 * The search page: one form, results drawn by script from {@code /api/search}. Every text
 * from a response is set with {@code textContent} (never parsed as HTML), so a query or file
 * name cannot inject markup; the input is length-limited like the API.
 */
final class SearchPage {
    private SearchPage() {}

    /** Only this page's own inline script and style, and images and requests from this server. */
    static final String CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
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
              #status.error { color: #b00020; }
              #results { display: flex; flex-wrap: wrap; gap: .8em; }
              figure { margin: 0; width: 110px; text-align: center; font-size: .8em; overflow-wrap: anywhere; }
              figure img { width: 96px; height: 256px; object-fit: contain; background: #eee; border: 1px solid #ccc; }
              .rank { font-weight: bold; }
            </style>
            </head>
            <body>
            <h1>Person search</h1>
            <form id="search">
              <input id="q" name="q" type="text" maxlength="%MAXLEN%" autofocus required
                     placeholder="a man in a grey hoodie with a red backpack">
              <label>top <select id="k"><option>5</option><option selected>10</option><option>20</option><option>50</option></select></label>
              <label><input id="rerank" type="checkbox"> re-rank with ITM</label>
              <button id="go" type="submit">Search</button>
            </form>
            <div id="status"></div>
            <div id="results"></div>
            <script>
            "use strict";
            const form = document.getElementById("search"), status = document.getElementById("status"),
                  results = document.getElementById("results");
            function card(hit) {
              const fig = document.createElement("figure");
              fig.className = "hit";
              fig.dataset.imageId = hit.image_id;
              const img = document.createElement("img");
              img.className = "thumb";
              img.alt = hit.name;
              img.src = hit.thumbnail;
              const cap = document.createElement("figcaption");
              const rank = document.createElement("div");
              rank.className = "rank";
              rank.textContent = "#" + hit.rank;
              const score = document.createElement("div");
              score.className = "score";
              score.textContent = "score " + hit.score.toFixed(4) + (hit.match !== undefined ? " · itm " + hit.match.toFixed(2) : "");
              const name = document.createElement("div");
              name.textContent = hit.name + (hit.identity !== undefined ? " (id " + hit.identity + ")" : "");
              cap.append(rank, score, name);
              fig.append(img, cap);
              return fig;
            }
            form.addEventListener("submit", async (event) => {
              event.preventDefault();
              const params = new URLSearchParams({
                q: document.getElementById("q").value,
                k: document.getElementById("k").value,
                rerank: document.getElementById("rerank").checked ? "true" : "false"
              });
              status.className = "";
              delete status.dataset.done;
              status.textContent = "searching…";
              try {
                const response = await fetch("/api/search?" + params);
                const data = await response.json();
                if (!response.ok) throw new Error(data.error || response.statusText);
                const t = data.timing;
                status.textContent = data.results.length + " of " + data.gallery + " images in " + t.total_ms.toFixed(1) + " ms (text "
                    + t.encode_ms.toFixed(1) + " ms, search " + t.search_ms.toFixed(1) + " ms"
                    + (data.rerank > 0 ? ", ITM re-rank of the top " + data.rerank + " " + t.rerank_ms.toFixed(1) + " ms" : "") + ")";
                status.dataset.done = "true";
                results.replaceChildren(...data.results.map(card));
              } catch (e) {
                status.className = "error";
                status.textContent = "error: " + e.message;
                results.replaceChildren();
              }
            });
            </script>
            </body>
            </html>
            """.replace("%MAXLEN%", Integer.toString(SearchRequest.MAX_QUERY_CHARS));
}
