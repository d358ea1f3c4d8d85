/*
 * Names, roles and focus (core.js runs this part):
 *   - names the launcher, close and send buttons (they hold only an image or an icon) and the text box
 *     (its placeholder is not a label);
 *   - makes the quick-reply chips (divs that only listen for clicks) keyboard-operable buttons: role="button",
 *     tabindex="0", and Enter or Space clicks them, as the widget expects;
 *   - makes the messages a focusable, labelled log (role="log": polite live region), so replies are announced
 *     and the scrollable area can be reached and scrolled from the keyboard.
 */
window.HelplineAccessibleWidget.parts.push(function (layer) {
  var holder = layer.holder;
  var LABELS = {
    open: "Open the chat",
    close: "Close the chat",
    send: "Send",
    message: "Your message",
    messages: "Chat messages"
  };

  function label() {
    var open = holder.querySelector(".rw-conversation-container") !== null;
    layer.setAll(".rw-launcher", { "aria-label": open ? LABELS.close : LABELS.open, "aria-expanded": String(open) });
    layer.setAll(".rw-close-button", { "aria-label": LABELS.close });
    layer.setAll(".rw-send", { "aria-label": LABELS.send });
    layer.setAll(".rw-send svg", { "aria-hidden": "true", focusable: "false" });
    layer.setAll(".rw-new-message", { "aria-label": LABELS.message });
    layer.setAll(".rw-messages-container", {
      role: "log",
      "aria-live": "polite",
      "aria-label": LABELS.messages,
      tabindex: "0"
    });
    layer.setAll("div.rw-reply", { role: "button", tabindex: "0" }); // links (a.rw-reply) are operable already
  }

  function afterChoosing(chip) {
    // A chosen quick reply disappears with its chips: focus would fall to the page, so it goes to the text box.
    window.setTimeout(function () {
      if (holder.contains(chip)) {
        return;
      }
      var box = holder.querySelector(".rw-new-message");
      var target = box && !box.disabled ? box : holder.querySelector(".rw-messages-container");
      if (target) {
        target.focus();
      }
    }, 0);
  }

  function isChip(element) {
    return element instanceof Element && element.matches("div.rw-reply[role='button']");
  }

  // Enter clicks on key down, Space on key up (as a native button does); Space must not scroll the page.
  holder.addEventListener("keydown", function (event) {
    if (!isChip(event.target)) {
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      event.target.click();
      afterChoosing(event.target);
    } else if (event.key === " ") {
      event.preventDefault();
    }
  });
  holder.addEventListener("keyup", function (event) {
    if (isChip(event.target) && event.key === " ") {
      event.preventDefault();
      event.target.click();
      afterChoosing(event.target);
    }
  });

  return label;
});
