// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (Django's json_script: data, not code, so the CSP stays strict). The JSON is
// {"type": "bar"|"line", "labels": [...], "datasets": [{"label": ..., "data": [...]}, ...],
//  "y": {"min": ..., "max": ..., "title": ...}, "x": {"title": ..., "type": "linear"}, "stacked": bool}.
// With "x": {"type": "linear"} the data are {"x": number, "y": number} points and no labels.
// Colours come from the page's CSS variables, so the charts follow the light or dark theme.
// Every chart has the same numbers in a table or text beside it; the canvas is decoration
// for screen readers (aria-hidden in the template).
(function () {
  "use strict";
  const charts = new Map();

  function palette() {
    const style = getComputedStyle(document.documentElement);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      text: read("--pico-color", "#373c44"),
      muted: read("--pico-muted-color", "#646b79"),
      grid: read("--pico-muted-border-color", "#e7eaf0"),
      series: [
        read("--chart-1", "#1f6feb"),
        read("--chart-2", "#d4572a"),
        read("--chart-3", "#2e9d5b"),
        read("--chart-4", "#8b5cf6"),
        read("--chart-5", "#b58900"),
      ],
    };
  }

  function axis(spec, colours) {
    const options = { ticks: { color: colours.muted }, grid: { color: colours.grid } };
    if (!spec) return options;
    if (spec.type) options.type = spec.type;
    if (spec.min !== undefined) options.min = spec.min;
    if (spec.max !== undefined) options.max = spec.max;
    if (spec.title) options.title = { display: true, text: spec.title, color: colours.muted };
    return options;
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    const colours = palette();
    const datasets = spec.datasets.map((set, index) => {
      const colour = set.color || colours.series[index % colours.series.length];
      return Object.assign(
        { borderColor: colour, backgroundColor: colour, pointRadius: 0, tension: 0.2 },
        set
      );
    });
    const x = axis(spec.x, colours);
    const y = axis(spec.y, colours);
    if (spec.stacked) x.stacked = y.stacked = true;
    const previous = charts.get(canvas);
    if (previous) previous.destroy();
    charts.set(
      canvas,
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { display: datasets.length > 1, labels: { color: colours.text } },
          },
          scales: { x, y },
        },
      })
    );
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll());
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
  // The theme can follow the system: redraw in the new colours when it changes.
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => drawAll());
})();
