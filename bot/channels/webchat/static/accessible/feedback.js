/*
 * "Was this helpful?" under each content answer (the server marks its bubble with the classes helpline-answer and
 * helpline-answer--<entry id>) and a rating of 1 to 5 under the notice that a nurse ended the chat (helpline-csat):
 * the layer's own buttons, outside the dialogue (core.js runs this part). They post to the channel's /feedback with
 * the session token the widget keeps (bot/channels/webchat/feedback.py). A new question is scrolled into view.
 */
window.HelplineAccessibleWidget.parts.push(function (layer) {
  var holder = layer.holder;
  var element = layer.element;
  var button = layer.button;
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
    var request = window.fetch(layer.feedbackUrl, {
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
      window.fetch(layer.feedbackUrl, {
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
      var control = rating ? ratingControl(key) : helpfulControl(key, contentId);
      message.parentNode.insertBefore(control, message.nextSibling);
      layer.reveal(control);
    });
  }

  return feedback;
});
