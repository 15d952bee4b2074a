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
        var first = document.querySelector(".filters select, .filters input:not([type=hidden])");
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
