/* /envois/: the copy buttons (hidden without JavaScript: the links remain). */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  function done(button, ok) {
    var label = button.textContent;
    button.textContent = ok ? "Copié !" : "Copie impossible";
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.querySelectorAll("[data-copy-url], [data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.dataset.copyTarget
        ? Promise.resolve(document.getElementById(button.dataset.copyTarget).textContent)
        : fetch(button.dataset.copyUrl).then(function (r) { return r.text(); });
      text.then(function (value) { return navigator.clipboard.writeText(value); })
        .then(function () { done(button, true); }, function () { done(button, false); });
    });
  });
})();
