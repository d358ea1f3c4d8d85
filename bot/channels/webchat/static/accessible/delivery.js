"use strict";
/*
 * So that a reply is shown once, and none is lost, when the page is reloaded or the connection drops.
 * Each bot message carries an id (metadata.helpline_id, bot/channels/webchat/output.py). This keeps the id of the
 * last message the widget has stored in its conversation, in the storage the widget keeps its session in, and adds
 * it to the widget's session_request as helpline_seen: on return the server sends again only what came after it.
 * The widget stores bot messages one by one, in order, after a delay; a message is stored once the stored
 * conversation holds as many bot messages as there were before it and ahead of it. A page still open sends the
 * last message it received instead, as it will still show those waiting for their delay.
 */
(function (link) {
  var SESSION = "chat_session"; // rasa-webchat's key: its session id and the conversation
  var SEEN = "helpline_seen"; // {session_id, id}: the last message stored in that session
  var SETTLE_MS = 200;
  var waiting = []; // {id, after}: received, not yet stored; after: the count of stored bot messages that holds it
  var received = null; // the last message this page received
  var timer = null;

  function storage() { // the widget's: local or session storage, as the page started it
    var stores;
    try {
      stores = [window.localStorage, window.sessionStorage];
    } catch (e) {
      return null; // storage is turned off: the server falls back to what it sent last
    }
    for (var i = 0; i < stores.length; i++) {
      try {
        if (stores[i] && stores[i].getItem(SESSION) !== null) {
          return stores[i];
        }
      } catch (e) { /* this one is not available */ }
    }
    return null;
  }

  function read(store, key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (e) {
      return null;
    }
  }

  function storedCount(store) {
    var session = read(store, SESSION);
    var conversation = (session && session.conversation) || [];
    return conversation.filter(function (message) { return message && message.sender === "response"; }).length;
  }

  function settle() {
    var store = storage();
    if (store === null) {
      return;
    }
    var count = storedCount(store);
    var last = null;
    while (waiting.length && waiting[0].after <= count) {
      last = waiting.shift().id;
    }
    if (last !== null) {
      var session = read(store, SESSION);
      try {
        store.setItem(SEEN, JSON.stringify({ session_id: session && session.session_id, id: last }));
      } catch (e) { /* full: the server sends a little more again */ }
    }
    if (!waiting.length && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  (link.handlers.message = link.handlers.message || []).push(function (message) {
    var id = message && message.metadata && message.metadata.helpline_id;
    if (typeof id !== "string") {
      return;
    }
    received = id;
    settle(); // before counting: what was stored meanwhile is no longer waiting
    var store = storage();
    if (store === null) {
      return;
    }
    waiting.push({ id: id, after: storedCount(store) + waiting.length + 1 });
    if (timer === null) {
      timer = setInterval(settle, SETTLE_MS);
    }
  });

  link.amend.session_request = function (data) {
    settle();
    var id = received;
    if (id === null) {
      var store = storage();
      var seen = store === null ? null : read(store, SEEN);
      if (seen && seen.session_id === data.session_id) {
        id = seen.id;
      }
    }
    if (typeof id === "string") {
      data.helpline_seen = id;
    }
  };

  // The widget shows a message as it stores it: settle then, and on a timer while the chat is closed.
  window.HelplineAccessibleWidget.parts.push(function () {
    return function () {
      if (waiting.length) {
        settle();
      }
    };
  });
  window.addEventListener("pagehide", settle);
})(window.HelplineAccessibleWidget.link);
