// The ticket page follows the conversation: every few seconds it asks /console/api/tickets/<id>
// and redraws the transcript and the status. Text goes in with textContent only, never as HTML.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  if (!list) return;
  var status = document.getElementById("ticket-status");
  var seconds = Number(list.dataset.pollSeconds) || 5;
  var shown = "";

  function who(m) {
    if (m.role === "user") return "Mieszkaniec";
    return m.author ? m.author + " (pracownik)" : "Asystent";
  }

  var OPEN = ["waiting", "claimed"];

  function draw(data) {
    if (status && status.textContent !== data.status_text) status.textContent = data.status_text;
    if (OPEN.indexOf(data.status) < 0) {
      /* ended meanwhile (the resident went back to the assistant, a colleague closed it) */
      Array.prototype.forEach.call(document.querySelectorAll("form.ticket-action"), function (f) {
        f.hidden = true;
      });
    }
    var key = JSON.stringify(data.transcript);
    if (key === shown) return; // unchanged: leave the list (and a screen reader) alone
    shown = key;
    var items = data.transcript.map(function (m) {
      var item = document.createElement("li");
      item.className = m.role;
      if (m.role !== "note") {
        var label = document.createElement("span");
        label.className = "who";
        label.textContent = who(m) + ":";
        item.appendChild(label);
        item.appendChild(document.createTextNode(" "));
      }
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = m.text;
      item.appendChild(text);
      return item;
    });
    list.replaceChildren.apply(list, items);
  }

  window.mopsConsolePoll(list.dataset.source, seconds, draw);
})();
