/* Acting on an action page, and the printable letter: progressive enhancement.
   Without this file every link already carries the full letter (with blanks
   for the signature). With it: the reader's name and town (kept only in this
   browser's localStorage) are added to every letter and link, copy buttons
   appear, one letter language can be chosen, and the action can be marked done.
   URLs are built exactly like plugins/urgent_actions/links.py. */
(function () {
  "use strict";
  var STORE = "ua-reader";
  var DONE = "ua-done";

  function read(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  }
  // Python's quote(value, safe=""): encodeURIComponent also leaves !'()* alone.
  function enc(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  function crlf(text) { return text.replace(/\r\n|\r|\n/g, "\r\n"); }
  function initials(name) {
    return name.split(/[\s-]+/).filter(function (part) { return /^\p{L}/u.test(part); }).map(function (part) {
      return part.charAt(0).toUpperCase() + ".";
    }).join(" ");
  }

  // Bidirectional text, as plugins/urgent_actions/content/letters.py isolate_line:
  // a line entirely in the other direction than the letter's is isolated
  // (FSI ... PDI); a mixed line starting in the other direction gets a mark.
  var RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
  function strong(c) {
    if (!/\p{L}/u.test(c)) { return null; }
    return RTL_LETTER.test(c) ? "rtl" : "ltr";
  }
  function isolate(line, direction) {
    var seen = {}, first = null;
    Array.from(line).forEach(function (c) {
      var d = strong(c);
      if (d) { seen[d] = true; if (!first) { first = d; } }
    });
    var other = direction === "rtl" ? "ltr" : "rtl";
    if (!seen[other]) { return line; }
    if (!seen[direction]) { return "\u2068" + line + "\u2069"; }
    if (first !== direction) { return (direction === "rtl" ? "\u200f" : "\u200e") + line; }
    return line;
  }

  var reader = read(STORE, {});
  function shownName() {
    var name = (reader.name || "").trim();
    return reader.initials && name ? initials(name) : name;
  }
  // The lines under the closing: name and town, or the line to sign of the
  // letter's language (data-sign) when no name is given.
  function signature(way) {
    var lines = [shownName() || way.getAttribute("data-sign"), (reader.town || "").trim()].filter(Boolean);
    var direction = way.getAttribute("data-dir") || "ltr";
    return lines.map(function (line) { return isolate(line, direction); }).join("\n");
  }
  function letterOf(way) {
    return way.getAttribute("data-letter") + "\n\n" + signature(way);
  }

  function refresh() {
    document.querySelectorAll(".way").forEach(function (way) {
      var subject = way.getAttribute("data-subject");
      var body = enc(crlf(letterOf(way)));
      var mail = way.querySelector("a[data-mailto-prefix]");
      if (mail) {
        var prefix = mail.getAttribute("data-mailto-prefix");
        mail.href = prefix + (prefix.indexOf("?") < 0 ? "?" : "&") + "subject=" + enc(subject) + "&body=" + body;
      }
      way.querySelectorAll("a[data-webmail]").forEach(function (link) {
        var field = link.getAttribute("data-webmail") === "gmail" ? "su" : "subject";
        link.href = link.getAttribute("data-prefix") + "&" + field + "=" + enc(subject) + "&body=" + body;
      });
    });
    var values = { "data-reader-name": shownName(), "data-reader-town": (reader.town || "").trim() };
    Object.keys(values).forEach(function (attribute) {
      document.querySelectorAll("[" + attribute + "]").forEach(function (node) {
        if (!node.hasAttribute("data-placeholder")) {
          node.setAttribute("data-placeholder", node.textContent);
          node.setAttribute("data-placeholder-lang", node.getAttribute("lang") || "");
        }
        node.textContent = values[attribute] || node.getAttribute("data-placeholder");
        // The reader's name is in no known language: lang="" says so.
        node.setAttribute("lang", values[attribute] ? "" : node.getAttribute("data-placeholder-lang"));
        node.classList.toggle("is-filled", Boolean(values[attribute]));
      });
    });
  }

  var status = document.querySelector("[data-copy-status]");
  function announce(message) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  var LABELS = { address: "Adresse copiée.", subject: "Objet copié.", letter: "Lettre copiée.", sms: "Texte du SMS copié." };
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-copy");
      var way = button.closest(".way");
      var text = button.getAttribute("data-copy-text");
      if (kind === "subject") { text = way.getAttribute("data-subject"); }
      if (kind === "letter") { text = letterOf(way); }
      copyText(text).then(function () { announce(LABELS[kind]); }, function () {
        announce("La copie a échoué : sélectionnez le texte et copiez-le vous-même.");
      });
    });
  });

  // A contact form: the letter is copied, then the link opens the form in a new tab.
  document.querySelectorAll("a[data-copy-then-open]").forEach(function (link) {
    link.querySelectorAll("[data-without-js]").forEach(function (node) { node.hidden = true; });
    link.querySelectorAll("[data-with-js]").forEach(function (node) { node.hidden = false; });
    link.addEventListener("click", function () {
      var way = link.closest(".way");
      copyText(letterOf(way)).then(function () { announce(link.getAttribute("data-copied")); }, function () {
        announce("La copie a échoué : sélectionnez le texte et copiez-le vous-même.");
      });
    });
  });

  var form = document.querySelector("[data-personalise]");
  if (form) {
    form.hidden = false;
    form.elements.name.value = reader.name || "";
    form.elements.town.value = reader.town || "";
    form.elements.initials.checked = Boolean(reader.initials);
    form.addEventListener("input", function () {
      reader = { name: form.elements.name.value, town: form.elements.town.value, initials: form.elements.initials.checked };
      write(STORE, reader);
      refresh();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector("[data-forget]").addEventListener("click", function () {
      try { window.localStorage.removeItem(STORE); } catch (e) { /* storage off */ }
      reader = {};
      form.reset();
      refresh();
      announce("Vos nom et ville ont été effacés de cet appareil.");
    });
  }

  var choice = document.querySelector("[data-language-choice]");
  function showLanguage(language) {
    document.querySelectorAll(".way[data-lang]").forEach(function (way) {
      way.hidden = way.getAttribute("data-lang") !== language;
    });
    document.querySelectorAll("section.letter[lang]").forEach(function (letter) {
      letter.hidden = letter.getAttribute("lang") !== language;
    });
  }
  if (choice) {
    choice.hidden = false;
    choice.addEventListener("change", function (event) { showLanguage(event.target.value); });
    var checked = choice.querySelector("input:checked");
    if (checked) { showLanguage(checked.value); }
  }

  var done = document.querySelector("[data-done-toggle]");
  if (done) {
    var button = done.querySelector("button");
    var slug = button.getAttribute("data-action-slug");
    var render = function () {
      var isDone = read(DONE, []).indexOf(slug) >= 0;
      button.setAttribute("aria-pressed", String(isDone));
      button.textContent = isDone ? "Vous avez agi (annuler)" : "J'ai agi pour cette action";
    };
    done.hidden = false;
    button.addEventListener("click", function () {
      var list = read(DONE, []).filter(function (item) { return item !== slug; });
      if (button.getAttribute("aria-pressed") !== "true") { list.push(slug); }
      write(DONE, list);
      render();
    });
    render();
  }

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  // Today's date, in the letter's language (the build wrote the build's date).
  document.querySelectorAll("[data-letter-date]").forEach(function (node) {
    var holder = node.closest("[lang]");
    var language = (holder && holder.getAttribute("lang")) || document.documentElement.lang || "fr";
    var today = new Date();
    // As the build writes it (content/wording.py long_date): English in British
    // order ("7 December 2026"), French "1er" for the first of the month.
    var base = language.split("-")[0];
    try {
      var text = new Intl.DateTimeFormat(base === "en" ? "en-GB" : language, { dateStyle: "long", numberingSystem: "latn" }).format(today);
      node.textContent = base === "fr" && today.getDate() === 1 ? text.replace(/^1 /, "1er ") : text;
    } catch (e) { return; }
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    node.setAttribute("datetime", today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate()));
  });

  refresh();
})();
