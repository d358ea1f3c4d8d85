/*
 * A bar above the text box, all through the conversation (core.js runs this part): a way to a nurse and to urgent
 * help, as buttons with their own names in a named group. Its words and payloads come from the server (live.py):
 * while a chat with a nurse is open it offers urgent help only. A button sends its payload as the widget's chips do.
 */
window.HelplineAccessibleWidget.parts.push(function (layer) {
  var holder = layer.holder;
  var BAR_STYLE = "display:flex;flex-wrap:wrap;gap:0 4px;padding:2px 0 6px";
  var USER_MESSAGE = "user_uttered"; // the widget's own event for what the person sends
  var bar = null; // the server's latest bar: {label, buttons: [{title, payload}]}

  layer.on("state", function (data) {
    bar = data.bar || null;
    update();
  });

  function token() {
    try {
      var store = window.localStorage.getItem("chat_session") ? window.localStorage : window.sessionStorage;
      var session = JSON.parse(store.getItem("chat_session") || "null");
      return session && typeof session.session_id === "string" ? session.session_id : null;
    } catch (error) {
      return null;
    }
  }

  function send(payload) {
    layer.emit(USER_MESSAGE, { message: payload, customData: {}, session_id: token() });
  }

  function draw() {
    var group = layer.element("div", BAR_STYLE);
    group.className = "helpline-bar";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", bar.label);
    bar.buttons.forEach(function (choice) {
      var made = layer.button(choice.title, function () { send(choice.payload); });
      made.setAttribute("data-payload", choice.payload);
      group.appendChild(made);
    });
    group.helplineBar = bar;
    return group;
  }

  function update() {
    var dock = layer.dock();
    if (dock === null || bar === null) {
      return;
    }
    var drawn = dock.querySelector(".helpline-bar");
    if (drawn !== null && drawn.helplineBar === bar) {
      return;
    }
    var fresh = draw();
    var focused = drawn !== null && drawn.contains(document.activeElement) ? document.activeElement : null;
    if (drawn !== null) {
      dock.replaceChild(fresh, drawn);
    } else {
      dock.appendChild(fresh);
    }
    if (focused !== null) { // the bar changed under the keyboard: the same button if it is still there
      var same = fresh.querySelector('[data-payload="' + focused.getAttribute("data-payload") + '"]');
      (same || holder.querySelector(".rw-new-message") || fresh).focus();
    }
  }

  return update;
});
