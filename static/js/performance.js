// Daily chart of a campaign (Chart.js from npm): sales as bars, purchases and clicks as lines;
// days Amazon can still restate (28 days) are drawn lighter and labelled provisional.
(function () {
  function draw() {
    const canvas = document.getElementById("performance-chart");
    const source = document.getElementById("performance-series");
    if (!canvas || !source || !window.Chart) return;
    const series = JSON.parse(source.textContent);
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue("--accent").trim() || "#2856d8";
    const ok = css.getPropertyValue("--ok").trim() || "#17803d";
    const warn = css.getPropertyValue("--warn").trim() || "#a15c00";
    const labels = series.map((d) => d.date.slice(5) + (d.provisional ? "*" : ""));
    new window.Chart(canvas, {
      data: {
        labels,
        datasets: [
          {
            type: "bar", label: "Sales", yAxisID: "money",
            data: series.map((d) => Number(d.sales)),
            backgroundColor: series.map((d) => (d.provisional ? accent + "55" : accent)),
          },
          { type: "line", label: "Purchases", yAxisID: "count", data: series.map((d) => d.purchases),
            borderColor: ok, backgroundColor: ok, tension: 0.25 },
          { type: "line", label: "Amazon clicks", yAxisID: "count", data: series.map((d) => d.clicks),
            borderColor: warn, backgroundColor: warn, tension: 0.25 },
          { type: "line", label: "Link clicks (ours)", yAxisID: "count", data: series.map((d) => d.link_clicks),
            borderColor: warn, borderDash: [4, 4], backgroundColor: warn, tension: 0.25 },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
        plugins: {
          tooltip: { callbacks: { footer: (items) => (series[items[0].dataIndex].provisional
            ? "Provisional: Amazon can still restate this day" : "") } },
        },
        scales: {
          money: { type: "linear", position: "left", beginAtZero: true, title: { display: true, text: "Sales" } },
          count: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
