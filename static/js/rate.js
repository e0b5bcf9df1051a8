// The Rate view by keyboard: Y, N and U choose the relevance, 1 to 5 the importance, Enter
// saves (as in any form). Not while typing a reason.
(function () {
  "use strict";
  var form = document.querySelector("[data-rate-form]");
  if (!form) return;
  var keys = { y: "yes", n: "no", u: "unsure" };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" && target.type === "text")) return;
    var key = event.key.toLowerCase(), choice = null;
    if (keys[key]) choice = form.querySelector('input[name="relevant"][value="' + keys[key] + '"]');
    else if (/^[1-5]$/.test(key)) choice = form.querySelector('input[name="importance"][value="' + key + '"]');
    if (!choice) return;
    event.preventDefault();
    choice.checked = true;
    choice.focus();
  });
  // The first choice to make has the focus, so rating starts with no click; after a
  // refusal, the field it is about.
  var wrong = form.querySelector("textarea.is-invalid");
  var group = form.querySelector(".invalid-feedback.d-block");
  var first = form.querySelector('input[name="relevant"]:checked') || form.querySelector('input[name="relevant"]');
  if (wrong) wrong.focus();
  else if (group) (group.closest("fieldset").querySelector("input:checked") || group.closest("fieldset").querySelector("input")).focus();
  else if (first) first.focus();
})();
