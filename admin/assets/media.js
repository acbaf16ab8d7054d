// The media library's upload form, enhanced; it works without this script (one post, one alt
// text for every file). With it: files may be dropped on the form, each file gets an alt text
// field of its own, a file over the size limit is refused before it is sent, and each file is
// uploaded in a request of its own (so the limit is per file), with its result shown.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var input = document.getElementById("file");
  var perFile = document.getElementById("per-file");
  var status = document.getElementById("upload-status");
  if (!form || !input || !perFile || !status || !window.fetch || !window.FormData) return;
  var maxBytes = Number(form.getAttribute("data-max-mb")) * 1024 * 1024;

  function showFields() {
    perFile.textContent = "";
    Array.prototype.forEach.call(input.files, function (file, i) {
      var p = document.createElement("p");
      var label = document.createElement("label");
      label.htmlFor = "alt_" + i;
      label.textContent = "Alt text for " + file.name;
      var field = document.createElement("input");
      field.type = "text";
      field.id = "alt_" + i;
      field.name = "alt_" + i;
      field.maxLength = 1000;
      p.appendChild(label);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(field);
      perFile.appendChild(p);
    });
  }

  input.addEventListener("change", showFields);
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      form.classList.add("dragging");
    });
  });
  form.addEventListener("dragleave", function () {
    form.classList.remove("dragging");
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.classList.remove("dragging");
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    showFields();
  });

  function uploadOne(file, i) {
    var own = form.elements.namedItem("alt_" + i);
    var data = new FormData();
    data.set("csrf", form.elements.namedItem("csrf").value);
    data.set("alt", own && own.value ? own.value : form.elements.namedItem("alt").value);
    data.set("caption", form.elements.namedItem("caption").value);
    data.set("credit", form.elements.namedItem("credit").value);
    data.set("file", file, file.name);
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.status === 413) return { uploaded: [], errors: [file.name + ": too large"] };
      return response.json();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files);
    var errors = [];
    var uploaded = 0;
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      if (file.size > maxBytes) {
        errors.push(file.name + ": larger than " + form.getAttribute("data-max-mb") + " MB");
        return;
      }
      chain = chain.then(function () {
        status.textContent = "Uploading " + file.name + "…";
        return uploadOne(file, i).then(function (answer) {
          uploaded += answer.uploaded.length;
          errors = errors.concat(answer.errors);
        });
      });
    });
    chain
      .catch(function () {
        errors.push("The upload was interrupted: try again.");
      })
      .then(function () {
        if (!errors.length) {
          window.location.assign("/admin/media/?uploaded=" + uploaded);
          return;
        }
        status.textContent =
          (uploaded ? "Uploaded: " + uploaded + " file(s). " : "") + "Not uploaded — " + errors.join("; ");
        status.classList.add("error");
      });
  });
})();
