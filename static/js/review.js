// The review layer on the proposal page: select words to comment on them or suggest a
// change, link each highlight to its card in the margin (and back), show or hide resolved
// threads, and switch between editing and suggesting. The server draws again what each
// change changed (a card, an entry, or the whole document); what is chosen here (mode,
// resolved shown) is kept in localStorage and put back after each redraw.
(function () {
  "use strict";
  var MODE = "soc-review-mode", RESOLVED = "soc-review-resolved";

  function doc() { return document.getElementById("document"); }
  function stored(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }

  function applyChoices() {
    var page = doc();
    if (!page) return;
    var suggesting = stored(MODE) === "suggest";
    page.classList.toggle("mode-suggest", suggesting);
    var radio = document.getElementById(suggesting ? "mode-suggest" : "mode-edit");
    if (radio) radio.checked = true;
    var showResolved = stored(RESOLVED) === "1" || page.classList.contains("show-resolved");
    page.classList.toggle("show-resolved", showResolved);
    var toggle = page.querySelector("[data-show-resolved]");
    if (toggle) toggle.checked = showResolved;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "review-mode") { store(MODE, target.value); applyChoices(); }
    if (target.hasAttribute && target.hasAttribute("data-show-resolved")) {
      store(RESOLVED, target.checked ? "1" : "0");
      applyChoices();
    }
  });

  // Selecting words ---------------------------------------------------------------------
  var tools = function () { return document.getElementById("selection-tools"); };
  var chosen = null; // {path, start, end, quote, field}

  function hideTools() { var box = tools(); if (box) box.hidden = true; chosen = null; }

  function showTools() {
    var page = doc(), box = tools();
    if (!page || !box || !page.classList.contains("can-comment") || !window.ReviewSelection) return;
    var selection = window.getSelection();
    if (!selection || selection.rangeCount !== 1 || selection.isCollapsed) { hideTools(); return; }
    var range = selection.getRangeAt(0);
    if (!page.contains(range.commonAncestorContainer) || range.commonAncestorContainer.closest &&
        range.commonAncestorContainer.closest(".editing, .review-card")) { hideTools(); return; }
    var found = window.ReviewSelection.fromRange(range);
    if (!found || found.error || found.start === found.end) { hideTools(); return; }
    // By its path: a triple-click can start just before the field it selects.
    found.field = page.querySelector('[data-field="' + CSS.escape(found.path) + '"]');
    if (!found.field) { hideTools(); return; }
    chosen = found;
    var rect = window.ReviewSelection.rectOf(range);
    var suggest = box.querySelector('[data-selection="suggest"]');
    // The title is the coordinator's (the settings page): comment on it, never suggest.
    suggest.hidden = (page.classList.contains("can-write") && !page.classList.contains("mode-suggest")) ||
      found.field.hasAttribute("data-no-suggest");
    box.hidden = false;
    box.style.top = (window.scrollY + rect.top - box.offsetHeight - 6) + "px";
    box.style.left = (window.scrollX + rect.left) + "px";
  }

  document.addEventListener("mouseup", function (event) {
    if (event.target.closest && event.target.closest("#selection-tools")) return;
    window.setTimeout(showTools, 0);
  });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") showTools();
    if (event.key === "Escape") hideTools();
  });

  function formPlace(field) {
    var head = field.closest(".group-head");
    if (head) return { target: head, swap: "beforebegin" };
    var table = field.closest(".table-responsive");
    if (table) return { target: table, swap: "beforebegin" };
    return { target: field.closest("[data-review-target]") || field, swap: "afterbegin" };
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-selection]");
    if (!button || !chosen) return;
    var page = doc(), what = chosen;
    var url = page.dataset.base + (button.dataset.selection === "comment" ? "threads/new/" : "suggest/span/") +
      "?" + new URLSearchParams({ path: what.path, start: what.start, end: what.end, quote: what.quote }).toString();
    var place = formPlace(what.field);
    hideTools();
    htmx.ajax("GET", url, { target: place.target, swap: place.swap });
  });

  // Highlights and cards: clicking one shows the other ------------------------------------
  function activate(kind, id, from) {
    document.querySelectorAll(".review-active").forEach(function (element) { element.classList.remove("review-active"); });
    var card = document.getElementById(kind + "-" + id);
    var marks = document.querySelectorAll("[data-" + kind + '="' + id + '"]:not(.review-card)');
    if (card) card.classList.add("review-active");
    marks.forEach(function (mark) { mark.classList.add("review-active"); });
    // The card goes level with its words, the others out of its way, and both in view.
    if (card && window.ReviewMargin) window.ReviewMargin.show(card);
    if (from === "mark" && card) card.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("a, button, textarea, input, select, label, .editing")) return;
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    var mark = event.target.closest("mark[data-thread], del[data-suggestion], ins[data-suggestion]");
    if (mark) {
      if (mark.dataset.thread) activate("thread", mark.dataset.thread, "mark");
      else activate("suggestion", mark.dataset.suggestion, "mark");
      return;
    }
    var card = event.target.closest(".review-card[data-thread], .review-card[data-suggestion]");
    if (card) {
      if (card.dataset.thread) activate("thread", card.dataset.thread, "card");
      else activate("suggestion", card.dataset.suggestion, "card");
    } else if (event.target.closest("#document") && document.querySelector(".review-active")) {
      // A click elsewhere in the page closes the chosen card, as in a word processor.
      document.querySelectorAll(".review-active").forEach(function (element) { element.classList.remove("review-active"); });
      if (window.ReviewMargin) window.ReviewMargin.layout();
    }
  });

  // A link to a resolved thread shows resolved threads.
  function showTarget() {
    var id = window.location.hash.slice(1);
    var card = id && document.getElementById(id);
    if (card && card.classList.contains("status-resolved") && !doc().classList.contains("show-resolved")) {
      doc().classList.add("show-resolved");
      applyChoices();
      card.scrollIntoView({ block: "center" });
    }
    if (card && card.classList.contains("review-card")) {
      activate(card.dataset.thread ? "thread" : "suggestion", card.dataset.thread || card.dataset.suggestion, "card");
    }
  }
  window.addEventListener("hashchange", showTarget);

  // After a change the server says what happened; a refusal is said where it happened.
  document.addEventListener("saved", function (event) {
    var detail = event.detail || {};
    window.setTimeout(function () {
      if (!detail.problem && !detail.message) return;
      var place = (detail.anchor && document.getElementById(detail.anchor)) || doc();
      var note = document.createElement("div");
      note.className = "review-notice alert py-1 px-2 small " + (detail.problem ? "alert-danger" : "alert-success");
      note.setAttribute("role", detail.problem ? "alert" : "status");
      note.textContent = detail.problem || detail.message;
      if (place === doc()) place.prepend(note); else place.append(note);
      if (!detail.problem) window.setTimeout(function () { note.remove(); }, 4000);
    }, 60);
  });

  document.addEventListener("htmx:afterSwap", applyChoices);
  document.addEventListener("live:changed", applyChoices);
  document.addEventListener("DOMContentLoaded", function () { applyChoices(); showTarget(); });
})();
