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

  // Group photo: check WhatsApp's rule (data-photo-type, square, at least
  // data-photo-min px, at most data-photo-max bytes; the server sets them
  // from its own rule) before uploading, and say what is wrong in words.
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[type=file][data-photo-check]")) return;
    var type = input.getAttribute("data-photo-type");
    var min = Number(input.getAttribute("data-photo-min"));
    var max = Number(input.getAttribute("data-photo-max"));
    var out = document.getElementById(input.getAttribute("aria-describedby"));
    var say = function (msg) {
      input.setCustomValidity(msg);
      input.setAttribute("aria-invalid", msg ? "true" : "false");
      if (out) { out.textContent = msg; out.hidden = !msg; }
    };
    var file = input.files && input.files[0];
    if (!file) { say(""); return; }
    if (file.type !== type) { say("The photo must be a JPEG (.jpg) file; this one is " + (file.type || "of an unknown type") + "."); return; }
    if (file.size > max) { say("The photo is " + (file.size / 1048576).toFixed(1) + " MB; WhatsApp accepts at most " + (max / 1048576) + " MB."); return; }
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onload = function () {
      URL.revokeObjectURL(url);
      if (img.naturalWidth !== img.naturalHeight) say("The photo is " + img.naturalWidth + "×" + img.naturalHeight + " pixels; it must be square (crop it first).");
      else if (img.naturalWidth < min) say("The photo is " + img.naturalWidth + "×" + img.naturalHeight + " pixels; it must be at least " + min + "×" + min + ".");
      else say("");
    };
    img.onerror = function () { URL.revokeObjectURL(url); say("That file could not be read as an image."); };
    img.src = url;
  });

  // A form answered with 422 re-renders in place; move focus to the first
  // invalid field so keyboard and screen-reader users land on the problem.
  // An outerHTML swap leaves ev.detail.target detached: look the
  // re-rendered form up again by its id.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var t = ev.detail.target;
    if (t && !t.isConnected && t.id) t = document.getElementById(t.id);
    var bad = t && t.querySelector && t.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  });

  // Character counters: data-counter="id" on a field keeps that element's
  // text at the field's length in characters (code points, as WhatsApp counts).
  document.addEventListener("input", function (ev) {
    var id = ev.target.getAttribute && ev.target.getAttribute("data-counter");
    if (!id) return;
    var out = document.getElementById(id);
    if (out) out.textContent = String(Array.from(ev.target.value).length);
  });

  // Media: check type and size against the chosen kind before the browser
  // uploads anything (the server checks again). The message blocks submit.
  var checkMedia = function (input) {
    var kind = document.getElementById(input.getAttribute("data-media-for"));
    var opt = kind && kind.options[kind.selectedIndex];
    var file = input.files && input.files[0];
    var msg = "";
    if (opt && file) {
      var ext = "." + file.name.split(".").pop().toLowerCase();
      var max = Number(opt.getAttribute("data-max"));
      if (opt.getAttribute("data-accept").split(",").indexOf(ext) < 0) {
        msg = "WhatsApp does not take " + ext + " files as " + opt.value + "; allowed: " + opt.getAttribute("data-accept");
      } else if (file.size > max) {
        msg = "The file is " + (file.size / 1048576).toFixed(1) + " MB; the limit for " + opt.value + " is " + (max / 1048576).toFixed(1) + " MB.";
      }
    }
    input.setCustomValidity(msg);
    var out = document.getElementById("media-error-live");
    if (out) out.textContent = msg;
  };
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.matches && t.matches("[data-media-for]")) checkMedia(t);
    if (t.id) {
      var input = document.querySelector('[data-media-for="' + t.id + '"]');
      if (input) checkMedia(input);
    }
  });

  // Close buttons of live panels: empty the panel but keep its element,
  // so the next "Who has it" can fill it again.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-close-panel]");
    if (!btn) return;
    var id = btn.getAttribute("data-close-panel");
    var panel = document.getElementById(id);
    if (!panel) return;
    var empty = document.createElement("div");
    empty.id = id;
    panel.replaceWith(empty);
  });

  // Template preview: a variable field (data-tvar="body.first_name")
  // updates the preview marks showing it, so the message reads as it will
  // be sent while the person types.
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("[data-tvar]")) return;
    var key = input.getAttribute("data-tvar");
    var name = key.slice(key.lastIndexOf(".") + 1);
    document.querySelectorAll("[data-tvar-show]").forEach(function (m) {
      if (m.getAttribute("data-tvar-show") === key) m.textContent = input.value || "{{" + name + "}}";
    });
  });
  // Time zone fields start from the browser's own zone when the person has
  // not saved one: schedules are written in the sender's local time.
  var fillZones = function () {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!zone) return;
    document.querySelectorAll("input[data-browser-tz]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fillZones);
  } else {
    fillZones();
  }
})();

// Live updates: say when they stop, and keep the console clean.
(function () {
  "use strict";
  if (!window.htmx || !window.EventSource) return;

  // htmx's SSE extension passes a dropped stream's error event to htmx,
  // which logs it with console.error as "[object Event]". A dropped stream
  // is expected (a restart, a network change, a slow subscriber dropped by
  // the server) and the page says so itself below, so the extension's
  // handler is called without the event: it still fires htmx:sseError and
  // reconnects a closed stream, but logs nothing.
  var open = htmx.createEventSource || function (url) { return new EventSource(url, { withCredentials: true }); };
  var prop = Object.getOwnPropertyDescriptor(EventSource.prototype, "onerror");
  htmx.createEventSource = function (url) {
    var es = open(url);
    Object.defineProperty(es, "onerror", {
      configurable: true,
      get: function () { return prop.get.call(es); },
      set: function (fn) {
        prop.set.call(es, typeof fn === "function" ? function () { return fn.call(es); } : fn);
      }
    });
    return es;
  };

  // The notice shows while any stream of the page is down, after a short
  // grace period so a reconnect that succeeds at once does not flicker.
  // Each live fragment re-fetches itself on htmx:sseOpen, so once the
  // notice goes the page shows what happened meanwhile.
  var down = new Set();
  var timer = 0;
  var render = function () {
    var out = document.getElementById("live-status");
    if (!out) return;
    clearTimeout(timer);
    if (down.size === 0) { out.textContent = ""; return; }
    timer = setTimeout(function () {
      if (down.size > 0) out.textContent = "Reconnecting… live updates paused; this page catches up when they resume.";
    }, 800);
  };
  document.addEventListener("htmx:sseError", function (ev) { down.add(ev.target); render(); });
  document.addEventListener("htmx:sseOpen", function (ev) { down.delete(ev.target); render(); });
  document.addEventListener("htmx:sseClose", function (ev) { down.delete(ev.target); render(); });
  // Leaving the page closes its streams; that is not an outage.
  window.addEventListener("pagehide", function () { down.clear(); render(); });
})();
