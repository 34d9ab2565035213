// The brand dashboard's small behaviours, on every page (base.html). The Content-Security-Policy
// allows no inline scripts or event handlers: templates mark elements with data-* attributes
// and this file wires them up. Every page works without it (forms have submit buttons).
//
//   data-shows-for="<select id>" data-value="v"   shown only while that select's value is v
//   data-autosubmit [data-autosubmit-except="v"]  a select that submits its form on change
//                                                  (except to value v)
//   data-copy="<input id>"                         a button copying that input's value
//   data-select-on-click                           an input whose text is selected on click
//   data-navtoggle (aria-controls="<nav id>")      the phone menu button of the navigation
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function navtoggle(button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function showsFor(box) {
    var select = document.getElementById(box.dataset.showsFor);
    if (!select) return;
    function sync() { box.hidden = select.value !== box.dataset.value; }
    select.addEventListener("change", sync);
    sync();
  }

  function autosubmit(select) {
    select.addEventListener("change", function () {
      var except = select.dataset.autosubmitExcept;
      if (select.form && (except === undefined || select.value !== except)) select.form.submit();
    });
  }

  function copy(button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    };
    var fallback = function () {
      input.select();
      if (document.execCommand && document.execCommand("copy")) done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) { copy(button); return; }
    if (event.target.matches("[data-select-on-click]")) event.target.select();
  });

  function start() {
    document.querySelectorAll("[data-navtoggle]").forEach(navtoggle);
    document.querySelectorAll("[data-shows-for]").forEach(showsFor);
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
