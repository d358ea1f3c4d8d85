"use strict";
/*
 * An accessibility layer over the rasa-webchat widget's DOM, for WCAG 2.1 AA without forking the bundle.
 * Served as /webhooks/socketio/accessible.js, for the demo page and for every website that embeds the
 * widget: after starting the widget, call HelplineAccessibleWidget(the element the widget was put in).
 *
 * rasa-webchat 1.0.1 has no props for any of this, so a MutationObserver watches the widget (React re-creates
 * its elements when it re-renders) and, each time something changes:
 *   - names the launcher, close and send buttons (they hold only an image or an icon) and the text box
 *     (its placeholder is not a label);
 *   - makes the quick-reply chips (divs that only listen for clicks) keyboard-operable buttons: role="button",
 *     tabindex="0", and Enter or Space clicks them, as the widget expects;
 *   - makes the messages a focusable, labelled log (role="log": polite live region), so replies are announced
 *     and the scrollable area can be reached and scrolled from the keyboard;
 *   - keeps the start of a long reply in view: the widget scrolls to the very end after every change, so a
 *     reply taller than the window would open at its last line.
 * The labels are plain interface words; the widget's own texts (title, placeholder) are set where it starts.
 */
window.HelplineAccessibleWidget = function (holder) {
  var LABELS = {
    open: "Open the chat",
    close: "Close the chat",
    send: "Send",
    message: "Your message",
    messages: "Chat messages"
  };
  var REPLY_GAP = 3000; // ms: bubbles shown closer together than this belong to one reply (the widget shows
  //                       a reply's messages one by one, customMessageDelay apart); a later one starts a new reply
  var MARGIN = 8; // px left above a reply's start when it is scrolled to

  function setAll(selector, attributes) {
    holder.querySelectorAll(selector).forEach(function (element) {
      Object.keys(attributes).forEach(function (name) {
        if (element.getAttribute(name) !== attributes[name]) {
          element.setAttribute(name, attributes[name]);
        }
      });
    });
  }

  // ----- names, roles and focus -----

  function label() {
    var open = holder.querySelector(".rw-conversation-container") !== null;
    setAll(".rw-launcher", { "aria-label": open ? LABELS.close : LABELS.open, "aria-expanded": String(open) });
    setAll(".rw-close-button", { "aria-label": LABELS.close });
    setAll(".rw-send", { "aria-label": LABELS.send });
    setAll(".rw-send svg", { "aria-hidden": "true", focusable: "false" });
    setAll(".rw-new-message", { "aria-label": LABELS.message });
    setAll(".rw-messages-container", {
      role: "log",
      "aria-live": "polite",
      "aria-label": LABELS.messages,
      tabindex: "0"
    });
    setAll("div.rw-reply", { role: "button", tabindex: "0" }); // links (a.rw-reply) are operable already
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

  // ----- a long reply opens at its start -----

  var container = null; // the messages container last seen (re-created when the chat is closed and opened)
  var seen = new WeakSet(); // bubbles already there
  var replyStart = null; // the first bubble of the latest reply
  var lastBubbleAt = 0;
  var personScrolled = false; // once the person scrolls, the layer leaves the scrolling to them

  function bubbles() {
    return Array.prototype.filter.call(container.querySelectorAll(".rw-response"), function (bubble) {
      return !bubble.closest(".rw-typing-indication");
    });
  }

  function follows(element, other) {
    return (
      element !== null &&
      other !== null &&
      (other.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
    );
  }

  function lastFromPerson() {
    var sent = container.querySelectorAll(".rw-client");
    return sent.length ? sent[sent.length - 1] : null;
  }

  var SCROLL_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"];

  function notePersonScrolling(event) {
    if (event.type === "keydown") {
      var scrolls = SCROLL_KEYS.indexOf(event.key) >= 0 || (event.key === " " && event.target === container);
      if (!scrolls) {
        return;
      }
    } else if (event.type === "mousedown" && event.target !== container) {
      return; // a click on a message or a chip; on the scroll bar it is the container's
    }
    personScrolled = true;
  }

  function noteNewBubbles() {
    var now = Date.now();
    var person = lastFromPerson();
    bubbles().forEach(function (bubble) {
      if (seen.has(bubble)) {
        return;
      }
      seen.add(bubble);
      if (person !== null && !follows(bubble, person)) {
        return; // an earlier message drawn again (e.g. once its quick reply is chosen), not a new reply
      }
      var sameReply = replyStart !== null && holder.contains(replyStart) && !follows(person, replyStart);
      if (!sameReply || now - lastBubbleAt > REPLY_GAP) {
        replyStart = bubble;
        personScrolled = false;
      }
      lastBubbleAt = now;
    });
  }

  function keepReplyStartInView() {
    if (container === null || replyStart === null || personScrolled || !container.contains(replyStart)) {
      return;
    }
    if (follows(lastFromPerson(), replyStart)) {
      replyStart = null; // the person has written since: the widget shows their message at the end
      return;
    }
    var top = replyStart.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
    var start = Math.max(0, top - MARGIN);
    if (container.scrollHeight - start > container.clientHeight && container.scrollTop > start) {
      container.scrollTop = start; // the reply does not fit: its start, rather than its end, is shown
    }
  }

  function widgetScrolled() {
    // The widget also scrolls to the end on updates that change nothing on screen (so no mutation is seen):
    // while a reply is coming in, such a jump to the very end is undone. Other scrolling is left alone.
    var atEnd = container !== null && container.scrollHeight - container.scrollTop - container.clientHeight < 2;
    if (atEnd && Date.now() - lastBubbleAt < REPLY_GAP) {
      keepReplyStartInView();
    }
  }

  function scrolling() {
    var current = holder.querySelector(".rw-messages-container");
    if (current === null) {
      container = null;
      replyStart = null;
      return;
    }
    if (current !== container) {
      // Opened (or opened again): what is there is the history, shown at its end as the widget does.
      container = current;
      replyStart = null;
      bubbles().forEach(function (bubble) { seen.add(bubble); });
      ["wheel", "touchmove", "keydown", "mousedown"].forEach(function (type) {
        container.addEventListener(type, notePersonScrolling, { passive: true });
      });
      container.addEventListener("scroll", widgetScrolled, { passive: true });
      return;
    }
    noteNewBubbles();
    keepReplyStartInView();
  }

  function update() {
    label();
    scrolling();
  }

  new MutationObserver(update).observe(holder, { childList: true, subtree: true });
  update();
};
