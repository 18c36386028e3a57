/* Chat simulator: sends what the user types or taps to /simulator/send, polls /simulator/replies
   and draws each reply as the chosen channel would (Telegram keyboards, WhatsApp buttons and lists,
   Twilio numbered text, images). No framework. */
(function () {
  "use strict";
  var POLL_MS = 1000;
  var LABELS = { whatsapp: "WhatsApp", twilio: "WhatsApp via Twilio", telegram: "Telegram" };
  var phone = document.getElementById("phone");
  var log = document.getElementById("log");
  var errorBox = document.getElementById("error");
  var textInput = document.getElementById("text");
  var userInput = document.getElementById("user-id");
  var nameInput = document.getElementById("user-name");
  var tabs = document.getElementById("channels").getElementsByTagName("button");
  var state = { channel: null, cursor: null, offered: null, generation: 0, timer: null };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.appendChild(document.createTextNode(text));
    return node;
  }

  function randomPhone() {
    var digits = "";
    for (var i = 0; i < 7; i++) digits += Math.floor(Math.random() * 10);
    return "+234801" + digits;
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.style.display = message ? "block" : "none";
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function add(node) { log.appendChild(node); scrollDown(); return node; }

  function json(response) {
    return response.json().then(function (body) {
      if (!response.ok) throw new Error(body.error || body.detail || ("HTTP " + response.status));
      return body;
    });
  }

  /* ---- sending ---- */

  function send(message, bubbleText) {
    var bubble = null;
    if (bubbleText) {
      bubble = add(el("div", "msg me", bubbleText));
      var meta = bubble.appendChild(el("span", "meta", "…"));
    }
    message.channel = state.channel;
    message.user_id = userInput.value.trim();
    message.user_name = nameInput.value.trim() || "Ada";
    return fetch("/simulator/send", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(message)
    }).then(json).then(function () {
      if (bubble) meta.textContent = "✓";
      showError("");
    }).catch(function (error) {
      if (bubble) { bubble.className += " failed"; meta.textContent = "not sent"; }
      showError(error.message);
    });
  }

  function tap(view, choice) {
    var message = { button_payload: choice.payload, button_title: choice.title,
                    in_reply_to: view.message_id, from_list: view.style === "list" };
    if (state.channel === "telegram") {
      add(el("div", "note", "you tapped “" + choice.title + "”"));  // a callback shows no message
      return send(message, null);
    }
    return send(message, choice.title);
  }

  function offeredChoice(typed) {
    var view = state.offered;
    if (!view) return null;
    var wanted = typed.toLowerCase();
    for (var r = 0; r < view.rows.length; r++) {
      for (var c = 0; c < view.rows[r].length; c++) {
        var choice = view.rows[r][c];
        if (!choice.url && choice.title.toLowerCase() === wanted) return choice;
      }
    }
    return null;
  }

  document.getElementById("compose").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = textInput.value.trim();
    if (!typed) return;
    textInput.value = "";
    var choice = offeredChoice(typed);
    if (choice && state.offered.style === "numbered") {
      send({ text: choice.payload }, choice.payload);  // on numbered text, the number is typed
    } else if (choice) {
      tap(state.offered, choice);
    } else {
      send({ text: typed }, typed);
    }
  });

  document.getElementById("pin").addEventListener("click", function () {
    var answer = window.prompt("Share a location (latitude, longitude):", "6.4474, 3.3903");
    if (!answer) return;
    var parts = answer.split(",");
    var latitude = parseFloat(parts[0]), longitude = parseFloat(parts[1]);
    if (isNaN(latitude) || isNaN(longitude)) { showError("Type a latitude and a longitude."); return; }
    send({ latitude: latitude, longitude: longitude }, "📍 " + latitude + ", " + longitude);
  });

  /* ---- drawing replies ---- */

  function image(url) {
    if (/^https?:\/\//.test(url)) {
      var link = el("a");
      link.href = url; link.target = "_blank"; link.rel = "noopener";
      var img = link.appendChild(el("img"));
      img.src = url; img.alt = "Photo"; img.loading = "lazy";
      img.addEventListener("load", scrollDown);
      return link;
    }
    return el("span", "file", "🖼 " + url);
  }

  /* Web addresses in a message (the gallery link) open in a new tab, as the phone would. */
  function linkify(parent, text) {
    var pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g, last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = parent.appendChild(el("a", "", match[0]));
      link.href = match[0]; link.target = "_blank"; link.rel = "noopener";
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubbleOf(view) {
    var bubble = el("div", "msg");
    if (view.images.length > 1 && view.channel === "telegram") {
      var grid = bubble.appendChild(el("div", "grid"));
      view.images.forEach(function (url) { grid.appendChild(image(url)); });
    } else {
      view.images.forEach(function (url) { bubble.appendChild(image(url)); });
    }
    if (view.header) bubble.appendChild(el("span", "head", view.header));
    if (view.text) linkify(bubble, view.text);
    if (view.footer) bubble.appendChild(el("span", "foot", view.footer));
    return bubble;
  }

  function choiceButton(view, choice, cls) {
    var button = el("button", cls, choice.url ? choice.title + " ↗" : choice.title);
    button.type = "button";
    button.addEventListener("click", function () {
      if (choice.url) window.open(choice.url, "_blank", "noopener");
      else tap(view, choice);
    });
    return button;
  }

  function openList(view) {
    var sheet = el("div", "sheet");
    sheet.appendChild(el("h2", "", view.list_label || "Options"));
    view.rows.forEach(function (row) {
      row.forEach(function (choice) {
        var button = sheet.appendChild(el("button", "", choice.title));
        button.type = "button";
        if (choice.description) button.appendChild(el("small", "", choice.description));
        button.addEventListener("click", function () { phone.removeChild(sheet); tap(view, choice); });
      });
    });
    var close = sheet.appendChild(el("button", "", "Cancel"));
    close.type = "button";
    close.addEventListener("click", function () { phone.removeChild(sheet); });
    phone.appendChild(sheet);
  }

  function draw(view) {
    var bubble = add(bubbleOf(view));
    if (view.style === "inline_keyboard") {
      var keyboard = add(el("div", "keyboard"));
      view.rows.forEach(function (row) {
        var line = keyboard.appendChild(el("div"));
        row.forEach(function (choice) { line.appendChild(choiceButton(view, choice, "")); });
      });
    } else if (view.style === "reply_buttons") {
      var buttons = add(el("div", "wa-buttons"));
      view.rows.forEach(function (row) {
        row.forEach(function (choice) { buttons.appendChild(choiceButton(view, choice, "")); });
      });
    } else if (view.style === "list") {
      var opener = bubble.appendChild(el("button", "wa-list", "☰ " + (view.list_label || "Options")));
      opener.type = "button";
      opener.addEventListener("click", function () { openList(view); });
    }
    if (view.rows.length) state.offered = view;
  }

  /* ---- polling ---- */

  function repliesUrl() {
    var url = "/simulator/replies?channel=" + encodeURIComponent(state.channel) +
      "&user_id=" + encodeURIComponent(userInput.value.trim());
    return state.cursor === null ? url : url + "&since=" + state.cursor;
  }

  function poll() {
    var generation = state.generation;
    fetch(repliesUrl()).then(json).then(function (body) {
      if (generation !== state.generation) return;  // the chat was switched meanwhile
      state.cursor = body.cursor;
      body.replies.forEach(draw);
      if (errorBox.dataset.polling) { delete errorBox.dataset.polling; showError(""); }
    }).catch(function (error) {
      errorBox.dataset.polling = "1";
      showError("Replies unavailable: " + error.message);
    }).then(function () {
      if (generation === state.generation) state.timer = setTimeout(poll, POLL_MS);
    });
  }

  function restart() {
    state.generation += 1;
    clearTimeout(state.timer);
    state.cursor = null;
    state.offered = null;
    log.innerHTML = "";
    showError("");
    add(el("div", "note", "Chatting on " + LABELS[state.channel] + " as " + userInput.value.trim()));
    poll();
  }

  function choose(channel) {
    state.channel = channel;
    for (var i = 0; i < tabs.length; i++) {
      tabs[i].setAttribute("aria-pressed", String(tabs[i].getAttribute("data-channel") === channel));
    }
    phone.className = "phone " + channel;
    document.getElementById("channel-name").textContent = LABELS[channel];
    document.getElementById("terminal-hint").textContent = "nzila chat --channel " + channel;
    try { localStorage.setItem("nzila.simulator.channel", channel); } catch (ignored) { /* private mode */ }
    restart();
  }

  function remember() {
    try {
      localStorage.setItem("nzila.simulator.user", userInput.value.trim());
      localStorage.setItem("nzila.simulator.name", nameInput.value.trim());
    } catch (ignored) { /* private mode */ }
  }

  for (var i = 0; i < tabs.length; i++) {
    tabs[i].addEventListener("click", function (event) {
      choose(event.currentTarget.getAttribute("data-channel"));
    });
  }
  userInput.addEventListener("change", function () { remember(); restart(); });
  nameInput.addEventListener("change", remember);
  document.getElementById("new-user").addEventListener("click", function () {
    userInput.value = randomPhone();
    remember();
    restart();
  });

  var saved = {};
  try {
    saved.user = localStorage.getItem("nzila.simulator.user");
    saved.name = localStorage.getItem("nzila.simulator.name");
    saved.channel = localStorage.getItem("nzila.simulator.channel");
  } catch (ignored) { /* private mode */ }
  userInput.value = saved.user || randomPhone();
  if (saved.name) nameInput.value = saved.name;
  remember();
  var first = tabs.length ? tabs[0].getAttribute("data-channel") : null;
  for (var t = 0; t < tabs.length; t++) {
    if (tabs[t].getAttribute("data-channel") === saved.channel) first = saved.channel;
  }
  if (first) choose(first);
  else showError("No channel is enabled in this deployment (CHANNELS).");
})();
