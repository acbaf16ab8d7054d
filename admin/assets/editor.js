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
