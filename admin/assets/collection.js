// A collection's entries, enhanced; every change works without this script (each entry's Move
// up, Move down and Remove buttons post a form). With it: an entry is dragged by its handle
// (pointer events: a mouse, a pen or a finger), or moved while focused with Alt+Arrow Up and
// Alt+Arrow Down, and the Move buttons move it in place; each new order is posted whole to the
// same endpoint as the buttons' ("op=reorder"), with the revision the page holds. A refusal (the
// collection changed since the page was opened) is shown, and the page is not changed further.
(function () {
  "use strict";
  var list = document.getElementById("entries");
  var status = document.getElementById("order-status");
  if (!list || !status || !window.fetch || !window.FormData) return;
  var csrf = list.querySelector("input[name=csrf]");
  var saving = Promise.resolve();
  var stale = false;

  function entries() {
    return Array.prototype.slice.call(list.querySelectorAll("li.entry"));
  }
  function nameOf(li) {
    var name = li.querySelector(".entry-name a") || li.querySelector(".entry-name");
    return name.textContent.trim();
  }

  // The buttons and places as the order is now, so that the forms stay right without a reload.
  function renumber() {
    var all = entries();
    all.forEach(function (li, i) {
      li.querySelector("input[name=index]").value = String(i + 1);
      li.querySelector("button[value=up]").disabled = i === 0;
      li.querySelector("button[value=down]").disabled = i === all.length - 1;
    });
  }

  function setRevision(revision) {
    list.setAttribute("data-revision", String(revision));
    document.querySelectorAll("input[name=revision]").forEach(function (input) {
      input.value = String(revision);
    });
  }

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("error", !!failed);
  }

  function post(movedName) {
    if (stale) return;
    renumber();
    var data = new FormData();
    data.set("csrf", csrf.value);
    data.set("op", "reorder");
    entries().forEach(function (li) {
      data.append("entry", li.getAttribute("data-entry"));
    });
    saving = saving.then(function () {
      data.set("revision", list.getAttribute("data-revision"));
      say("Saving the new order…", false);
      return fetch(list.getAttribute("data-order-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) {
              stale = response.status === 409;
              say((answer.error || "The order was not saved.") +
                  (stale ? " Reload the page to see it." : ""), true);
              return;
            }
            setRevision(answer.revision);
            var place = entries().findIndex(function (li) { return nameOf(li) === movedName; }) + 1;
            say("Saved: " + movedName + " is number " + place + ".", false);
          });
        })
        .catch(function () {
          say("The order was not saved: the connection failed. Try again.", true);
        });
    });
  }

  function move(li, by) {
    var all = entries();
    var at = all.indexOf(li) + by;
    if (at < 0 || at >= all.length) return;
    if (by < 0) list.insertBefore(li, all[at]);
    else list.insertBefore(li, all[at].nextSibling);
    post(nameOf(li));
  }

  entries().forEach(function (li) {
    li.tabIndex = 0;
    li.setAttribute("aria-describedby", "entries-help");
    var handle = document.createElement("span");
    handle.className = "handle";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿ Drag";
    li.insertBefore(handle, li.firstChild);
  });

  // The Move buttons move in place (Remove still posts its form).
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[value=up], button[value=down]");
    if (!button) return;
    event.preventDefault();
    var li = button.closest("li.entry");
    move(li, button.value === "up" ? -1 : 1);
    (button.disabled ? li : button).focus();
  });

  list.addEventListener("keydown", function (event) {
    var li = event.target;
    if (!li.classList || !li.classList.contains("entry") || !event.altKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    move(li, event.key === "ArrowUp" ? -1 : 1);
    li.focus();
  });

  // Dragging by the handle: the entry follows the pointer over the others; the order is posted
  // when it is let go, if it moved.
  var dragged = null;
  var before = "";
  list.addEventListener("pointerdown", function (event) {
    if (!event.target.classList.contains("handle")) return;
    event.preventDefault();
    dragged = event.target.closest("li.entry");
    before = entries().indexOf(dragged);
    dragged.classList.add("dragging");
    event.target.setPointerCapture(event.pointerId);
  });
  list.addEventListener("pointermove", function (event) {
    if (!dragged) return;
    var over = document.elementFromPoint(event.clientX, event.clientY);
    var target = over && over.closest ? over.closest("li.entry") : null;
    if (!target || target === dragged || target.parentNode !== list) return;
    var box = target.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? target : target.nextSibling);
  });
  function drop() {
    if (!dragged) return;
    var li = dragged;
    dragged = null;
    li.classList.remove("dragging");
    if (entries().indexOf(li) !== before) post(nameOf(li));
    li.focus();
  }
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);
})();
