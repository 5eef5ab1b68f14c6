// Draws every chart whose Plotly specification is in a <script type="application/json">.
// No inline script: the page's Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  function draw() {
    var plots = document.querySelectorAll("[data-figure-id]");
    plots.forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure-id"));
      if (!source || typeof Plotly === "undefined") { return; }
      var fig = JSON.parse(source.textContent);
      Plotly.newPlot(el, fig.data, fig.layout, fig.config).then(function () {
        el.setAttribute("data-rendered", "true");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
