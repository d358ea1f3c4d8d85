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
 * It also asks "Was this helpful?" under each content answer (the server marks its bubble with the classes
 * helpline-answer and helpline-answer--<entry id>) and for a rating of 1 to 5 under the notice that a nurse ended
 * the chat (helpline-csat): these are the layer's own buttons, outside the dialogue, and they post to the channel's
 * /feedback with the session token the widget keeps (bot/channels/webchat/feedback.py). See feedback() below.
 * The labels are plain interface words; the widget's own texts (title, placeholder) are set where it starts.
 */
window.HelplineAccessibleWidget = (function (script) {
  // Feedback goes to the server that served this script: .../webhooks/socketio/accessible.js -> .../feedback
  var FEEDBACK_URL = script ? script.replace(/accessible\.js(?:[?#].*)?$/, "feedback") : "/webhooks/socketio/feedback";
  return function (holder, options) {
    window.HelplineAccessibleWidget.start(holder, (options && options.feedbackUrl) || FEEDBACK_URL);
  };
})(document.currentScript ? document.currentScript.src : null);

window.HelplineAccessibleWidget.start = function (holder, feedbackUrl) {
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

  // ----- "Was this helpful?" and the rating after a nurse chat -----

  var FEEDBACK = {
    question: "Was this helpful?",
    yes: "Yes",
    no: "No",
    sorry: "We\u2019re sorry you didn\u2019t find this helpful.",
    missing: "What was missing? (optional)",
    notice: "Please do not include personal details and be aware we cannot respond to comments.",
    send: "Send",
    rating: "How was your chat with the nurse? Choose 1 (poor) to 5 (very good).",
    ratingLabel: function (n) { return n + " out of 5"; },
    thanks: "Thank you for your feedback.",
    failed: "Sorry, your feedback could not be sent. Please try again later."
  };
  var DONE_KEY = "helpline_feedback"; // {token, done: [keys]}: answered controls stay answered after a reload
  var STYLE = {
    box: "margin:4px 0 10px;padding:8px 10px;border:1px solid #6b6b6b;border-radius:8px;background:#fff;" +
      "color:#1b1b1b;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:85%",
    button: "margin:4px 6px 0 0;min-width:44px;min-height:32px;padding:4px 10px;border:1px solid #1b1b1b;" +
      "border-radius:6px;background:#fff;color:#1b1b1b;font:inherit;cursor:pointer",
    text: "display:block;width:100%;box-sizing:border-box;margin:4px 0;font:inherit;color:#1b1b1b;background:#fff;" +
      "border:1px solid #1b1b1b;border-radius:4px",
    para: "margin:4px 0"
  };
  var counter = 0;

  function storage() {
    try {
      return window.localStorage.getItem("chat_session") ? window.localStorage : window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  function token() {
    var store = storage();
    try {
      var session = store && JSON.parse(store.getItem("chat_session") || "null");
      return session && typeof session.session_id === "string" ? session.session_id : null;
    } catch (error) {
      return null;
    }
  }

  function doneList() {
    var store = storage();
    try {
      var saved = store && JSON.parse(store.getItem(DONE_KEY) || "null");
      return saved && saved.token === token() && Array.isArray(saved.done) ? saved.done : [];
    } catch (error) {
      return [];
    }
  }

  function markDone(key) {
    var store = storage();
    var done = doneList();
    if (done.indexOf(key) < 0) {
      done.push(key);
    }
    try {
      if (store) {
        store.setItem(DONE_KEY, JSON.stringify({ token: token(), done: done }));
      }
    } catch (error) {
      // private browsing: the answered control is simply asked again after a reload
    }
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

  function button(text, onClick, name) {
    var made = element("button", STYLE.button, text);
    made.type = "button";
    if (name) {
      made.setAttribute("aria-label", name);
    }
    made.addEventListener("click", onClick);
    return made;
  }

  function finish(box, key, text) {
    while (box.childNodes.length > 1) {
      box.removeChild(box.lastChild); // the question stays as the group's name
    }
    var status = element("p", STYLE.para, text);
    status.setAttribute("role", "status");
    status.tabIndex = -1;
    box.appendChild(status);
    status.focus(); // the button that was pressed is gone: focus stays where the person is
    if (key) {
      markDone(key);
    }
  }

  function post(body, box, key) {
    body.token = token();
    var request = window.fetch(feedbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    });
    request.then(function (answer) {
      finish(box, answer.ok ? key : null, answer.ok ? FEEDBACK.thanks : FEEDBACK.failed);
    }, function () {
      finish(box, null, FEEDBACK.failed);
    });
  }

  function group(key, question) {
    var box = element("div", STYLE.box);
    box.className = "helpline-feedback";
    box.setAttribute("data-feedback-key", key);
    box.setAttribute("role", "group");
    counter += 1;
    var heading = element("p", STYLE.para, question);
    heading.id = "helpline-feedback-" + counter;
    box.setAttribute("aria-labelledby", heading.id);
    box.appendChild(heading);
    return box;
  }

  function askMissing(box, key, contentId) {
    while (box.childNodes.length > 1) {
      box.removeChild(box.lastChild); // the question stays as the group's name
    }
    var id = box.firstChild.id;
    box.appendChild(element("p", STYLE.para, FEEDBACK.sorry));
    var words = element("label", "display:block;margin-top:4px", FEEDBACK.missing);
    words.htmlFor = id + "-missing";
    var area = element("textarea", STYLE.text);
    area.id = id + "-missing";
    area.rows = 3;
    area.maxLength = 1000;
    area.setAttribute("aria-describedby", id + "-notice");
    var notice = element("p", STYLE.para, FEEDBACK.notice);
    notice.id = id + "-notice";
    box.appendChild(words);
    box.appendChild(area);
    box.appendChild(notice);
    box.appendChild(button(FEEDBACK.send, function () {
      post({ content_id: contentId, helpful: false, comment: area.value }, box, key);
    }));
    area.focus();
  }

  function helpfulControl(key, contentId) {
    var box = group(key, FEEDBACK.question);
    box.appendChild(button(FEEDBACK.yes, function () {
      post({ content_id: contentId, helpful: true }, box, key);
    }));
    box.appendChild(button(FEEDBACK.no, function () {
      // the "no" is kept at once; what was missing, if they write it, replaces it
      window.fetch(feedbackUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: token(), content_id: contentId, helpful: false })
      }).catch(function () {});
      askMissing(box, key, contentId);
    }));
    return box;
  }

  function ratingControl(key) {
    var box = group(key, FEEDBACK.rating);
    [1, 2, 3, 4, 5].forEach(function (n) {
      box.appendChild(button(String(n), function () {
        post({ rating: n }, box, key);
      }, FEEDBACK.ratingLabel(n)));
    });
    return box;
  }

  function entryOf(bubble) {
    var found = null;
    bubble.classList.forEach(function (name) {
      if (name.indexOf("helpline-answer--") === 0) {
        found = name.slice("helpline-answer--".length);
      }
    });
    return found;
  }

  function feedback() {
    var marked = holder.querySelectorAll(".rw-response.helpline-answer, .rw-response.helpline-csat");
    if (!marked.length) {
      return;
    }
    var done = doneList();
    Array.prototype.forEach.call(marked, function (bubble, index) {
      var message = bubble.closest(".rw-message") || bubble;
      var rating = bubble.classList.contains("helpline-csat");
      var contentId = rating ? null : entryOf(bubble);
      var key = (rating ? "csat-" : "answer-") + index;
      var next = message.nextElementSibling;
      if ((!rating && !contentId) || (next && next.getAttribute("data-feedback-key") === key)) {
        return;
      }
      if (next && next.hasAttribute("data-feedback-key")) {
        next.parentNode.removeChild(next); // drawn for another bubble before the widget re-drew its messages
      }
      if (done.indexOf(key) >= 0) {
        return; // answered already (before a reload)
      }
      message.parentNode.insertBefore(rating ? ratingControl(key) : helpfulControl(key, contentId), message.nextSibling);
    });
  }

  function update() {
    label();
    feedback();
    scrolling();
  }

  new MutationObserver(update).observe(holder, { childList: true, subtree: true });
  update();
};
