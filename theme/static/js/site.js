/* Progressive enhancement only: every page works without this file.
   Marks <html> with "js", and re-checks deadlines against today's date so a
   page served from a cache days after the build still shows a passed deadline
   as passed. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // Today's date in Brussels without Intl time zones (slow on old phones):
  // CET is UTC+1, CEST (UTC+2) runs from the last Sunday of March to the last
  // Sunday of October, switching at 01:00 UTC.
  function lastSunday(year, month) {
    var day = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, day.getUTCDate() - day.getUTCDay(), 1);
  }
  function todayInBrussels() {
    var now = Date.now();
    var year = new Date(now).getUTCFullYear();
    var summer = now >= lastSunday(year, 2) && now < lastSunday(year, 9);
    return new Date(now + (summer ? 2 : 1) * 3600000).toISOString().slice(0, 10);
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
