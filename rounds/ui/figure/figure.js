// A Plotly figure prepared in Python as JSON, drawn as it is (see rounds/ui/figure_component.py).
// Talks to Streamlit through the component messages (componentReady, setFrameHeight), so no
// build step is needed; plotly.js comes from Rounds' own route, cached by the browser.
(function () {
  "use strict";
  var drawn = null;

  function send(type, extra) {
    var message = Object.assign({ isStreamlitMessage: true, type: type }, extra || {});
    window.parent.postMessage(message, "*");
  }
  function fitHeight() { send("streamlit:setFrameHeight", { height: document.body.scrollHeight }); }

  window.addEventListener("message", function (event) {
    if (event.data.type !== "streamlit:render") { return; }
    var spec = event.data.args.spec;
    if (spec === drawn) { fitHeight(); return; }  // a resize re-sends the same figure
    drawn = spec;
    var parsed = JSON.parse(spec);
    var heading = document.getElementById("heading");
    heading.textContent = parsed.heading || "";
    heading.hidden = !parsed.heading;
    var chart = document.getElementById("chart");
    chart.setAttribute("aria-label", parsed.alt);
    window.Plotly.react(chart, parsed.figure.data, parsed.figure.layout,
      { displayModeBar: false, responsive: true }).then(fitHeight);
  });
  window.addEventListener("resize", fitHeight);
  send("streamlit:componentReady", { apiVersion: 1 });
})();
