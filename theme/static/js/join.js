/* Sign-up forms: check the fields before sending, with an error summary at the
   top of the form (focused, linking to each field) and a message tied to each
   field (aria-describedby, aria-invalid). Without this file the browser's own
   checks (required, type=email, pattern) stop an incomplete form. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-signup]").forEach(function (form) {
    form.noValidate = true;
    var summary = form.querySelector("[data-error-summary]");
    var list = summary.querySelector("ul");

    function describe(input, ids) {
      var hint = input.getAttribute("aria-describedby") || "";
      var kept = hint.split(" ").filter(function (id) { return id && !/-error$/.test(id); });
      var all = kept.concat(ids);
      if (all.length) { input.setAttribute("aria-describedby", all.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    }

    form.addEventListener("submit", function (event) {
      var problems = [];
      form.querySelectorAll("[data-field]").forEach(function (field) {
        var input = field.querySelector("input");
        var message = field.querySelector("[data-error]");
        var valid = input.checkValidity();
        message.hidden = valid;
        field.classList.toggle("field--error", !valid);
        if (valid) {
          input.removeAttribute("aria-invalid");
          describe(input, []);
        } else {
          input.setAttribute("aria-invalid", "true");
          describe(input, [message.id]);
          problems.push({ id: input.id, text: input.getAttribute("data-message") });
        }
      });
      list.replaceChildren();
      if (!problems.length) { summary.hidden = true; return; }
      event.preventDefault();
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + problem.id;
        link.textContent = problem.text;
        link.addEventListener("click", function (e) {
          e.preventDefault();
          document.getElementById(problem.id).focus();
        });
        item.appendChild(link);
        list.appendChild(item);
      });
      summary.hidden = false;
      summary.focus();
    });
  });
})();
