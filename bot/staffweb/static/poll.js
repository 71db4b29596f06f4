// Pages that follow the server (the queue, a ticket) ask a JSON address every few seconds and
// redraw; a lost login goes back to the login form, a network blip waits for the next tick.
window.mopsConsolePoll = function (url, seconds, draw) {
  "use strict";
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/console/login"; return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) { if (data) draw(data); })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .finally(function () { window.setTimeout(poll, seconds * 1000); });
  }
  window.setTimeout(poll, seconds * 1000);
};
