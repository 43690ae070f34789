// Draws the report's charts with uPlot from the page model embedded as JSON (#page-data).
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("page-data").textContent);
  var colors = ["#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b"];
  var markerColors = { crash: "#d62728", kill: "#d62728", "control-plane": "#9467bd", deploy: "#1f77b4",
    fault: "#ff7f0e", scale: "#2ca02c", circuit: "#e377c2", config: "#7f7f7f" };

  function width(el) { return Math.max(320, Math.min(1100, el.clientWidth || 900)); }

  // Vertical lines at the timeline events; events at the same second share one line and one label.
  function markersPlugin(markers) {
    var groups = [];
    markers.forEach(function (m) {
      var g = groups.length > 0 && groups[groups.length - 1].second === m.second ? groups[groups.length - 1] : null;
      if (g) { g.items.push(m); } else { groups.push({ second: m.second, items: [m] }); }
    });
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      ctx.save();
      groups.forEach(function (g, i) {
        var x = Math.round(u.valToPos(g.second, "x", true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        var first = g.items[0];
        ctx.strokeStyle = markerColors[first.kind] || "#7f7f7f";
        ctx.setLineDash([5, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle;
        ctx.font = (11 * devicePixelRatio) + "px sans-serif";
        var label = g.items.length === 1 ? first.label : first.label + " (+" + (g.items.length - 1) + " more)";
        ctx.fillText(label, x + 4, u.bbox.top + (12 + 13 * (i % 3)) * devicePixelRatio);
      });
      ctx.restore();
    }] } };
  }

  // Whole seconds (or whole bucket and percentile indices) on the x axis.
  var wholeSteps = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600];

  function lineChart(el, title, unit, xs, lines, plugins, xLabel, xValues, paths) {
    var series = [{ label: xLabel, value: xValues ? function (u, v) { return v == null ? "-" : xValues(v); } : undefined }];
    lines.forEach(function (l, i) {
      series.push({ label: l.label, stroke: colors[i % colors.length], width: 2, spanGaps: false,
        fill: paths ? colors[i % colors.length] + "66" : undefined, paths: paths, points: { show: !paths } });
    });
    var opts = { title: title, width: width(el), height: 260, plugins: plugins || [], series: series,
      scales: { x: { time: false } },
      axes: [{ label: xLabel, incrs: wholeSteps, values: xValues ? function (u, vals) { return vals.map(xValues); } : undefined },
             { label: unit, size: 60 }] };
    return new uPlot(opts, [xs].concat(lines.map(function (l) { return l.values; })), el);
  }

  page.perSecond.forEach(function (c) {
    var el = document.getElementById("chart-" + c.id);
    if (!el || c.lines.length === 0 || c.seconds.length === 0) return;
    lineChart(el, c.title, c.unit, c.seconds, c.lines, [markersPlugin(c.markers)], "second of the measured window");
  });

  var d = page.distribution;
  var hist = document.getElementById("chart-histogram");
  if (hist && d.bucketUpToMs.length > 0) {
    var idx = d.bucketUpToMs.map(function (_, i) { return i; });
    lineChart(hist, "Latency histogram (requests per bucket)", "requests", idx,
      [{ label: "ok", values: d.okCounts }, { label: "not ok", values: d.notOkCounts }], [], "latency up to (ms)",
      function (i) { var b = d.bucketUpToMs[Math.round(i)]; return b === undefined ? "" : "≤" + b; },
      uPlot.paths.bars({ size: [0.6, 60], align: 0 }));
  }
  var curve = document.getElementById("chart-percentiles");
  if (curve && d.percentiles.length > 0) {
    var pidx = d.percentiles.map(function (_, i) { return i; });
    lineChart(curve, "Latency by percentile", "ms", pidx,
      [{ label: "ok", values: d.okMs }, { label: "not ok", values: d.notOkMs }], [], "percentile",
      function (i) { var p = d.percentiles[Math.round(i)]; return p === undefined ? "" : "p" + p; });
  }
  document.body.setAttribute("data-charts-drawn", document.querySelectorAll(".uplot").length);
})();
