// Editing in place. After a save the server draws again what it changed: an entry, a
// card, or the whole document. This keeps every other open form in that part (and what
// is typed in it) through the redraw, lets Cancel put back what the form replaced, and
// brings the saved place into view.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // On a touch screen, a tap on an entry shows its tools (see app.css).
  document.addEventListener("click", function (event) {
    const editable = event.target.closest && event.target.closest(".editable");
    if (!editable || event.target.closest(".block-actions")) return;
    document.querySelectorAll(".editable.selected").forEach(function (other) {
      if (other !== editable) other.classList.remove("selected");
    });
    editable.classList.add("selected");
  });
  const originals = new Map(); // id of an open form -> the HTML it replaced
  let keptForms = [];

  let typing = null; // the field being typed in when its form is kept, and its cursor

  // Whatever is swapped (the document, an entry, a card): the forms open inside it that
  // the answer is not for (own: the one it answers), and where each stood.
  function keepForms(target, own) {
    keptForms = Array.from(target.querySelectorAll(".editing")).filter(function (box) {
      return box !== own;
    }).map(function (box) {
      const home = box.parentElement && box.parentElement.closest("[id]");
      return { box: box, home: home && home !== box ? home.id : "" };
    });
    const active = document.activeElement;
    typing = active && keptForms.some(function (kept) { return kept.box.contains(active); })
      ? { field: active, start: active.selectionStart, end: active.selectionEnd } : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const config = event.detail.requestConfig || {};
    const elt = config.elt;
    const target = event.detail.target;
    if (!target) return;
    if (elt && elt.hasAttribute("data-edit") && target.id && target.classList.contains("editable")) {
      originals.set(target.id, target.outerHTML);
    }
    const own = elt && elt.closest ? elt.closest(".editing") : null;
    keepForms(target, own);
    if (own && target.id === "document") originals.delete(own.id);
  });

  // Others' changes, put in out of band (live.js): an entry open in a form here is left
  // as it is (its save meets the version check), and Cancel then shows the fresh one.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target) return;
    if (target.classList.contains("editing")) {
      const fresh = event.detail.fragment && (event.detail.fragment.firstElementChild || event.detail.fragment);
      if (fresh && fresh.outerHTML) originals.set(target.id, fresh.outerHTML.replace(/ hx-swap-oob="[^"]*"/, ""));
      event.detail.shouldSwap = false;
      return;
    }
    keepForms(target, null);
  });
  document.addEventListener("htmx:oobAfterSwap", function () { restoreKeptForms(); });

  function restoreKeptForms() {
    if (!keptForms.length) return;
    const doc = document.getElementById("document");
    keptForms.forEach(function (kept) {
      const box = kept.box;
      const spot = document.getElementById(box.id);
      if (spot && spot !== box) {
        originals.set(box.id, spot.outerHTML); // Cancel now shows the fresh text
        spot.replaceWith(box);
      } else if (!spot) {
        const after = box.dataset.after && document.getElementById(box.dataset.after);
        const home = kept.home && document.getElementById(kept.home);
        if (after) after.after(box); else if (home) home.prepend(box); else if (doc) doc.prepend(box);
      }
    });
    keptForms = [];
    // Moved out and back, the field lost the focus: typing goes on where it was.
    if (typing && document.activeElement !== typing.field && document.body.contains(typing.field)) {
      typing.field.focus({ preventScroll: true });
      try { typing.field.setSelectionRange(typing.start, typing.end); } catch (e) { /* not a text field */ }
    }
    typing = null;
  }
  // afterSwap, not afterSettle: the forms must be back before anything else sees the page.
  document.addEventListener("htmx:afterSwap", restoreKeptForms);

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest("[data-cancel]");
    if (!cancel) return;
    const box = cancel.closest(".editing");
    if (!box || !box.closest("#document")) return; // the page without JavaScript: follow the link
    event.preventDefault();
    const html = originals.get(box.id);
    originals.delete(box.id);
    if (html) {
      box.outerHTML = html;
      const back = document.getElementById(box.id);
      if (back) { htmx.process(back); const edit = back.querySelector("[data-edit]"); if (edit) edit.focus(); }
    } else {
      box.remove();
    }
  });

  document.addEventListener("keydown", function (event) {
    const box = event.target.closest && event.target.closest(".editing");
    if (!box) return;
    if (event.key === "Escape") {
      const cancel = box.querySelector("[data-cancel]");
      if (cancel) cancel.click();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = box.querySelector("form");
      if (form) { event.preventDefault(); htmx.trigger(form, "submit"); }
    }
  });

  // A new form: put the cursor in its first field.
  document.addEventListener("htmx:afterSettle", function (event) {
    const box = event.detail.elt && event.detail.elt.classList && event.detail.elt.classList.contains("editing")
      ? event.detail.elt : null;
    const field = box && box.querySelector("textarea, input:not([type=hidden]), select");
    if (field) field.focus();
  });

  document.addEventListener("saved", function (event) {
    window.setTimeout(function () {
      const place = document.getElementById(event.detail.anchor);
      if (!place) return;
      place.classList.add("just-saved");
      const box = place.getBoundingClientRect();
      if (box.top < 60 || box.bottom > window.innerHeight) place.scrollIntoView({ block: "center" });
    }, 50);
  });

  // A save that did not go through says so where it was made, and leaves the form (and
  // what is typed in it) as it was.
  const PROBLEMS = {
    401: "You have been logged out, so this was not saved. Log in again in another tab, then press Save again: what you typed is still here.",
    403: "This change was refused: your role may not allow it, or this page is out of date (open the proposal again in another tab). Nothing was saved; what you typed is still here.",
    404: "This is no longer in the proposal: someone may have deleted it. Nothing was saved; what you typed is still here.",
  };
  function showProblem(elt, text) {
    const box = elt && elt.closest ? (elt.closest(".editing form") || elt.closest(".editing")) : null;
    const where = box || document.getElementById("document") || document.body;
    let alert = where.querySelector(":scope > .save-problem");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "save-problem alert alert-danger py-2";
      alert.setAttribute("role", "alert");
      where.prepend(alert);
    }
    alert.textContent = text;
    if (!box) alert.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    showProblem(event.detail.elt, PROBLEMS[status] ||
      "Something went wrong on the server (" + status + "), so this was not saved. What you typed is still here: try again in a moment.");
  });
  document.addEventListener("htmx:sendError", function (event) {
    showProblem(event.detail.elt, "The server could not be reached, so this was not saved. What you typed is still here: check the connection and try again.");
  });

  // Drag and drop within a list, by the handle in an entry's tools.
  let dragged = null;
  document.addEventListener("dragstart", function (event) {
    const handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) return;
    dragged = { row: handle.closest(".editable"), url: handle.dataset.move };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.row.id);
    event.dataTransfer.setDragImage(dragged.row, 10, 10);
    dragged.row.classList.add("dragging");
  });
  function dropSpot(event) {
    if (!dragged) return null;
    const row = event.target.closest && event.target.closest(".editable");
    if (!row || row === dragged.row || row.parentElement !== dragged.row.parentElement) return null;
    const box = row.getBoundingClientRect();
    return { row: row, below: event.clientY > box.top + box.height / 2 };
  }
  function clearMarks() {
    document.querySelectorAll(".drop-above, .drop-below").forEach(function (row) {
      row.classList.remove("drop-above", "drop-below");
    });
  }
  document.addEventListener("dragover", function (event) {
    const spot = dropSpot(event);
    if (!spot) return;
    event.preventDefault();
    clearMarks();
    spot.row.classList.add(spot.below ? "drop-below" : "drop-above");
  });
  document.addEventListener("drop", function (event) {
    const spot = dropSpot(event);
    clearMarks();
    if (!spot) return;
    event.preventDefault();
    let after = spot.row;
    if (!spot.below) {
      after = spot.row.previousElementSibling;
      while (after && !after.classList.contains("editable")) after = after.previousElementSibling;
    }
    if (after === dragged.row) return;
    const afterId = after ? after.dataset.path.split(":")[1] : "";
    htmx.ajax("POST", dragged.url, { values: { after: afterId }, target: "#document", swap: "outerHTML" });
  });
  document.addEventListener("dragend", function () {
    clearMarks();
    if (dragged) dragged.row.classList.remove("dragging");
    dragged = null;
  });

  // A field with a limit (data-limit) counts as one types: nothing pasted is cut off (no
  // maxlength); over the limit it says by how much, and Save is refused with the same
  // message by the server, which sends every character back.
  function counted(field) {
    const limit = Number(field.dataset.limit);
    let count = document.getElementById(field.id + "-count");
    if (!count) {
      count = document.createElement("div");
      count.id = field.id + "-count";
      count.className = "form-text field-count";
      count.setAttribute("aria-live", "polite");
      field.after(count);
      const described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
    }
    const length = field.value.length, over = length - limit;
    count.textContent = over > 0
      ? length.toLocaleString() + " characters: " + over.toLocaleString() + " over the limit of " +
        limit.toLocaleString() + ". Shorten it before saving; nothing you typed is cut off."
      : length.toLocaleString() + " of " + limit.toLocaleString() + " characters";
    count.classList.toggle("text-danger", over > 0);
    field.classList.toggle("is-over-limit", over > 0);
  }
  function countAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-limit]").forEach(function (field) {
      if (field.id && field.value.length > Number(field.dataset.limit) * 0.8) counted(field);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.limit && event.target.id) counted(event.target);
  });
  document.addEventListener("htmx:load", function (event) { countAll(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { countAll(document); });

  // Leaving the page with an open form that holds typed text: ask first.
  document.addEventListener("input", function (event) {
    const box = event.target.closest && event.target.closest(".editing");
    if (box) box.dataset.dirty = "true";
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".editing[data-dirty]")) { event.preventDefault(); event.returnValue = ""; }
  });
  document.addEventListener("submit", function (event) {
    const box = event.target.closest(".editing");
    if (box) delete box.dataset.dirty;
  }, true);
})();
