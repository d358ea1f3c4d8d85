/*
 * A long reply opens at its start (core.js runs this part): the widget scrolls to the very end after every change,
 * so a reply taller than the window would open at its last line. And what the layer adds under a reply (the
 * feedback question) is scrolled into view when that keeps the reply's start in view: layer.reveal(element).
 */
window.HelplineAccessibleWidget.parts.push(function (layer) {
  var holder = layer.holder;
  var REPLY_GAP = 3000; // ms: bubbles shown closer together than this belong to one reply (the widget shows
  //                       a reply's messages one by one, customMessageDelay apart); a later one starts a new reply
  var MARGIN = 8; // px left above a reply's start when it is scrolled to

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

  function offsetOf(element) {
    return element.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
  }

  function keepReplyStartInView() {
    if (container === null || replyStart === null || personScrolled || !container.contains(replyStart)) {
      return;
    }
    if (follows(lastFromPerson(), replyStart)) {
      replyStart = null; // the person has written since: the widget shows their message at the end
      return;
    }
    var start = Math.max(0, offsetOf(replyStart) - MARGIN);
    if (container.scrollHeight - start > container.clientHeight && container.scrollTop > start) {
      container.scrollTop = start; // the reply does not fit: its start, rather than its end, is shown
    }
  }

  // Something added under the latest reply (the feedback question) is scrolled up into view, as far as the
  // reply's start allows: the widget only scrolls for its own messages, so it stayed under the text box.
  var toReveal = null;
  layer.reveal = function (added) {
    toReveal = added; // after this update's new bubbles are known (feedback.js runs before this part)
  };

  function reveal(added) {
    if (container === null || personScrolled || !container.contains(added)) {
      return;
    }
    var bottom = offsetOf(added) + added.offsetHeight + MARGIN;
    var wanted = bottom - container.clientHeight;
    if (replyStart !== null && container.contains(replyStart)) {
      wanted = Math.min(wanted, Math.max(0, offsetOf(replyStart) - MARGIN));
    }
    if (wanted > container.scrollTop) {
      container.scrollTop = wanted;
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

  return function scrolling() {
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
      toReveal = null;
      return;
    }
    noteNewBubbles();
    keepReplyStartInView();
    if (toReveal !== null) {
      reveal(toReveal);
      toReveal = null;
    }
  };
});
