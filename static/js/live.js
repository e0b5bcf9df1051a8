// An open proposal page follows others' changes: every few seconds it asks what changed
// since the change it shows (answered 304 while nothing did) and lets htmx put in what
// comes back: changed entries and the review bar, out of band, or the whole document.
// editing.js keeps every open form, what is typed in it and the cursor, through that.
(function () {
  "use strict";
  var EVERY = 5000;
  var tag = null, busy = false;

  function doc() { return document.getElementById("document"); }

  function poll() {
    var page = doc();
    if (!page || !page.dataset.live || busy || document.hidden || !window.htmx) return;
    busy = true;
    var headers = { "HX-Request": "true" };
    if (tag) headers["If-None-Match"] = tag;
    var url = page.dataset.live + "?since=" + encodeURIComponent(page.dataset.version || "0");
    // Signed out meanwhile: no sign-in page followed and put in; the next reload says so.
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 304 || response.status === 204) {
          tag = response.headers.get("ETag") || tag;
          return null;
        }
        if (!response.ok) return null; // signed out, or no longer a member
        return response.text().then(function (html) {
          tag = response.headers.get("ETag");
          var version = response.headers.get("X-Proposal-Version");
          htmx.swap(doc(), html, { swapStyle: "none" });
          var now = doc();
          if (now && version) now.dataset.version = version;
          document.dispatchEvent(new CustomEvent("live:changed"));
        });
      })
      .catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { busy = false; });
  }

  window.setInterval(poll, EVERY);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();

// A save says which change the page shows (X-Proposal-Version); the answer says which it
// shows once put in, when the answer holds every change since: its own change is then not
// drawn a second time by the next question.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var page = document.getElementById("document");
    if (page && page.dataset.version) event.detail.headers["X-Proposal-Version"] = page.dataset.version;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, page = document.getElementById("document");
    var version = xhr && event.detail.successful ? xhr.getResponseHeader("X-Proposal-Version") : null;
    if (page && version && Number(version) > Number(page.dataset.version || 0)) page.dataset.version = version;
  });
})();
