// The overview's daily trend, one chart per currency (Chart.js from npm): sales as bars (in the
// currency, with its own decimals), Amazon clicks and our link clicks as lines; days Amazon can
// still restate (28 days) are lighter and marked provisional. Each <canvas data-trend="<id>">
// reads its days from the json_script element <id>; no inline script (CSP).
(function () {
  "use strict";

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.trend);
    if (!source || !window.Chart) return;
    const days = JSON.parse(source.textContent);
    const currency = canvas.dataset.currency;
    const money = new Intl.NumberFormat(undefined, { style: "currency", currency: currency });
    const count = new Intl.NumberFormat();
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue("--accent").trim() || "#2856d8";
    const warn = css.getPropertyValue("--warn").trim() || "#a15c00";
    new window.Chart(canvas, {
      data: {
        labels: days.map((d) => d.date.slice(5) + (d.provisional ? "*" : "")),
        datasets: [
          {
            type: "bar", label: "Sales (" + currency + ")", yAxisID: "money",
            data: days.map((d) => Number(d.sales)),
            backgroundColor: days.map((d) => (d.provisional ? accent + "55" : accent)),
          },
          { type: "line", label: "Amazon clicks", yAxisID: "count", data: days.map((d) => d.clicks),
            borderColor: warn, backgroundColor: warn, tension: 0.25, pointRadius: 1 },
          { type: "line", label: "Link clicks (ours)", yAxisID: "count",
            data: days.map((d) => d.link_clicks), borderColor: warn, borderDash: [4, 4],
            backgroundColor: warn, tension: 0.25, pointRadius: 1 },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => item.dataset.label + ": " +
                (item.dataset.yAxisID === "money" ? money.format(item.raw) : count.format(item.raw)),
              footer: (items) => (days[items[0].dataIndex].provisional
                ? "Provisional: Amazon can still restate this day" : ""),
            },
          },
        },
        scales: {
          money: { type: "linear", position: "left", beginAtZero: true,
            ticks: { callback: (value) => money.format(value) } },
          count: { type: "linear", position: "right", beginAtZero: true,
            grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
      },
    });
  }

  function start() { document.querySelectorAll("canvas[data-trend]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
