/* Progressive enhancement only: every page works without this file.
   Marks <html> with "js", and re-checks deadlines against today's date so a
   page served from a cache days after the build still shows a passed deadline
   as passed. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function todayInBrussels() {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Brussels" }).format(new Date());
    } catch (e) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  var today = todayInBrussels();
  var article = document.querySelector("article.action[data-state='open']");
  document.querySelectorAll("time[data-deadline]").forEach(function (time) {
    var deadline = time.getAttribute("data-deadline");
    if (deadline >= today) { return; }
    var note = time.parentNode.querySelector("[data-days-left]");
    if (note) { note.textContent = " (" + (root.lang === "fr" ? "dépassée" : "passed") + ")"; }
  });
  if (article) {
    var deadlineEl = article.querySelector("time[data-deadline]");
    if (deadlineEl && deadlineEl.getAttribute("data-deadline") < today) {
      article.setAttribute("data-state", "past-deadline");
    }
  }
})();

/* Home and lists: mark the actions this device has acted on (see act.js). */
(function () {
  "use strict";
  var done = [];
  try { done = JSON.parse(window.localStorage.getItem("ua-done")) || []; } catch (e) { done = []; }
  document.querySelectorAll("[data-action]").forEach(function (card) {
    if (done.indexOf(card.getAttribute("data-action")) < 0) { return; }
    card.classList.add("is-done");
    var label = card.querySelector("[data-done-label]");
    if (label) { label.hidden = false; }
  });
})();
