// The ops pages' only script: live refresh over the gateway's WebSocket, and the buttons.
// The session is an HttpOnly cookie the gateway set at sign-in: this script never sees a
// token; the WebSocket and fetch() send the cookie, same-origin only.
(function () {
  "use strict";
  var root = document.querySelector("[data-panels]");
  if (!root) return;
  var panelsUrl = root.getAttribute("data-panels");
  var topics = (root.getAttribute("data-topics") || "job.*,ops.*").split(",");
  var liveBadge = document.getElementById("live");
  var toast = document.getElementById("toast");
  var socket = null, retry = 1000, pending = null, lastId = null;

  function signIn() {
    window.location.assign("/auth/login?next=" + encodeURIComponent(location.pathname));
  }
  function say(text) {
    toast.textContent = text;
    toast.classList.add("show");
    setTimeout(function () { toast.classList.remove("show"); }, 2500);
  }
  function setLive(on, text) {
    liveBadge.className = "live " + (on ? "on" : "off");
    liveBadge.textContent = text;
  }
  function refresh() {
    pending = null;
    return fetch(panelsUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (r.status === 401) { signIn(); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) { if (html !== null) root.innerHTML = html; })
      .catch(function () { /* the next tick retries */ });
  }
  // A burst of updates (a dead-letter storm) costs one re-read a second, not one each.
  function soon() { if (!pending) pending = setTimeout(refresh, 1000); }

  function progressed(update) {
    var row = root.querySelector('[data-job="' + update.id + '"]');
    if (!row || !update.data) { soon(); return; }
    var done = update.data.done, total = update.data.total;
    var bar = row.querySelector(".meter span"), text = row.querySelector(".progress .text");
    if (bar && total) bar.style.width = Math.min(100, (100 * done) / total).toFixed(1) + "%";
    if (text) text.textContent = update.data.message || (total ? done + " of " + total : done + " done");
    row.setAttribute("data-done", String(done));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws");
    socket.onopen = function () {
      var hello = { subscribe: topics };
      if (lastId) hello.since = lastId;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = function (message) {
      var update = JSON.parse(message.data);
      if (update.type === "live.subscribed") { retry = 1000; setLive(true, "Live"); soon(); return; }
      if (update.uid) lastId = update.uid;
      if (update.type === "live.gap") { lastId = null; soon(); return; }
      if (update.type === "job.progressed") progressed(update); else soon();
    };
    socket.onclose = function (event) {
      setLive(false, "Reconnecting");
      if (event.code === 4401) { signIn(); return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    button.disabled = true;
    fetch(button.getAttribute("data-action"), {
      method: button.getAttribute("data-method") || "POST",
      credentials: "same-origin",
      headers: { "X-Unison-Ops": "1", Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 401) { signIn(); return; }
      return r.json().then(function (body) {
        say(r.ok ? (button.getAttribute("data-done") || "Done") : (body.detail || "Refused"));
      });
    }).catch(function () { say("Not sent: the gateway did not answer"); })
      .then(refresh);
  });

  // Traffic figures have no events: re-read them now and then. Without a live socket the
  // same tick is the fallback for everything else.
  var ticks = 0;
  setInterval(function () {
    ticks += 1;
    var live = socket && socket.readyState === WebSocket.OPEN;
    if (!live || ticks % 3 === 0) refresh();
  }, 5000);
  connect();
})();
