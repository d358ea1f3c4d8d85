"use strict";
/* The demo page's script (served as /webhooks/socketio/demo.js): starts the widget, then its accessibility layer. */
(function () {
  var holder = document.getElementById("webchat");
  window.WebChat.default(
    {
      socketUrl: window.location.origin,
      socketPath: holder.dataset.socketPath,
      title: holder.dataset.title,
      subtitle: "Information, not a diagnosis",
      initPayload: "/greet",
      inputTextFieldHint: "Type your question",
      customData: { language: "en" },
      params: { storage: "local" },
      customMessageDelay: function () { return 400; },
      onSocketEvent: window.HelplineAccessibleWidget.socketEvents // the nurse's name, typing, the help bar
    },
    holder
  );

  window.HelplineAccessibleWidget(holder);
})();
