// The creator portal: copy buttons, the sub-ID builder and the daily charts (Chart.js from npm).
// Every page works without it: links are in plain inputs, the builder is a GET form, and each
// chart has a table.
(function () {
  "use strict";
  var SUB_RE = /^[A-Za-z0-9_-]{1,64}$/;

  // --- copy ---------------------------------------------------------------------------------
  function copyFallback(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    return ok;
  }

  function copied(button, ok) {
    var status = button.parentNode.querySelector(".copy-status");
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = ok ? "Copied ✓" : "Press and hold to copy";
    button.classList.toggle("copied", ok);
    if (status) status.textContent = ok ? "Link copied" : "Copy did not work; select the link and copy it";
    clearTimeout(button._reset);
    button._reset = setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
    }, 2000);
  }

  function copy(button) {
    var input = document.querySelector(button.dataset.copy);
    if (!input || !input.value) return;
    var text = input.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button, true); },
        function () { copied(button, copyFallback(input)); }
      );
    } else {
      copied(button, copyFallback(input));
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) { event.preventDefault(); copy(button); return; }
    var chip = event.target.closest("[data-sub]");
    if (chip) {
      var form = chip.closest(".subid-form");
      var field = form && form.querySelector("input[name=sub]");
      if (field) { field.value = chip.dataset.sub; field.dispatchEvent(new Event("input")); field.focus(); }
    }
  });
  // a tap on a link selects all of it (easy manual copy)
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-source")) event.target.select();
  });

  // --- sub-ID builder -------------------------------------------------------------------------
  function builder(form) {
    var field = form.querySelector("input[name=sub]");
    var error = form.querySelector(".field-error");
    var result = form.parentNode.querySelector(".subid-result");
    var output = result && result.querySelector("input");
    var qr = result && result.querySelector(".subid-qr");
    var png = result && result.querySelector(".subid-png");
    var qrTimer;
    function update() {
      var sub = field.value.trim();
      var valid = SUB_RE.test(sub);
      error.hidden = !sub || valid;
      field.setAttribute("aria-invalid", sub && !valid ? "true" : "false");
      form.querySelector(".field").classList.toggle("has-error", !!sub && !valid);
      if (!result) return;
      result.hidden = !valid;
      if (!valid) return;
      output.value = form.dataset.baseUrl + "?sub=" + encodeURIComponent(sub);
      clearTimeout(qrTimer);
      qrTimer = setTimeout(function () {
        qr.src = form.dataset.qrUrl + "?sub=" + encodeURIComponent(sub);
        png.href = form.dataset.pngUrl + "?download=1&sub=" + encodeURIComponent(sub);
      }, 250);
    }
    field.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      if (SUB_RE.test(field.value.trim())) {
        event.preventDefault();
        update();
        history.replaceState(null, "", "?sub=" + encodeURIComponent(field.value.trim()));
      }
    });
  }

  // --- charts ---------------------------------------------------------------------------------
  function chart(canvas) {
    var source = document.getElementById(canvas.dataset.series);
    if (!source || !window.Chart) return;
    var series = JSON.parse(source.textContent);
    var css = getComputedStyle(document.documentElement);
    var accent = css.getPropertyValue("--accent").trim() || "#2856d8";
    var ok = css.getPropertyValue("--ok").trim() || "#17803d";
    var warn = css.getPropertyValue("--warn").trim() || "#a15c00";
    new window.Chart(canvas, {
      data: {
        labels: series.map(function (d) { return d.date.slice(5); }),
        datasets: [
          { type: "bar", label: "Link clicks", yAxisID: "count", data: series.map(function (d) { return d.link_clicks; }),
            backgroundColor: series.map(function (d) { return d.provisional ? accent + "77" : accent; }) },
          { type: "line", label: "Amazon clicks", yAxisID: "count", data: series.map(function (d) { return d.clicks; }),
            borderColor: warn, backgroundColor: warn, tension: 0.25, pointRadius: 0 },
          { type: "line", label: "Purchases", yAxisID: "count", data: series.map(function (d) { return d.purchases; }),
            borderColor: ok, backgroundColor: ok, tension: 0.25, pointRadius: 2 }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { footer: function (items) {
            var d = series[items[0].dataIndex];
            return "Sales " + d.sales + (d.provisional ? " · provisional" : "");
          } } }
        },
        scales: { count: { type: "linear", beginAtZero: true, ticks: { precision: 0 } },
                  x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 7 } } }
      }
    });
  }

  function start() {
    document.querySelectorAll(".subid-form").forEach(builder);
    document.querySelectorAll("canvas.daily-chart").forEach(chart);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
