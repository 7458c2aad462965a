/* Dashboard charts: <canvas data-chart="bar|line|doughnut" data-source="id-of-json-script">. Each data point may
   carry a "url": clicking its bar or point opens the records behind it. The tables under the charts are the
   fallback without JavaScript or for screen readers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const styles = getComputedStyle(document.documentElement);
  const primary = styles.getPropertyValue("--bs-primary").trim() || "#0f5e59";
  const palette = { running: "#2e9d6a", paused: "#e0a526", stopped: "#d0525f" };
  const rupiah = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 });

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const points = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    const type = canvas.dataset.chart;
    const format = (v) =>
      v == null ? "—" : canvas.dataset.money ? "Rp " + rupiah.format(v) : canvas.dataset.percent ? v + "%" : v;
    const colours = type === "doughnut" ? points.map((p) => palette[p.status] || primary) : primary;
    new Chart(canvas, {
      type: type,
      data: {
        labels: points.map((p) => p.label),
        datasets: [{
          data: points.map((p) => (p.value == null ? null : Number(p.value))),
          backgroundColor: colours,
          borderColor: type === "doughnut" ? "#fff" : primary,
          tension: 0.25,
          spanGaps: true,
        }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: type === "doughnut", position: "bottom" },
          tooltip: { callbacks: { label: (ctx) => format(ctx.raw) } },
        },
        scales: type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { callback: (v) => format(v) } } },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const url = points[elements[0].index].url;
          if (url) window.location.href = url;
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length && points[elements[0].index].url ? "pointer" : "default";
        },
      },
    });
  });
})();
