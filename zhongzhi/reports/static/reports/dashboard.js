// Draws each dashboard panel's chart from the numbers the page gives beside it
// (a json_script per panel); the numbers stay in the table under the chart.
(function () {
  "use strict";
  var COLOURS = ["#c0392b", "#2471a3", "#239b56", "#b9770e", "#7d3c98", "#566573", "#17a589"];

  function draw(panel) {
    var canvas = panel.querySelector("canvas");
    var source = panel.querySelector("script[type='application/json']");
    if (!canvas || !source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var kind = panel.dataset.chart === "line" ? "line" : "bar";
    var ranked = panel.hasAttribute("data-ranked");
    if (ranked) {
      // One bar a row: the canvas grows with the rows so that every label stays readable.
      canvas.parentElement.style.height = Math.max(160, 28 * data.labels.length + 40) + "px";
    }
    new Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return {
            label: s.name,
            data: s.values,
            backgroundColor: COLOURS[i % COLOURS.length],
            borderColor: COLOURS[i % COLOURS.length],
            tension: 0.2,
            pointRadius: kind === "line" ? 2 : 0,
          };
        }),
      },
      options: {
        indexAxis: ranked ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: data.series.length > 1 } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".panel[data-chart]").forEach(draw);
  });
})();
