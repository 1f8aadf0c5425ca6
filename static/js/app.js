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
  // A form sent back as a whole page (no htmx) with errors: the same, as
  // the page loads, unless something already took the focus (autofocus).
  var focusFirstInvalid = function () {
    if (document.activeElement && document.activeElement !== document.body) return;
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstInvalid);
  } else {
    focusFirstInvalid();
  }

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

  // Main menu. Below 700 px the Menu button shows or hides it; the
  // Groups, Messaging and Admin submenus are <details>, so they work with
  // the keyboard without script. Script only tidies up: one submenu open
  // at a time, a click elsewhere or Escape closes them.
  var openSubmenus = function (except) {
    return Array.prototype.filter.call(document.querySelectorAll(".menu details[open]"), function (d) { return d !== except; });
  };
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest(".menu-button");
    if (btn) {
      var top = btn.closest(".top");
      var open = !top.classList.contains("open");
      top.classList.toggle("open", open);
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var inside = ev.target.closest(".menu details");
    openSubmenus(inside).forEach(function (d) { d.open = false; });
  });
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (!d.matches || !d.matches(".menu details") || !d.open) return;
    openSubmenus(d).forEach(function (o) { o.open = false; });
  }, true);
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    var subs = openSubmenus(null);
    if (subs.length) {
      subs.forEach(function (d) { d.open = false; });
      subs[0].querySelector("summary").focus();
      return;
    }
    // A confirmation panel (Reset link…, Delete link…, Reset password…)
    // is a <details>: Escape inside it cancels, as in a dialog, and gives
    // the focus back to the summary that opened it.
    var panel = document.activeElement && document.activeElement.closest && document.activeElement.closest("details[open]");
    if (panel) {
      panel.open = false;
      var summary = panel.querySelector("summary");
      if (summary) summary.focus();
      return;
    }
    var top = document.querySelector(".top.open");
    if (top) {
      top.classList.remove("open");
      var b = top.querySelector(".menu-button");
      b.setAttribute("aria-expanded", "false");
      b.focus();
    }
  });

  // Groups list bulk bar: count what is ticked, tick a whole page, and
  // keep the ticks when the live list re-renders its rows.
  var selectionCount = function () {
    var out = document.querySelector("[data-testid=selected-count]");
    if (!out) return;
    var all = document.querySelector("[data-select-all]");
    if (all && all.checked) {
      out.textContent = "All " + all.parentElement.textContent.replace(/^\s*Select all\s*/, "").trim() + " selected";
      return;
    }
    var n = document.querySelectorAll("input[name=id][form=selection]:checked").length;
    out.textContent = n === 0 ? "None selected" : n === 1 ? "1 group selected" : n + " groups selected";
  };
  var ticked = new Set();
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t.matches) return;
    if (t.matches("[data-select-page]")) {
      document.querySelectorAll("input[name=id][form=selection]").forEach(function (c) { c.checked = t.checked; });
    }
    if (t.matches("[data-select-page], input[name=id][form=selection]")) {
      document.querySelectorAll("input[name=id][form=selection]").forEach(function (c) {
        if (c.checked) ticked.add(c.value); else ticked.delete(c.value);
      });
    }
    if (t.matches("[data-select-page], [data-select-all], input[name=id][form=selection]")) selectionCount();
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail.target.id === "group-rows") {
      document.querySelectorAll("input[name=id][form=selection]").forEach(function (c) { c.checked = ticked.has(c.value); });
    } else if (ev.detail.target.id === "groups-results") {
      ticked.clear(); // a new search or filter: a new set of rows
    }
    selectionCount();
  });
})();

// Several-groups picker (views/group_multipicker.templ): Add copies the
// result's chip in, the chip's × takes it out; ArrowDown/ArrowUp move
// between the search box and the results, and Enter in the search box
// goes to the first result instead of submitting the form.
(function () {
  var pickerOf = function (el) { return el.closest && el.closest("[data-multi-picker]"); };
  var sync = function (root) {
    var chosen = new Set();
    root.querySelectorAll(".chips [data-chip]").forEach(function (c) { chosen.add(c.getAttribute("data-chip")); });
    root.querySelectorAll("[data-pick-add]").forEach(function (b) {
      b.setAttribute("aria-pressed", chosen.has(b.getAttribute("data-pick-add")) ? "true" : "false");
    });
    var n = root.querySelector("[data-chosen-count]");
    if (n) n.textContent = String(chosen.size);
  };
  document.addEventListener("click", function (ev) {
    var add = ev.target.closest && ev.target.closest("[data-pick-add]");
    var remove = ev.target.closest && ev.target.closest("[data-chip-remove]");
    var root = pickerOf(ev.target);
    if (!root || (!add && !remove)) return;
    var chips = root.querySelector(".chips");
    if (add) {
      var id = add.getAttribute("data-pick-add");
      var have = chips.querySelector('[data-chip="' + CSS.escape(id) + '"]');
      if (have) {
        have.remove(); // a second press takes it out again
      } else {
        chips.appendChild(add.parentElement.querySelector("template").content.cloneNode(true));
        var sel = root.getAttribute("data-picker-selects");
        var radio = sel && document.getElementById(sel);
        if (radio) radio.checked = true;
      }
    } else {
      remove.closest("[data-chip]").remove();
      root.querySelector("[data-picker-search]").focus();
    }
    sync(root);
  });
  document.addEventListener("keydown", function (ev) {
    var root = pickerOf(ev.target);
    if (!root) return;
    var options = Array.prototype.slice.call(root.querySelectorAll("[data-pick-add]"));
    var search = root.querySelector("[data-picker-search]");
    var at = options.indexOf(ev.target);
    if (ev.target === search && (ev.key === "Enter" || ev.key === "ArrowDown")) {
      ev.preventDefault();
      if (options.length) options[0].focus();
    } else if (at >= 0 && ev.key === "ArrowDown") {
      ev.preventDefault();
      if (at + 1 < options.length) options[at + 1].focus();
    } else if (at >= 0 && ev.key === "ArrowUp") {
      ev.preventDefault();
      (at > 0 ? options[at - 1] : search).focus();
    }
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var root = pickerOf(ev.detail.target);
    if (root) sync(root);
  });
})();
