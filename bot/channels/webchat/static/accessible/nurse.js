/*
 * While a nurse is in the chat (core.js runs this part; the words come from the server, live.py):
 *   - their name in the header, in place of the subtitle, until they leave;
 *   - "… is typing" above the text box for typing_shown_ms after the nurse last typed, or until their reply comes;
 *   - the person's typing, said to the server at most every typing_every_ms (the console shows it).
 */
window.HelplineAccessibleWidget.parts.push(function (layer) {
  var holder = layer.holder;
  var NURSE_REPLY = ".rw-response.helpline-nurse"; // bot/channels/webchat/messages.py's NURSE_CSS_CLASS
  var TYPING_STYLE = "margin:0;padding:4px 2px 0;font-style:italic";
  var state = null; // the server's latest helpline_state
  var typingUntil = 0;
  var typingTimer = null;
  var lastTypedAt = 0;
  var replies = 0; // the nurse's replies shown, to stop "typing" when one comes

  function nurse() {
    return state !== null && state.nurse ? state.nurse : null;
  }

  layer.on("state", function (data) {
    state = data;
    if (!nurse()) {
      typingUntil = 0;
    }
    update();
  });
  layer.on("typing", function () {
    if (!nurse()) {
      return;
    }
    typingUntil = Date.now() + state.typing_shown_ms;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(update, state.typing_shown_ms + 50);
    update();
  });

  holder.addEventListener("input", function (event) {
    if (!nurse() || !(event.target instanceof Element) || !event.target.matches(".rw-new-message")) {
      return;
    }
    var now = Date.now();
    if (now - lastTypedAt >= state.typing_every_ms && layer.emit("helpline_typing", {})) {
      lastTypedAt = now;
    }
  });

  function header() {
    var head = holder.querySelector(".rw-conversation-container .rw-header");
    if (head === null) {
      return;
    }
    var ours = head.querySelector(".helpline-header-nurse");
    var subtitle = Array.prototype.filter.call(head.children, function (child) {
      return child.tagName === "SPAN" && child !== ours;
    })[0];
    if (nurse()) {
      if (ours === null) {
        ours = layer.element("span");
        ours.className = "helpline-header-nurse";
        head.appendChild(ours);
      }
      if (ours.textContent !== state.header) {
        ours.textContent = state.header;
      }
      if (subtitle && !subtitle.hidden) {
        subtitle.hidden = true;
      }
    } else {
      if (ours !== null) {
        ours.parentNode.removeChild(ours);
      }
      if (subtitle && subtitle.hidden) {
        subtitle.hidden = false;
      }
    }
  }

  function typingLine() {
    var dock = layer.dock();
    if (dock === null) {
      return;
    }
    var line = dock.querySelector(".helpline-typing");
    if (line === null) {
      line = layer.element("p", TYPING_STYLE);
      line.className = "helpline-typing";
      line.setAttribute("role", "status"); // there from the start, so that what it says is announced
      dock.insertBefore(line, dock.firstChild);
    }
    var shown = holder.querySelectorAll(NURSE_REPLY).length;
    if (shown > replies) {
      typingUntil = 0; // the reply has come
    }
    replies = shown;
    var text = nurse() && Date.now() < typingUntil ? state.typing : "";
    if (line.textContent !== text) {
      line.textContent = text;
    }
  }

  function update() {
    header();
    typingLine();
  }

  return update;
});
