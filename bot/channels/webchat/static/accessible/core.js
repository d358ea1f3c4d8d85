"use strict";
/*
 * An accessibility layer over the rasa-webchat widget's DOM, for WCAG 2.1 AA without forking the bundle, and what
 * the widget shows around the conversation. Served as one script, /webhooks/socketio/accessible.js, for the demo
 * page and for every website that embeds the widget (bot/channels/webchat/pages.py joins these files in order:
 * this one first). Start the widget with `onSocketEvent: HelplineAccessibleWidget.socketEvents`, then call
 * HelplineAccessibleWidget(the element the widget was put in).
 *
 * rasa-webchat 1.0.1 has no props for any of this, so a MutationObserver watches the widget (React re-creates its
 * elements when it re-renders) and, each time something changes, runs each part's update:
 *   - labels.js: names, roles and the keyboard for the widget's buttons, text box, chips and messages;
 *   - scrolling.js: a long reply opens at its start;
 *   - feedback.js: "Was this helpful?" under an answer, and a rating after a nurse chat;
 *   - nurse.js: while a nurse is in the chat, their name in the header and typing both ways;
 *   - helpbar.js: a bar above the text box, all through the conversation, with a way to a nurse and urgent help.
 * And, with no part in the DOM, delivery.js: which messages the widget has, so a reload shows none twice.
 * The server sends the words of the last two (bot/channels/webchat/live.py) over the widget's own socket, which
 * socketEvents() below gives the layer. The other labels are plain interface words.
 */
window.HelplineAccessibleWidget = (function (script) {
  // Feedback goes to the server that served this script: .../webhooks/socketio/accessible.js -> .../feedback
  var FEEDBACK_URL = script ? script.replace(/accessible\.js(?:[?#].*)?$/, "feedback") : "/webhooks/socketio/feedback";
  var start = function (holder, options) {
    start.run(holder, (options && options.feedbackUrl) || FEEDBACK_URL);
  };
  start.parts = []; // function (layer) -> update: each file below pushes one

  // The widget's socket, as its event handlers see it (socket.io calls them with the socket as `this`);
  // amend: what the layer adds to an event the widget sends, by the event's name (delivery.js).
  var link = { socket: null, handlers: {}, last: {}, amend: {} };
  function amending(socket) {
    if (socket.helplineAmending) {
      return;
    }
    socket.helplineAmending = true;
    var emit = socket.emit;
    socket.emit = function (name, data) {
      if (link.amend[name] && data && typeof data === "object") {
        link.amend[name](data);
      }
      return emit.apply(this, arguments);
    };
  }
  function relay(name) {
    return function (data) {
      link.socket = this;
      amending(this); // these handlers run before the widget's own, so before its session_request on connect
      link.last[name] = data; // for a part that starts listening later
      (link.handlers[name] || []).forEach(function (handler) { handler(data); });
    };
  }
  start.socketEvents = {
    connect: relay("connect"),
    bot_uttered: relay("message"),
    helpline_state: relay("state"),
    helpline_typing: relay("typing")
  };
  start.link = link;
  return start;
})(document.currentScript ? document.currentScript.src : null);

window.HelplineAccessibleWidget.run = function (holder, feedbackUrl) {
  var link = window.HelplineAccessibleWidget.link;

  function setAll(selector, attributes) {
    holder.querySelectorAll(selector).forEach(function (element) {
      Object.keys(attributes).forEach(function (name) {
        if (element.getAttribute(name) !== attributes[name]) {
          element.setAttribute(name, attributes[name]);
        }
      });
    });
  }

  function element(tag, style, text) {
    var made = document.createElement(tag);
    if (style) {
      made.setAttribute("style", style);
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  var BUTTON_STYLE = "margin:4px 6px 0 0;min-width:44px;min-height:32px;padding:4px 10px;border:1px solid #1b1b1b;" +
    "border-radius:6px;background:#fff;color:#1b1b1b;font:inherit;cursor:pointer";

  function button(text, onClick, name) {
    var made = element("button", BUTTON_STYLE, text);
    made.type = "button";
    if (name) {
      made.setAttribute("aria-label", name);
    }
    made.addEventListener("click", onClick);
    return made;
  }

  var DOCK_STYLE = "background:#f4f7f9;border-top:1px solid #d0d7de;padding:0 8px;" +
    "font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b";

  var layer = {
    holder: holder,
    feedbackUrl: feedbackUrl,
    setAll: setAll,
    element: element,
    button: button,
    reveal: function () {}, // scrolling.js: bring something the layer added into view, if the reply allows
    on: function (name, handler) { // the server's events on the widget's socket (see socketEvents)
      (link.handlers[name] = link.handlers[name] || []).push(handler);
      if (name !== "typing" && link.last[name] !== undefined) {
        handler(link.last[name]);
      }
    },
    dock: function () { // under the messages, above the text box: the nurse typing, and the help bar
      var sender = holder.querySelector(".rw-conversation-container .rw-sender");
      if (sender === null) {
        return null;
      }
      var dock = sender.previousElementSibling;
      if (dock === null || !dock.classList.contains("helpline-dock")) {
        dock = element("div", DOCK_STYLE);
        dock.className = "helpline-dock";
        sender.parentNode.insertBefore(dock, sender);
      }
      return dock;
    },
    emit: function (name, data) {
      if (link.socket && link.socket.connected) {
        link.socket.emit(name, data);
        return true;
      }
      return false;
    }
  };
  var updates = window.HelplineAccessibleWidget.parts.map(function (part) { return part(layer); });

  function update() {
    updates.forEach(function (each) { each(); });
  }

  new MutationObserver(update).observe(holder, { childList: true, subtree: true });
  update();
};
