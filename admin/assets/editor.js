// The editor's enhancements; the form works without them. After a pause in typing it shows the
// preview (the form posted to /admin/articles/preview/ into the frame: the site's own renderer
// and theme) and autosaves a revision (a draft, never the published page).
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var previewButton = document.getElementById("preview-button");
  var status = document.getElementById("autosave");
  if (!form || !previewButton || !window.fetch) return;
  var PREVIEW_PAUSE_MS = 800;
  var AUTOSAVE_PAUSE_MS = 5000;
  var previewTimer = 0;
  var autosaveTimer = 0;
  var saving = false;

  function preview() {
    if (form.requestSubmit) form.requestSubmit(previewButton);
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function autosave() {
    if (saving) return;
    saving = true;
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "autosave");
    fetch("/admin/articles/save/", {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!/json/.test(response.headers.get("Content-Type") || "")) {
        status.textContent = "Not autosaved (" + response.status + "): open the page again.";
        return;
      }
      return response.json().then(function (body) {
        if (response.ok) {
          field("id").value = body.id;
          field("revision").value = body.revision;
          status.textContent = "Draft autosaved at " + new Date().toLocaleTimeString() + ".";
        } else if (response.status === 409) {
          status.textContent = "Someone else saved this piece: save to see both versions.";
        } else {
          status.textContent = "Not autosaved: " + (body.error || response.status);
        }
      });
    }).catch(function () {
      status.textContent = "Not autosaved: the newsroom cannot be reached.";
    }).then(function () {
      saving = false;
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(previewTimer);
    clearTimeout(autosaveTimer);
    previewTimer = setTimeout(preview, PREVIEW_PAUSE_MS);
    autosaveTimer = setTimeout(autosave, AUTOSAVE_PAUSE_MS);
  });
  preview();
})();

// The film suggestion: choosing a film from the site's films (the title's list) fills every
// film fact from its record (/admin/films/lookup/?title=, the newsroom's record as JSON). Without
// the script, saving fills the facts the form left empty from the one record of that title.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var title = document.getElementById("film_title");
  var said = document.getElementById("film-suggestion");
  if (!form || !title || !window.fetch) return;
  var facts = {
    film_original_title: "original_title", film_year: "year", film_directors: "directors",
    film_countries: "countries", film_runtime: "runtime_min", film_cast: "cast",
    film_imdb: "imdb", film_wikidata: "wikidata", film_tmdb: "tmdb"
  };

  function text(value) {
    if (Array.isArray(value)) return value.join(", ");
    if (value === 0) return "";
    return String(value === undefined || value === null ? "" : value);
  }

  function fill(film) {
    Object.keys(facts).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input) input.value = text(film[facts[name]]);
    });
    if (said) {
      said.hidden = false;
      said.textContent = "Filled from the film record " + film.title +
        (film.year ? " (" + film.year + ")" : "") + ".";
    }
  }

  title.addEventListener("change", function () {
    var wanted = title.value.trim().toLowerCase();
    if (!wanted) return;
    fetch("/admin/films/lookup/?title=" + encodeURIComponent(title.value.trim()), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : { films: [] };
    }).then(function (body) {
      var same = (body.films || []).filter(function (f) {
        return f.title.toLowerCase() === wanted;
      });
      var year = form.elements.namedItem("film_year");
      var chosen = same.filter(function (f) {
        return year && year.value && String(f.year) === year.value.trim();
      })[0] || same[0];
      if (chosen) fill(chosen);
    }).catch(function () {});
  });
})();
