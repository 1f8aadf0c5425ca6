// groupdeck's own behaviour; loaded as a file because the CSP forbids inline scripts.
(function () {
  "use strict";

  // Copy buttons: data-copy="#selector" copies that input's value. The
  // clipboard API needs a secure context; when it is missing or refused, the
  // text is selected so the person can press Ctrl+C themselves.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var field = document.querySelector(btn.getAttribute("data-copy"));
    if (!field) return;
    var status = btn.parentElement.querySelector(".copy-status");
    var say = function (msg) { if (status) status.textContent = msg; };
    var fallback = function () {
      field.focus();
      field.select();
      say("Selected: press Ctrl+C (⌘C) to copy");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { say("Copied"); }, fallback);
    } else {
      fallback();
    }
  });

  // A form answered with 422 re-renders in place; move focus to the first
  // invalid field so keyboard and screen-reader users land on the problem.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var bad = ev.detail.target.querySelector && ev.detail.target.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  });
})();
