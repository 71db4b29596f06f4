/*
 * MOPS Kraków chat widget. Embed with one tag:
 *   <script src="https://GATEWAY/widget.js" defer
 *           data-position="right" data-color="#005a9c" data-greeting="Dzień dobry!"></script>
 * Messages are always inserted as text (textContent), never as HTML; only http(s) and e-mail
 * addresses become links, and those open in a new tab without access to this page.
 */
(function () {
  "use strict";
  if (window.__mopsChatLoaded) return;
  window.__mopsChatLoaded = true;

  var script = document.currentScript;
  var base = new URL(".", script.src).href.replace(/\/$/, "");
  var data = script.dataset;
  var options = {
    position: data.position === "left" ? "left" : "right",
    color: /^#[0-9a-f]{6}$/i.test(data.color || "") ? data.color : "#005a9c",
    greeting:
      data.greeting ||
      "Dzień dobry! W czym mogę pomóc? Proszę napisać pytanie albo wybrać temat.",
    title: data.title || "Asystent MOPS Kraków",
  };
  var storageKey = "mops-chat:" + base;
  var LINK = /(https?:\/\/[^\s<>"]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"]*|[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

  var state = loadState();
  var socket = null;
  var lastSeq = 0;
  var outbox = [];
  var reconnectDelay = 1000;
  var reconnectTimer = null;
  var wasConnected = false;
  var config = { max_message_chars: 1000, retention_days: 90, information_point: null };

  function loadState() {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || {};
    } catch (e) {
      return {};
    }
  }
  function saveState() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      /* private mode: the conversation lasts as long as the page */
    }
  }

  /* Black or white text, whichever is more readable on the chosen colour (WCAG contrast). */
  function readableOn(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text) node.textContent = text;
    return node;
  }

  /* ---------- the interface ---------- */
  var css = el("link", { rel: "stylesheet", href: base + "/static/widget.css" });
  document.head.appendChild(css);

  var root = el("div", { class: "mops-chat mops-chat--" + options.position, lang: "pl" });
  root.style.setProperty("--mops-chat-accent", options.color);
  root.style.setProperty("--mops-chat-on-accent", readableOn(options.color));

  var launcher = el("button", {
    type: "button",
    class: "mops-chat__launcher",
    "aria-expanded": "false",
    "aria-controls": "mops-chat-panel",
  });
  launcher.appendChild(el("span", { "aria-hidden": "true", class: "mops-chat__launcher-icon" }, "💬"));
  launcher.appendChild(el("span", {}, "Czat z asystentem"));

  var panel = el("section", {
    id: "mops-chat-panel",
    class: "mops-chat__panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "mops-chat-title",
    hidden: "",
  });
  var header = el("header", { class: "mops-chat__header" });
  header.appendChild(el("h2", { id: "mops-chat-title", class: "mops-chat__title" }, options.title));
  var newButton = el("button", { type: "button", class: "mops-chat__tool" }, "Nowa rozmowa");
  var closeButton = el("button", { type: "button", class: "mops-chat__tool", "aria-label": "Zamknij czat" }, "✕");
  header.appendChild(newButton);
  header.appendChild(closeButton);

  var notice = el("div", { class: "mops-chat__notice" });
  notice.appendChild(
    el(
      "p",
      {},
      "To automatyczny asystent, nie pracownik MOPS. Podaje informacje ogólne; w sprawach indywidualnych pomoże pracownik socjalny."
    )
  );
  var privacy = el("details", { class: "mops-chat__privacy" });
  privacy.appendChild(el("summary", {}, "Prywatność"));
  var privacyText = el("p", {});
  privacy.appendChild(privacyText);
  notice.appendChild(privacy);

  var log = el("div", {
    class: "mops-chat__log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Rozmowa z asystentem",
    tabindex: "0",
  });
  var typing = el("div", { class: "mops-chat__typing", role: "status", "aria-live": "polite" });
  var status = el("div", { class: "mops-chat__status", role: "status", "aria-live": "polite" });

  var form = el("form", { class: "mops-chat__form" });
  var label = el("label", { for: "mops-chat-input", class: "mops-chat__label" }, "Wiadomość");
  var input = el("textarea", {
    id: "mops-chat-input",
    class: "mops-chat__input",
    rows: "2",
    placeholder: "Proszę wpisać pytanie…",
    "aria-describedby": "mops-chat-hint",
  });
  var hint = el("p", { id: "mops-chat-hint", class: "mops-chat__hint" }, "Enter wysyła, Shift+Enter – nowa linia.");
  var sendButton = el("button", { type: "submit", class: "mops-chat__send" }, "Wyślij");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);
  form.appendChild(hint);

  [header, notice, log, typing, status, form].forEach(function (n) {
    panel.appendChild(n);
  });
  root.appendChild(panel);
  root.appendChild(launcher);
  (document.body || document.documentElement).appendChild(root);
  renderPrivacy();

  function renderPrivacy() {
    privacyText.textContent =
      "Treść rozmowy jest zapisywana na serwerze MOPS, aby asystent mógł odpowiadać i aby można go było ulepszać; " +
      "jest przechowywana przez " + config.retention_days + " dni. Ta przeglądarka pamięta rozmowę do czasu " +
      "rozpoczęcia nowej. Proszę nie podawać danych wrażliwych, np. numeru PESEL, informacji o zdrowiu ani numeru konta.";
  }

  /* ---------- rendering messages (text only, never HTML) ---------- */
  function appendText(parent, text) {
    var last = 0;
    text.replace(LINK, function (match, _g, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = url.indexOf("@") > 0 && url.indexOf("/") < 0 ? "mailto:" + url : /^https?:/i.test(url) ? url : "https://" + url;
      var a = el("a", { href: href }, url);
      if (href.indexOf("mailto:") !== 0) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer nofollow");
        a.appendChild(el("span", { class: "mops-chat__sr" }, " (otwiera się w nowej karcie)"));
      }
      parent.appendChild(a);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function clearButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".mops-chat__buttons"), function (group) {
      group.remove();
    });
  }

  function render(message) {
    var mine = message.role === "user";
    var worker = !mine && message.author;
    var kind = mine ? "user" : worker ? "bot mops-chat__msg--worker" : "bot";
    var item = el("div", { class: "mops-chat__msg mops-chat__msg--" + kind });
    if (worker) {
      /* a person from MOPS answers: their first name, visible to everyone */
      item.appendChild(el("span", { class: "mops-chat__author" }, message.author + ", pracownik MOPS"));
    } else {
      item.appendChild(el("span", { class: "mops-chat__sr" }, mine ? "Ty: " : "Asystent: "));
    }
    var body = el("p", { class: "mops-chat__text" });
    appendText(body, message.text || "");
    item.appendChild(body);
    clearButtons();
    if (message.buttons && message.buttons.length) {
      var group = el("div", { class: "mops-chat__buttons", role: "group", "aria-label": "Proponowane odpowiedzi" });
      message.buttons.forEach(function (b) {
        var button = el("button", { type: "button", class: "mops-chat__quick" }, b.title);
        button.addEventListener("click", function () {
          clearButtons();
          send(b.title, b.payload);
          input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function receive(message) {
    if (message.seq <= lastSeq) return; /* seen already (history and live can overlap) */
    lastSeq = message.seq;
    render(message);
  }

  function renderGreeting() {
    render({ role: "bot", text: options.greeting, buttons: [] });
  }

  function say(text) {
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  /* ---------- connection ---------- */
  function api(path, init) {
    return fetch(base + path, init).then(function (r) {
      return r.json();
    });
  }

  function ensureSession() {
    if (state.session) return Promise.resolve(state.session);
    return api("/api/sessions", { method: "POST" }).then(function (body) {
      state.session = body.session;
      saveState();
      return state.session;
    });
  }

  function connect() {
    window.clearTimeout(reconnectTimer);
    ensureSession()
      .then(function (session) {
        var url = base.replace(/^http/, "ws") + "/ws/" + encodeURIComponent(session) + "?after=" + lastSeq;
        var ws = new WebSocket(url);
        var opened = false;
        socket = ws;
        ws.onopen = function () {
          opened = true;
          reconnectDelay = 1000;
          if (wasConnected) say("Połączono ponownie.");
          wasConnected = true;
          while (outbox.length && ws.readyState === 1) ws.send(JSON.stringify(outbox.shift()));
        };
        ws.onmessage = function (event) {
          handle(JSON.parse(event.data));
        };
        ws.onclose = function () {
          if (socket !== ws) return; /* replaced on purpose (new conversation) */
          socket = null;
          typing.textContent = "";
          if (!opened) {
            forgetIfUnknown(session); /* refused at once: maybe an id the gateway no longer accepts */
            return;
          }
          say("Połączenie przerwane. Ponowne łączenie…");
          scheduleReconnect();
        };
      })
      .catch(function () {
        say("Brak połączenia z asystentem. Ponowne łączenie…");
        scheduleReconnect();
      });
  }

  /* A stored conversation id the gateway does not know (an old or altered one) answers 404:
     the widget starts a new conversation once instead of reconnecting to it forever. */
  function forgetIfUnknown(session) {
    fetch(base + "/api/sessions/" + encodeURIComponent(session) + "/messages")
      .then(function (r) {
        if (r.status !== 404 || state.session !== session) return scheduleReconnect();
        startAfresh();
        connect();
      })
      .catch(scheduleReconnect);
  }

  function startAfresh() {
    state.session = null;
    saveState();
    lastSeq = 0;
    wasConnected = false; /* a new conversation is not a reconnection */
    log.textContent = "";
    renderGreeting();
  }

  function scheduleReconnect() {
    reconnectTimer = window.setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 15000);
  }

  function handle(event) {
    if (event.type === "history") {
      if (event.reset) {
        lastSeq = 0;
        log.textContent = "";
        renderGreeting();
      }
      event.messages.forEach(receive);
    } else if (event.type === "message") {
      receive(event);
    } else if (event.type === "typing") {
      typing.textContent = event.on ? "Asystent pisze…" : "";
    } else if (event.type === "refused") {
      if (!input.value && event.draft) input.value = event.draft;
      say(event.text);
    } else if (event.type === "error") {
      say(event.text);
    }
  }

  function send(text, payload) {
    var frame = { type: "message", text: text };
    if (payload) frame.payload = payload;
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify(frame));
    } else {
      outbox.push(frame); /* sent as soon as the connection is back */
      say("Wiadomość zostanie wysłana po odzyskaniu połączenia.");
    }
  }

  /* ---------- behaviour ---------- */
  function open(restoring) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("mops-chat--open");
    state.open = true;
    saveState();
    if (!socket) connect();
    if (!restoring) input.focus(); /* after a reload the page keeps its own focus */
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("mops-chat--open");
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(false);
    else close();
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > config.max_message_chars) {
      say("Wiadomość jest za długa (" + text.length + " znaków, można wysłać do " + config.max_message_chars + "). Proszę ją skrócić.");
      return;
    }
    input.value = "";
    send(text);
  });
  newButton.addEventListener("click", function () {
    var old = socket;
    socket = null;
    if (old) old.close();
    outbox = [];
    startAfresh();
    connect();
    say("Rozpoczęto nową rozmowę.");
    input.focus();
  });

  renderGreeting();
  api("/api/config")
    .then(function (c) {
      config = c;
      renderPrivacy();
    })
    .catch(function () {});
  if (state.open) open(true);
})();
