// The queue refreshes itself: every few seconds it asks /console/api/queue and redraws the rows.
// Text goes in with textContent only, never as HTML.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) return;
  var body = table.querySelector("tbody");
  var callbacks = document.getElementById("new-callbacks");
  var seconds = Number(table.dataset.pollSeconds) || 5;
  var STATUS = { waiting: "czeka", claimed: "przejęta" };

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text || "";
    row.appendChild(td);
    return td;
  }

  function draw(data) {
    var rows = [];
    data.tickets.forEach(function (t) {
      var row = document.createElement("tr");
      var link = document.createElement("a");
      link.href = "/console/tickets/" + t.id;
      link.textContent = "#" + t.id;
      cell(row, "").appendChild(link);
      [STATUS[t.status], t.channel, t.topic, t.summary, t.waited, t.claimed_by_name].forEach(
        function (text) { cell(row, text); });
      rows.push(row);
    });
    if (!rows.length) {
      var empty = document.createElement("tr");
      cell(empty, "Nikt nie czeka na rozmowę.").colSpan = 7;
      rows.push(empty);
    }
    body.replaceChildren.apply(body, rows);
    if (callbacks) callbacks.textContent = String(data.new_callbacks);
  }

  window.mopsConsolePoll(table.dataset.source, seconds, draw);
})();
