/* Join page: validate a sign-up form before it leaves the page.
   Without this file the browser's own validation (required, type=email,
   pattern) blocks invalid forms. With it, an error summary at the top of the
   form lists every problem (linked to its field, focused), each field shows
   its message (aria-describedby, aria-invalid), and nothing is sent. */
(function () {
  "use strict";

  function fieldProblem(input) {
    var validity = input.validity;
    if (validity.valid) { return ""; }
    if (validity.valueMissing) { return input.getAttribute("data-error-missing") || input.validationMessage; }
    return input.getAttribute("data-error-invalid") || input.validationMessage;
  }

  function describedBy(input) {
    return (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  }

  function clearField(input) {
    var error = document.getElementById(input.id + "-error");
    if (error) { error.hidden = true; error.textContent = ""; }
    input.removeAttribute("aria-invalid");
    var ids = describedBy(input).filter(function (id) { return id !== input.id + "-error"; });
    if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
    else { input.removeAttribute("aria-describedby"); }
  }

  function markField(input, message) {
    var error = document.getElementById(input.id + "-error");
    if (error) {
      error.textContent = message;
      error.hidden = false;
      var ids = describedBy(input);
      if (ids.indexOf(error.id) === -1) { ids.unshift(error.id); }
      input.setAttribute("aria-describedby", ids.join(" "));
    }
    input.setAttribute("aria-invalid", "true");
  }

  function validate(form) {
    var summary = form.querySelector(".error-summary");
    var list = summary.querySelector("ul");
    var problems = [];
    list.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll("input[id]"), function (input) {
      if (input.type === "hidden" || input.closest(".honeypot")) { return; }
      clearField(input);
      var message = fieldProblem(input);
      if (message) { problems.push([input, message]); markField(input, message); }
    });
    if (!problems.length) { summary.hidden = true; return true; }
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem[0].id;
      link.textContent = problem[1];
      link.addEventListener("click", function (event) {
        event.preventDefault();
        problem[0].focus();
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
    return false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.signup-form"), function (form) {
    form.noValidate = true;
    form.addEventListener("submit", function (event) {
      if (!validate(form)) { event.preventDefault(); }
    });
  });
})();
