// The cards in the margin, placed as a word processor places them. Each card starts level
// with the first of its words (or with its entry, for a note on a whole entry), or just
// under the card before it while that card still takes the height. The chosen card (clicked,
// its words clicked, focused, or being answered) goes level with its words, and the others
// move out of its way: up above it, down below it. Placed again whenever a card or the
// page changes size, after every redraw, and when the window is resized. On a narrow
// screen the cards sit under their block in the page's flow, and nothing here moves them.
//
// Cards are moved by transform from where the page's flow puts them (floated into the
// margin): a transform moves nothing else, so placing them never changes the page's
// layout, and a redraw by the server needs nothing put back.
(function () {
  "use strict";
  var GAP = 8;
  var wide = window.matchMedia("(min-width: 1200px)");
  var frame = 0;

  function doc() { return document.getElementById("document"); }

  function cardsOf(page) {
    return Array.prototype.filter.call(page.querySelectorAll(".review-margin > .review-card"), function (card) {
      return card.getClientRects().length > 0 && !card.closest(".detached-notes");
    });
  }

  // The words a card is about: the first of its highlights that shows, else its field or
  // entry (a note on a whole entry, or words no longer marked), else none.
  function wordsOf(card, page) {
    var kind = card.dataset.thread ? "thread" : "suggestion";
    var id = card.dataset.thread || card.dataset.suggestion;
    var marks = page.querySelectorAll("[data-" + kind + '="' + id + '"]:not(.review-card)');
    for (var i = 0; i < marks.length; i++) if (marks[i].getClientRects().length) return marks[i];
    var path = card.dataset.about, place = null;
    if (path) {
      // A note on a whole section (narrative:3) goes beside its first field.
      // (Not the classification table's row for a group: its heading further down.)
      place = page.querySelector('[data-field="' + CSS.escape(path) + '"]') ||
        page.querySelector('[data-path="' + CSS.escape(path) + '"]:not(.classification-table *)') ||
        page.querySelector('[data-field^="' + CSS.escape(path + ".") + '"]');
    }
    return place && place.getClientRects().length ? place : blockOf(card.parentElement);
  }

  // The block a margin is drawn under: its entry, or the block just before it.
  function blockOf(margin) {
    if (margin.parentElement.matches("li, tr")) return margin.parentElement;
    var before = margin.previousElementSibling;
    while (before && (before.classList.contains("review-margin") || !before.getClientRects().length)) {
      before = before.previousElementSibling;
    }
    return before || margin.parentElement;
  }

  function isChosen(card) {
    if (card.classList.contains("review-active") || card.querySelector(".editing")) return true;
    var focused = document.activeElement;
    return !!(focused && card.contains(focused) && focused.matches(":focus-visible"));
  }

  // Where each card goes, in order of its words: the chosen card level with its words,
  // those after it below it, those before it above it.
  function place(items, chosen) {
    var floor = -Infinity, i;
    for (i = 0; i < items.length; i++) {
      if (i === chosen) floor = -Infinity;
      items[i].top = Math.max(items[i].wanted, floor);
      floor = items[i].top + items[i].height + GAP;
    }
    if (chosen < 0) return;
    var ceiling = items[chosen].top - GAP;
    for (i = chosen - 1; i >= 0; i--) {
      items[i].top = Math.min(items[i].top, ceiling - items[i].height);
      ceiling = items[i].top - GAP;
    }
  }

  function layout() {
    frame = 0;
    var page = doc();
    if (!page) return null;
    var cards = cardsOf(page);
    if (!wide.matches) {
      cards.forEach(function (card) { card.style.transform = ""; });
      return null;
    }
    var scroll = window.scrollY;
    // Where the flow puts a card, whatever its transform now (even mid-way in a move): its
    // margin's box, which is never moved, and the card's offset in it.
    var items = cards.map(function (card, index) {
      var margin = card.parentElement, words = wordsOf(card, page);
      var natural = margin.getBoundingClientRect().top + card.offsetTop + scroll;
      return {
        card: card, index: index, natural: natural, height: card.offsetHeight, words: words,
        wanted: words ? words.getClientRects()[0].top + scroll : natural,
      };
    });
    items.sort(function (a, b) { return a.wanted - b.wanted || a.index - b.index; });
    var chosen = -1;
    items.forEach(function (item, index) { if (chosen < 0 && isChosen(item.card)) chosen = index; });
    place(items, chosen);
    items.forEach(function (item) {
      var shift = Math.round(item.top - item.natural);
      item.card.style.transform = shift ? "translateY(" + shift + "px)" : "";
      if (!item.card.classList.contains("is-placed")) {
        // Moved at once the first time, smoothly after: a new card does not fly in.
        window.requestAnimationFrame(function () { item.card.classList.add("is-placed"); });
      }
    });
    return chosen < 0 ? null : items[chosen];
  }

  function schedule() {
    if (!frame) frame = window.requestAnimationFrame(layout);
  }

  // Brings a card level with its words and scrolls so both show, under the sticky header.
  function show(card) {
    var placed = layout();
    var header = document.querySelector(".app-header");
    var over = (header ? header.getBoundingClientRect().bottom : 0) + 12;
    var words = placed && placed.card === card ? placed.words : null;
    var scroll = window.scrollY, room = window.innerHeight - over - 12;
    var top, bottom;
    if (placed && placed.card === card) {
      top = placed.top;
      bottom = placed.top + placed.height;
      if (words) {
        var box = words.getBoundingClientRect();
        top = Math.min(top, box.top + scroll);
        bottom = Math.max(bottom, box.bottom + scroll);
      }
    } else {
      var own = card.getBoundingClientRect();
      top = own.top + scroll;
      bottom = own.bottom + scroll;
    }
    var target = scroll;
    if (bottom - top > room || top < scroll + over) target = top - over;
    else if (bottom > scroll + window.innerHeight - 12) target = bottom - window.innerHeight + 12;
    if (Math.abs(target - scroll) > 1) {
      var smooth = window.matchMedia("(prefers-reduced-motion: no-preference)").matches;
      window.scrollTo({ top: Math.max(0, target), behavior: smooth ? "smooth" : "auto" });
    }
  }

  var watched = new Set();
  var sizes = "ResizeObserver" in window ? new ResizeObserver(function () { layout(); }) : null;

  function watch() {
    if (!sizes) return;
    var page = doc();
    watched.forEach(function (element) {
      if (!element.isConnected) { sizes.unobserve(element); watched.delete(element); }
    });
    var current = page ? [page].concat(Array.prototype.slice.call(page.querySelectorAll(".review-card"))) : [];
    current.forEach(function (element) {
      if (!watched.has(element)) { watched.add(element); sizes.observe(element); }
    });
  }

  function redrawn() { watch(); schedule(); }

  document.addEventListener("htmx:afterSettle", redrawn);
  document.addEventListener("live:changed", redrawn);
  document.addEventListener("change", schedule);
  document.addEventListener("focusin", schedule);
  document.addEventListener("focusout", schedule);
  window.addEventListener("resize", schedule);
  if (wide.addEventListener) wide.addEventListener("change", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);
  document.addEventListener("DOMContentLoaded", redrawn);
  window.addEventListener("load", schedule);

  window.ReviewMargin = { layout: layout, show: show };
})();
