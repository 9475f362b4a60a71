// Live poll results: draws one bar per option in plain HTML and CSS (no chart library: a phone
// joining the poll downloads a few KiB, not plotly.js), then follows the server-sent events of
// /_rounds/live/<poll> and redraws only the numbers. Talks to Streamlit through the component
// messages (componentReady, setFrameHeight, setComponentValue) so no build step is needed.
(function () {
  "use strict";
  var args = null, source = null, rows = [], shown = null, live = null;
  var retry = null, pause = 1000, reports = 0;  // our own reconnection, for a stream the browser gave up on

  function send(type, extra) {
    var message = Object.assign({ isStreamlitMessage: true, type: type }, extra || {});
    window.parent.postMessage(message, "*");
  }
  function fitHeight() { send("streamlit:setFrameHeight", { height: document.body.scrollHeight + 8 }); }

  function showLocked() {
    // Results are not for this viewer yet: say so, and keep following the poll's state.
    document.getElementById("heading").textContent = args.hidden_text;
    document.getElementById("note").hidden = true;
    document.getElementById("chart").hidden = true;
    document.getElementById("text").textContent = "";
    document.getElementById("explain").hidden = true;
    fitHeight();
  }

  function headingText(data) {
    if (!args.status_labels) { return (args.heading || "Results so far") + " (n = " + data.total + ")"; }
    var text = args.status_labels[data.state] || data.state;
    if (data.closes_in !== null && data.closes_in !== undefined) { text += " · closes in " + data.closes_in + " s"; }
    if (args.show_count) { text += " · " + data.total + (data.total === 1 ? " response" : " responses"); }
    return text;
  }

  function paint(data, text) {
    document.getElementById("heading").textContent = headingText(data);
    document.getElementById("note").hidden = !(args.small_note && data.total < args.small_n);
    var chart = document.getElementById("chart");
    chart.hidden = !!args.hide_chart;
    document.getElementById("text").textContent = args.show_text && !args.hide_chart ? text : "";
    if (!args.hide_chart) {
      drawBars(chart);
      chart.setAttribute("aria-label", text);
    }
    explain();
    fitHeight();
  }

  function drawBars(chart) {
    // One row per option: its label on a line of its own above a full-width bar, so that no
    // label is cut at phone widths, and the percentage and count beside the bar.
    if (chart.children.length !== rows.length) {
      chart.textContent = "";
      rows.forEach(function () {
        var row = document.createElement("div");
        row.className = "bar";
        row.innerHTML = '<div class="label"></div><div class="track"><div class="fill"></div></div>' +
          '<div class="value"></div>';
        chart.appendChild(row);
      });
    }
    rows.forEach(function (r, i) {
      var row = chart.children[i];
      var right = !!args.correct && args.correct.key === r.key;
      // The correct option is said in words and marked with a tick, never by colour alone.
      row.querySelector(".label").textContent = right ? "\u2714 " + r.label + " (correct answer)" : r.label;
      row.classList.toggle("correct", right);
      row.querySelector(".fill").style.width = r.percent + "%";
      row.querySelector(".value").textContent = Math.round(r.percent) + "% (" + r.count + ")";
      row.setAttribute("data-percent", r.percent);
    });
  }

  function explain() {
    // After the reveal: the correct answer and why, from the question's own explanation.
    var box = document.getElementById("explain");
    box.hidden = !args.correct;
    if (!args.correct) { return; }
    box.querySelector(".answer").textContent = "\u2714 Correct answer: " + args.correct.text;
    box.querySelector(".why").textContent = args.correct.explanation;
  }

  function describe(total, rows) {
    if (!total) { return "No votes yet."; }
    if (args.correct) {
      var right = rows.filter(function (r) { return r.key === args.correct.key; })[0];
      var share = right ? right.percent : 0;
      return share + "% chose the correct answer (" + (right ? right.count : 0) + " of " + total +
        "). Correct answer: " + args.correct.text + ".";
    }
    return total + (total === 1 ? " vote. " : " votes. ") +
      rows.map(function (r) { return r.label + ": " + r.percent + "% (" + r.count + ")"; }).join("; ") + ".";
  }

  function fill(data) {
    // Work out each option's count and percentage for the bars; return them for the sentence.
    rows = args.options.map(function (o) {
      var count = (data.counts || {})[o.key] || 0;
      var percent = data.total ? Math.round(1000 * count / data.total) / 10 : 0;
      return { key: o.key, label: o.label, count: count, percent: percent };
    });
    return rows;
  }

  function draw(data) {
    if (args.hidden || (data.item && data.item !== args.item)) { return; }  // another item: rerun
    var rows = fill(data);
    paint(data, describe(data.total, rows));
  }

  function report(data) {
    // Tell the page when the live item or its round changed (another item live, opened, closed,
    // new round, revealed): it then reruns and draws what is live now.
    var key = (data.item || args.item) + "|" + data.round + ":" + data.state + "|" + (data.revealed ? 1 : 0);
    // Each report is unique ("#" and when): a page acts on a report once, never on a stale one.
    if (shown !== null && key !== shown) {
      send("streamlit:setComponentValue", { value: key + "#" + Date.now() + "." + (++reports), dataType: "json" });
    }
    shown = key;
  }

  function connect() {
    clearTimeout(retry);
    retry = null;
    if (source) { source.close(); }
    source = new EventSource(args.stream);
    source.onmessage = function (event) {
      pause = 1000;
      document.getElementById("offline").hidden = true;
      live = JSON.parse(event.data);
      draw(live);
      report(live);
    };
    source.onerror = function () {
      document.getElementById("offline").hidden = false;
      fitHeight();
      // The browser retries a dropped stream by itself but gives up for good on an HTTP error (a
      // proxy's 502 while the server restarts, a captive portal's page): then retry here, slower
      // each time.
      if (source.readyState === EventSource.CLOSED && retry === null) {
        retry = setTimeout(connect, pause);
        pause = Math.min(2 * pause, 30000);
      }
    };
  }

  window.addEventListener("message", function (event) {
    if (event.data.type !== "streamlit:render") { return; }
    var fresh = JSON.parse(event.data.args.spec);  // one JSON text: see live_component.py
    var changed = !args || fresh.stream !== args.stream;
    args = fresh;
    document.body.classList.toggle("large", !!args.large);
    shown = args.drawn;
    // Streamlit sends this message again on every resize: the stream's numbers, when newer
    // than the page's, must win over the arguments drawn at the page's last run.
    var fresher = live && live.item === args.item && live.round === args.initial.round &&
      live.total >= args.initial.total;
    if (args.hidden) { showLocked(); } else if (fresher) { draw(live); } else { fill(args.initial); paint(args.initial, args.text); }
    // A render after Streamlit reconnected is a good moment to revive a stream given up on.
    if (changed || source.readyState === EventSource.CLOSED) { connect(); }
  });
  window.addEventListener("resize", fitHeight);
  send("streamlit:componentReady", { apiVersion: 1 });
})();
