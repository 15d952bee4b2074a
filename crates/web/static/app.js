// Reglament: progressive enhancement only. Every page works without this script.
(function () {
  "use strict";

  // Ask before a destructive action.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-confirm]");
    if (b && !window.confirm(b.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });

  // Whole rows of a ticket list open their ticket.
  document.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-href]");
    if (row && !e.target.closest("a, button, input, select, textarea")) {
      window.location.href = row.getAttribute("data-href");
    }
  });

  var rows = function () {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue] tbody tr"));
  };
  var current = -1;
  var select = function (i) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r, j) {
      r.classList.toggle("current", j === current);
    });
    var link = list[current].querySelector("a");
    if (link) link.focus();
  };

  // The filing form's deadlines: show the row of the category chosen.
  var deadlines = document.querySelector("[data-deadlines]");
  var category = document.getElementById("category");
  if (deadlines) {
    var showDeadlines = function () {
      var chosen = category ? category.value : "";
      var rows = deadlines.querySelectorAll("tr[data-category]");
      Array.prototype.forEach.call(rows, function (r) {
        r.hidden = r.getAttribute("data-category") !== chosen;
      });
    };
    if (category) category.addEventListener("change", showDeadlines);
    showDeadlines();
  }

  var typing = function (el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  };

  var help = document.getElementById("keys");
  var helpButton = document.querySelector("[data-keys-help]");
  if (helpButton && help && help.showModal) {
    helpButton.addEventListener("click", function () {
      help.showModal();
    });
  }

  // Live pages: when a ticket shown here changes (on this node or another), fetch the page
  // again and swap in its live parts, leaving alone the one being typed in.
  var live = document.querySelector("[data-live]");
  if (live && window.EventSource && window.fetch && window.DOMParser) {
    var waiting = false;
    var refresh = function () {
      if (waiting) return;
      waiting = true;
      window.setTimeout(function () {
        window.fetch(window.location.href, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            waiting = false;
            if (!html) return;
            var doc = new DOMParser().parseFromString(html, "text/html");
            var parts = document.querySelectorAll("[data-live-part]");
            Array.prototype.forEach.call(parts, function (el) {
              if (el.contains(document.activeElement) && el !== document.body) return;
              var name = el.getAttribute("data-live-part");
              var fresh = doc.querySelector('[data-live-part="' + name + '"]');
              if (fresh) el.replaceWith(document.importNode(fresh, true));
            });
            current = -1;
            var status = document.getElementById("live-status");
            if (status) status.textContent = status.getAttribute("data-updated");
          })
          .catch(function () { waiting = false; });
      }, 250);
    };
    var events = null;
    var open = function () {
      events = new window.EventSource("/events");
      events.addEventListener("ticket", function (e) {
        var want = live.getAttribute("data-live");
        if (want === "queue" || want === e.data) refresh();
      });
      events.addEventListener("refresh", refresh);
    };
    open();
    // A browser allows six connections to a site: a page left behind must give its stream
    // back, and a page restored from the history cache takes a new one.
    window.addEventListener("pagehide", function () {
      if (events) events.close();
      events = null;
    });
    window.addEventListener("pageshow", function (e) {
      if (e.persisted && !events) {
        open();
        refresh();
      }
    });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var reply = document.getElementById("reply-body");
    switch (e.key) {
      case "j":
        select(current + 1);
        break;
      case "k":
        select(current < 0 ? 0 : current - 1);
        break;
      case "Enter":
        if (current >= 0 && rows()[current]) {
          window.location.href = rows()[current].getAttribute("data-href");
        } else {
          return;
        }
        break;
      case "/":
        var first = document.getElementById("q") ||
          document.querySelector(".filters select, .filters input:not([type=hidden])");
        if (!first) return;
        first.focus();
        break;
      case "r":
        if (!reply) return;
        reply.focus();
        break;
      case "?":
        if (!help || !help.showModal) return;
        help.showModal();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
})();
