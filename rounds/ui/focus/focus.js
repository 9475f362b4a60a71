// Moves keyboard focus to a heading of the page and scrolls it to the top of the screen, once
// per `step` (see rounds/ui/focus_component.py). The component's frame comes from the app's own
// origin, so it reaches the page around it; no inline script, nothing for the CSP to refuse.
(function () {
  "use strict";
  var STORE = "rounds-focus-step";  // the last step handled in this tab, kept across reloads

  function send(type, extra) {
    var message = Object.assign({ isStreamlitMessage: true, type: type }, extra || {});
    window.parent.postMessage(message, "*");
  }

  function handled(step) {
    try { return window.parent.sessionStorage.getItem(STORE) === step; } catch (e) { return false; }
  }
  function remember(step) {
    try { window.parent.sessionStorage.setItem(STORE, step); } catch (e) { /* storage refused */ }
  }

  function focusWhenDrawn(target, step, triesLeft) {
    var page = window.parent.document;
    var heading = page.getElementById(target);
    if (!heading) {  // the page may still be drawing the elements above this one
      if (triesLeft > 0) { setTimeout(function () { focusWhenDrawn(target, step, triesLeft - 1); }, 50); }
      return;
    }
    remember(step);
    heading.setAttribute("tabindex", "-1");  // focusable by script, not a stop for Tab
    heading.style.scrollMarginTop = "4.5rem";  // clear of Streamlit's fixed header
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }

  window.addEventListener("message", function (event) {
    if (event.data.type !== "streamlit:render") { return; }
    var args = event.data.args;
    if (handled(args.step)) { return; }
    focusWhenDrawn(args.target, args.step, 100);
  });
  send("streamlit:componentReady", { apiVersion: 1 });
  send("streamlit:setFrameHeight", { height: 0 });
})();
