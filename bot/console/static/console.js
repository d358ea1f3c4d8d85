// Nurse console. Plain JavaScript, no build step. All text from the server is set with textContent or
// text nodes, never parsed as HTML, so nothing a person types can run as code here.
"use strict";

(() => {
  const CLAIM_LOST = "Another nurse has already claimed this conversation.";
  const LONG_WAIT_SECONDS = 10 * 60;
  const TICK_MS = 5000;
  // The channels' names as Rasa records them (bot/channels): the website widget, the SMS line, and the REST API.
  const CHANNELS = { socketio: "Web chat", twilio: "Text message", rest: "REST API" };
  const AUTHORS = { person: "Person", bot: "Bot", nurse: "Nurse", system: "System" };
  const STATES = {
    waiting: "Waiting for a nurse",
    returned: "Handed back to the bot",
    closed: "Closed",
    cancelled: "The person left",
    abandoned: "The person went away while waiting",
  };

  const $ = (id) => document.getElementById(id);

  const state = {
    me: null,
    queue: [],
    queueFetchedAt: 0,
    left: [],
    openId: null,
    open: null,
    rendered: new Set(),
    detailRequest: 0,
    mine: new Map(),
    source: null,
    connection: "connecting",
    reconnectTimer: null,
    noticeTimer: null,
    pending: {},
    paused: false,  // new chats paused by an admin (GET /api/pause)
    savedReplies: new Map(),  // id -> text
    busy: false,
    soundOn: localStorage.getItem("helpline-console:sound") !== "off",
    audio: null,
  };

  // ---------- small helpers ----------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "className") node.className = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function channelName(channel) {
    return CHANNELS[channel] || channel;
  }

  function clock(iso) {
    const when = new Date(iso);
    return Number.isNaN(when.getTime()) ? "" : when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function dateTime(iso) {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return "";
    return when.toLocaleString("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 60) return "under a minute";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  function shorten(text, length) {
    return text.length > length ? `${text.slice(0, length - 1)}…` : text;
  }

  function announce(message) {
    const region = $("announcer");
    region.textContent = "";
    // A fresh text node after a tick makes screen readers read repeated messages too.
    window.setTimeout(() => { region.textContent = message; }, 50);
  }

  function reportBackground(error) {
    if (error && error.status === 401) return;
    console.error(error);
  }

  // ---------- the API ----------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body, { endSessionOn401 = true } = {}) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      throw new ApiError(0, "The console cannot reach the server. Check the connection and try again.");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const message = data && typeof data.error === "string" ? data.error : `The server answered ${response.status}.`;
      if (response.status === 401 && endSessionOn401) sessionEnded(message);
      throw new ApiError(response.status, message);
    }
    return data;
  }

  // ---------- sound ----------

  function audioContext() {
    if (!state.audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      try {
        state.audio = new Context();
      } catch (error) {
        return null;
      }
    }
    return state.audio;
  }

  function unlockAudio() {
    // Browsers only start audio after a click or key press; every one of those gives it another chance.
    const context = audioContext();
    if (context && context.state === "suspended") context.resume().catch(() => {});
  }

  function beep() {
    if (!state.soundOn) return;
    const context = audioContext();
    if (!context) return;
    if (context.state === "suspended") context.resume().catch(() => {});
    const start = context.currentTime + 0.02;
    [[660, 0], [880, 0.2]].forEach(([frequency, offset]) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.setValueAtTime(frequency, start + offset);
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    });
  }

  function renderSoundToggle() {
    const button = $("sound-toggle");
    button.setAttribute("aria-pressed", String(state.soundOn));
    button.textContent = state.soundOn ? "Sound: on" : "Sound: off";
  }

  // ---------- signing in and out ----------

  function showSignIn(note, error) {
    $("workspace").hidden = true;
    $("session-bar").hidden = true;
    $("sign-in").hidden = false;
    $("sign-in-note").textContent = note || "";
    $("sign-in-error").textContent = error || "";
    document.title = "Nurse console";
    $("username").focus();
  }

  function clearWorkspace() {
    for (const id of ["queue", "mine", "left-messages", "transcript", "stats-body", "nurses-body"]) $(id).replaceChildren();
    state.queue = [];
    state.left = [];
    state.mine = new Map();
    state.openId = null;
    state.open = null;
    state.rendered = new Set();
    $("conversation-body").hidden = true;
    $("conversation-placeholder").hidden = false;
    $("conversation-title").textContent = "Conversation";
    hideNotice();
  }

  function disconnect() {
    if (state.source) state.source.close();
    state.source = null;
    window.clearTimeout(state.reconnectTimer);
  }

  function sessionEnded(message) {
    if (!state.me) return;
    disconnect();
    state.me = null;
    clearWorkspace();
    showSignIn("", message || "Your session has ended. Please sign in again.");
  }

  function startWorkspace(nurse) {
    state.me = nurse;
    $("sign-in").hidden = true;
    $("workspace").hidden = false;
    $("session-bar").hidden = false;
    const role = nurse.role === "admin" ? "administrator" : "nurse";
    $("signed-in-as").textContent = `${nurse.display_name} (${role})`;
    $("admin").hidden = nurse.role !== "admin";
    renderSoundToggle();
    state.mine = new Map();
    renderQueue();
    renderMine();
    renderLeft();
    connect();
    $("queue-title").focus();
  }

  async function signIn(event) {
    event.preventDefault();
    unlockAudio();
    const username = $("username").value.trim();
    const password = $("password").value;
    $("sign-in-note").textContent = "";
    if (!username || !password) {
      $("sign-in-error").textContent = "Enter your username and password.";
      (username ? $("password") : $("username")).focus();
      return;
    }
    const button = event.submitter || $("sign-in-form").querySelector("button");
    button.disabled = true;
    try {
      const data = await api("POST", "/api/login", { username, password }, { endSessionOn401: false });
      $("password").value = "";
      $("sign-in-error").textContent = "";
      startWorkspace(data.nurse);
    } catch (error) {
      $("sign-in-error").textContent = error.message;
      $("password").focus();
      $("password").select();
    } finally {
      button.disabled = false;
    }
  }

  async function signOut() {
    try {
      await api("POST", "/api/logout", undefined, { endSessionOn401: false });
    } catch (error) {
      reportBackground(error);
    }
    disconnect();
    state.me = null;
    clearWorkspace();
    showSignIn("You have signed out.", "");
  }

  // ---------- live updates ----------

  function setConnection(value) {
    state.connection = value;
    const badge = $("connection");
    badge.dataset.state = value;
    badge.textContent = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…" }[value];
  }

  function connect() {
    disconnect();
    setConnection("connecting");
    const source = new EventSource("/api/events");
    state.source = source;
    source.addEventListener("ready", () => {
      if (state.source !== source) return;
      if (state.connection === "reconnecting") announce("Live updates are back.");
      setConnection("live");
      refreshAll();
    });
    source.addEventListener("handoff", (message) => {
      if (state.source !== source) return;
      try {
        onEvent(JSON.parse(message.data));
      } catch (error) {
        reportBackground(error);
      }
    });
    source.addEventListener("signed-out", (message) => {
      let text = "";
      try {
        text = JSON.parse(message.data).error;
      } catch (error) {
        text = "";
      }
      sessionEnded(text);
    });
    source.onerror = () => {
      if (state.source !== source) return;
      if (state.connection === "live") announce("Live updates were interrupted. Reconnecting.");
      setConnection("reconnecting");
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (perhaps the session ended): find out why before trying again.
        source.close();
        state.reconnectTimer = window.setTimeout(checkThenReconnect, 3000);
      }
    };
  }

  async function checkThenReconnect() {
    if (!state.me) return;
    try {
      await api("GET", "/api/me");
      connect();
    } catch (error) {
      if (error.status !== 401) state.reconnectTimer = window.setTimeout(checkThenReconnect, 5000);
    }
  }

  const loaders = {
    queue: () => loadQueue(),
    left: () => loadLeft(),
    mine: () => refreshMine(),
    detail: () => (state.openId ? loadDetail(state.openId) : Promise.resolve()),
    admin: () => (state.me && state.me.role === "admin" ? loadAdmin() : Promise.resolve()),
    pause: () => loadPause(),
    replies: () => loadSavedReplies(),
  };

  function refreshSoon(what) {
    // Several events in a burst cause one request, not one each.
    if (!state.pending[what]) {
      state.pending[what] = new Promise((resolve) => {
        window.setTimeout(() => {
          state.pending[what] = null;
          if (!state.me) return resolve();
          loaders[what]().catch(reportBackground).then(resolve);
        }, 100);
      });
    }
    return state.pending[what];
  }

  function refreshAll() {
    for (const what of Object.keys(loaders)) refreshSoon(what);
  }

  function onEvent(event) {
    const id = event.handoff_id;
    const open = id !== null && id === state.openId;
    switch (event.kind) {
      case "created":
        beep();
        refreshSoon("queue").then(() => notifyNewcomer(id, false));
        break;
      case "escalated":
        beep();
        refreshSoon("queue").then(() => notifyNewcomer(id, true));
        break;
      case "message_left":
        refreshSoon("left").then(() => announce("A new message was left out of hours."));
        break;
      case "person_message":
        if (open) refreshSoon("detail");
        if (state.queue.some((item) => item.id === id)) refreshSoon("queue");
        if (state.mine.has(id) && !open) {
          state.mine.get(id).unread = true;
          renderMine();
          beep();
          announce(`New message in your conversation: ${state.mine.get(id).reason}.`);
        }
        break;
      case "nurse_reply":
        if (open) refreshSoon("detail");
        break;
      case "handoffs_paused":
      case "handoffs_resumed":
        refreshSoon("pause").then(() => announce(event.kind === "handoffs_paused" ? "New chats are paused." : "New chats are open again."));
        break;
      default:
        refreshSoon("queue");
        if (open) refreshSoon("detail");
        if (state.left.some((item) => item.id === id)) refreshSoon("left");
        if (state.mine.has(id)) {
          if (event.kind === "cancelled") announce(`The person left the conversation: ${state.mine.get(id).reason}.`);
          refreshSoon("mine");
        }
    }
  }

  // ---------- notices ----------

  function hideNotice() {
    $("notice").hidden = true;
    $("notice-text").textContent = "";
    window.clearTimeout(state.noticeTimer);
  }

  function notifyNewcomer(id, escalated) {
    const item = state.queue.find((entry) => entry.id === id);
    if (!item) return;
    const urgent = item.priority === "urgent";
    const opening = escalated ? "Now urgent" : urgent ? "Urgent: someone new is waiting" : "Someone new is waiting";
    const text = `${opening}: ${item.reason} (${channelName(item.channel)}).`;
    $("notice-text").textContent = text;
    $("notice").hidden = false;
    window.clearTimeout(state.noticeTimer);
    state.noticeTimer = window.setTimeout(hideNotice, 60000);
    const count = state.queue.length;
    announce(`${text} ${count} ${count === 1 ? "person" : "people"} waiting.`);
  }

  // ---------- the queue ----------

  function updateTitle() {
    const count = state.queue.length;
    document.title = count ? `(${count}) waiting – Nurse console` : "Nurse console";
  }

  async function loadQueue() {
    const data = await api("GET", "/api/queue");
    state.queue = data.queue;
    state.queueFetchedAt = performance.now();
    renderQueue();
  }

  function keepFocus(list, render) {
    // Lists are rebuilt on every change; put the keyboard focus back on the same entry afterwards.
    const active = document.activeElement;
    const focusedId = list.contains(active) && active.dataset ? active.dataset.id : null;
    render();
    if (focusedId) {
      const again = list.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus();
      else $("queue-title").focus();
    }
  }

  function waitedText(span) {
    const seconds = Number(span.dataset.base) + (performance.now() - state.queueFetchedAt) / 1000;
    span.textContent = `waiting ${duration(seconds)}`;
    span.classList.toggle("long-wait", seconds >= LONG_WAIT_SECONDS);
  }

  function tick() {
    document.querySelectorAll("#queue .waited").forEach(waitedText);
  }

  function queueEntry(item) {
    const urgent = item.priority === "urgent";
    const waited = el("span", { className: "waited", "data-base": item.waiting_seconds });
    waitedText(waited);
    const button = el(
      "button",
      {
        type: "button",
        className: urgent ? "item urgent" : "item",
        "data-id": item.id,
        "aria-current": item.id === state.openId ? "true" : null,
      },
      el("span", { className: "line" }, urgent ? el("span", { className: "badge urgent" }, "Urgent") : null,
        item.burst ? el("span", { className: "badge burst" }, `Burst: ${item.burst} urgent together`) : null,
        el("span", { className: "reason" }, item.reason)),
      el("span", { className: "line meta" }, `${item.position}. ${channelName(item.channel)} · `, waited,
        item.away_since ? " · away" : ""),
      el("span", { className: "last" }, item.last_message ? `“${shorten(item.last_message, 160)}”` : "No message yet"),
    );
    button.addEventListener("click", () => openConversation(item.id));
    return el("li", {}, button);
  }

  function renderQueue() {
    const list = $("queue");
    keepFocus(list, () => list.replaceChildren(...state.queue.map(queueEntry)));
    $("queue-empty").hidden = state.queue.length > 0;
    $("queue-count").textContent = String(state.queue.length);
    updateTitle();
  }

  // ---------- my conversations ----------

  function addMine(handoff) {
    const known = state.mine.get(handoff.id);
    state.mine.set(handoff.id, { id: handoff.id, reason: handoff.reason, channel: handoff.channel,
      kind: handoff.kind, claimed_at: handoff.claimed_at, unread: known ? known.unread : false });
    renderMine();
  }

  function removeMine(id) {
    state.mine.delete(id);
    renderMine();
  }

  async function refreshMine() {
    const data = await api("GET", "/api/mine");
    const claimed = new Set(data.handoffs.map((handoff) => handoff.id));
    for (const id of [...state.mine.keys()]) if (!claimed.has(id)) state.mine.delete(id);
    for (const handoff of data.handoffs) addMine(handoff);
    renderMine();
  }

  function renderMine() {
    const list = $("mine");
    const entries = [...state.mine.values()].map((item) => {
      const button = el(
        "button",
        { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
        el("span", { className: "line" }, item.unread ? el("span", { className: "badge unread" }, "New message") : null,
          el("span", { className: "reason" }, item.reason)),
        el("span", { className: "line meta" },
          [channelName(item.channel), item.claimed_at ? `claimed ${clock(item.claimed_at)}` : ""].filter(Boolean).join(" · ")),
      );
      button.addEventListener("click", () => openConversation(item.id));
      return el("li", {}, button);
    });
    keepFocus(list, () => list.replaceChildren(...entries));
    $("mine-empty").hidden = state.mine.size > 0;
  }

  // ---------- messages left out of hours ----------

  async function loadLeft() {
    const data = await api("GET", "/api/messages");
    state.left = data.messages;
    renderLeft();
  }

  function renderLeft() {
    const list = $("left-messages");
    const entries = state.left.map((item) => {
      const who = item.state === "claimed" ? `claimed by ${item.claimed_by_name || "a nurse"}` : "not yet picked up";
      const button = el(
        "button",
        { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
        el("span", { className: "line meta" }, `Left ${dateTime(item.created_at)} · ${channelName(item.channel)} · ${who}`),
        el("span", { className: "last" }, `“${shorten(item.text || "", 240)}”`),
      );
      button.addEventListener("click", () => openConversation(item.id));
      return el("li", {}, button);
    });
    keepFocus(list, () => list.replaceChildren(...entries));
    $("left-empty").hidden = state.left.length > 0;
    $("left-count").textContent = String(state.left.length);
  }

  // ---------- one conversation ----------

  function markCurrent() {
    document.querySelectorAll(".items button[data-id]").forEach((button) => {
      if (Number(button.dataset.id) === state.openId) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
  }

  function showConversationError(message) {
    $("conversation-error").textContent = message;
  }

  async function openConversation(id, { focus = true } = {}) {
    state.openId = id;
    state.open = null;
    state.rendered = new Set();
    $("transcript").replaceChildren();
    showConversationError("");
    $("reply-text").value = "";
    $("close-form").reset();
    if (state.mine.has(id)) {
      state.mine.get(id).unread = false;
      renderMine();
    }
    markCurrent();
    try {
      await loadDetail(id);
    } catch (error) {
      showConversationError(error.message);
    }
    if (focus) $("conversation-title").focus();
  }

  async function loadDetail(id) {
    const request = ++state.detailRequest;
    const data = await api("GET", `/api/handoffs/${id}`);
    if (request !== state.detailRequest || state.openId !== id) return;
    state.open = data;
    renderDetail(data);
  }

  function messageEntry(message) {
    const author = AUTHORS[message.author] ? message.author : "system";
    let who = AUTHORS[author];
    if (author === "nurse" && message.nurse_name) who = `Nurse ${message.nurse_name}`;
    if (message.context) who = `${who} (before the handoff)`;
    return el(
      "li",
      { className: `msg msg-${author}${message.context ? " msg-context" : ""}`, "data-id": message.id },
      el("span", { className: "who" }, who, el("time", { datetime: message.created_at }, clock(message.created_at))),
      el("div", { className: "text" }, message.text),
    );
  }

  function stateText(handoff, mine) {
    const said = baseStateText(handoff, mine);
    const open = handoff.state === "waiting" || handoff.state === "claimed";
    return handoff.away_since && open && handoff.kind === "live" ? `${said} (the person is away)` : said;
  }

  function baseStateText(handoff, mine) {
    if (handoff.state === "claimed") return mine ? "You are looking after this" : `Claimed by ${handoff.claimed_by_name || "another nurse"}`;
    if (handoff.state === "closed" && handoff.outcome) return `Closed: ${handoff.outcome}`;
    if (handoff.state === "waiting" && handoff.kind === "message") return "Message waiting: claim it to reply";
    return STATES[handoff.state] || handoff.state;
  }

  function renderDetail({ handoff, messages }) {
    const mine = handoff.state === "claimed" && handoff.claimed_by === state.me.id;
    $("conversation-placeholder").hidden = true;
    $("conversation-body").hidden = false;
    $("conversation-title").textContent = handoff.kind === "message"
      ? `Message left out of hours (${handoff.id})`
      : `Conversation ${handoff.id}`;
    $("fact-reason").textContent = handoff.reason;
    const priority = $("fact-priority");
    priority.textContent = handoff.priority === "urgent" ? "Urgent" : "Normal";
    priority.classList.toggle("urgent-text", handoff.priority === "urgent");
    $("fact-channel").textContent = channelName(handoff.channel);
    $("fact-state").textContent = stateText(handoff, mine);
    $("fact-conversation").textContent = handoff.conversation_id;

    const transcript = $("transcript");
    const first = state.rendered.size === 0;
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    const fresh = messages.filter((message) => !state.rendered.has(message.id));
    for (const message of fresh) {
      transcript.append(messageEntry(message));
      state.rendered.add(message.id);
    }
    if (first || atBottom) transcript.scrollTop = transcript.scrollHeight;
    if (!first) {
      const said = fresh.filter((message) => message.author === "person");
      if (said.length) announce(`The person wrote: ${said.map((message) => message.text).join(" ")}`);
    }
    if (mine) addMine(handoff);
    else if (state.mine.has(handoff.id)) removeMine(handoff.id);

    $("claim-actions").hidden = handoff.state !== "waiting";
    $("reply-form").hidden = !mine;
    $("reply-label").textContent = handoff.kind === "message"
      ? (handoff.channel === "twilio" ? "Reply to their message (sent as a text)" : "Reply to their message (shown in their chat)")
      : "Reply to the person";
    $("end-actions").hidden = !mine;
    $("hand-back").hidden = handoff.kind !== "live";
    $("release-actions").hidden = !(handoff.state === "claimed" && (mine || state.me.role === "admin"));
  }

  async function act(button, work) {
    // One action at a time: a double click must not send a reply twice.
    if (state.busy) return;
    state.busy = true;
    button.disabled = true;
    try {
      await work();
    } finally {
      state.busy = false;
      button.disabled = false;
    }
  }

  function claim() {
    const id = state.openId;
    return act($("claim"), async () => {
      showConversationError("");
      try {
        const data = await api("POST", `/api/handoffs/${id}/claim`);
        addMine(data.handoff);
        await loadDetail(id);
        announce("You have claimed this conversation. The person has been told a nurse has joined.");
        $("reply-text").focus();
      } catch (error) {
        showConversationError(error.status === 409 && /already claimed/i.test(error.message) ? CLAIM_LOST : error.message);
        refreshSoon("queue");
        await loadDetail(id).catch(reportBackground);
      }
    });
  }

  function sendReply(event) {
    event.preventDefault();
    const id = state.openId;
    const box = $("reply-text");
    const text = box.value.trim();
    if (!text) {
      showConversationError("Type a message before sending.");
      box.focus();
      return;
    }
    act($("send"), async () => {
      showConversationError("");
      try {
        const data = await api("POST", `/api/handoffs/${id}/reply`, { text });
        box.value = "";
        if (state.openId === id && !state.rendered.has(data.message.id)) {
          const transcript = $("transcript");
          transcript.append(messageEntry(data.message));
          state.rendered.add(data.message.id);
          transcript.scrollTop = transcript.scrollHeight;
        }
        announce("Sent.");
      } catch (error) {
        showConversationError(`Not sent: ${error.message}`);
        await loadDetail(id).catch(reportBackground);
      }
      box.focus();
    });
  }

  function replyKeys(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      $("reply-form").requestSubmit();
    }
  }

  function afterEnding(id, message) {
    removeMine(id);
    announce(message);
    refreshSoon("left");
    $("queue-title").focus();
  }

  function release() {
    const id = state.openId;
    if (!window.confirm("Put this conversation back in the queue for another nurse?")) return;
    act($("release"), async () => {
      showConversationError("");
      try {
        await api("POST", `/api/handoffs/${id}/release`);
        await loadDetail(id);
        afterEnding(id, "Back in the queue.");
      } catch (error) {
        showConversationError(error.message);
        await loadDetail(id).catch(reportBackground);
      }
    });
  }

  function handBack() {
    const id = state.openId;
    if (!window.confirm("Hand this conversation back to the bot? The person will be told.")) return;
    act($("hand-back"), async () => {
      showConversationError("");
      try {
        await api("POST", `/api/handoffs/${id}/hand-back`);
        await loadDetail(id);
        afterEnding(id, "Handed back to the bot.");
      } catch (error) {
        showConversationError(error.message);
        await loadDetail(id).catch(reportBackground);
      }
    });
  }

  function closeConversation(event) {
    event.preventDefault();
    const id = state.openId;
    const choice = $("close-outcome").value;
    const note = $("close-note").value.trim();
    if (!choice) {
      showConversationError("Choose an outcome before closing.");
      $("close-outcome").focus();
      return;
    }
    if (choice === "Other" && !note) {
      showConversationError("Describe the outcome in the note.");
      $("close-note").focus();
      return;
    }
    const outcome = note ? `${choice}: ${note}` : choice;
    act($("close"), async () => {
      showConversationError("");
      try {
        await api("POST", `/api/handoffs/${id}/close`, { outcome });
        $("close-form").reset();
        await loadDetail(id);
        afterEnding(id, "Conversation closed.");
      } catch (error) {
        showConversationError(error.message);
        await loadDetail(id).catch(reportBackground);
      }
    });
  }

  // ---------- administration ----------

  async function loadAdmin() {
    const [stats, nurses, content] = await Promise.all(
      [api("GET", "/api/stats"), api("GET", "/api/nurses"), api("GET", "/api/content")]);
    showContentReview(content);
    const row = (label, figures) => el("tr", {},
      el("th", { scope: "row" }, label),
      el("td", {}, String(figures.handoffs)),
      el("td", {}, String(figures.claimed)),
      el("td", {}, duration(figures.median_wait_seconds)),
      el("td", {}, duration(figures.p90_wait_seconds)),
      el("td", {}, duration(figures.longest_wait_seconds)));
    $("stats-body").replaceChildren(row("Today", stats.today), row("Last 7 days", stats.last_7_days));
    $("nurses-body").replaceChildren(...nurses.nurses.map((nurse) => {
      let action = null;
      if (nurse.id !== state.me.id) {
        action = el("button", { type: "button" }, nurse.active ? "Deactivate " : "Reactivate ",
          el("span", { className: "visually-hidden" }, nurse.username));
        action.addEventListener("click", () => setActive(nurse, !nurse.active, action));
      }
      let reset = null;
      if (nurse.id !== state.me.id) {
        reset = el("button", { type: "button" }, "Reset password ",
          el("span", { className: "visually-hidden" }, `of ${nurse.username}`));
        reset.addEventListener("click", () => resetPassword(nurse, reset));
      }
      return el("tr", {},
        el("td", {}, nurse.username),
        el("td", {}, nurse.display_name),
        el("td", {}, nurse.role === "admin" ? "Administrator" : "Nurse"),
        el("td", {}, nurse.active ? "Active" : "Deactivated"),
        el("td", {}, nurse.last_signed_in_at ? dateTime(nurse.last_signed_in_at) : "Never"),
        el("td", {}, action, reset));
    }));
  }

  function showContentReview(content) {
    $("content-overdue").textContent =
      `${content.overdue} of ${content.entries} answers are past their review date (as of ${content.today}).`;
    $("content-overdue").classList.toggle("has-overdue", content.overdue > 0);
    $("content-body").replaceChildren(...content.items.map((item) => el("tr", { className: item.overdue ? "overdue" : "" },
      el("td", {}, item.id),
      el("td", {}, item.question),
      el("td", {}, item.documents.join(", ")),
      el("td", {}, item.last_reviewed),
      el("td", {}, item.next_review_due),
      el("td", {}, item.overdue ? "Overdue" : (item.review_status === "approved" ? "In date" : "Draft")))));
  }

  // ---------- saved replies (data/console/replies.yml: reviewed responses from domain.yml) ----------

  async function loadSavedReplies() {
    const { replies } = await api("GET", "/api/replies");
    state.savedReplies = new Map(replies.map((reply) => [reply.id, reply.text]));
    $("saved-reply").replaceChildren(...replies.map((reply) => el("option", { value: reply.id }, reply.title)));
  }

  function insertSavedReply() {
    const text = state.savedReplies.get($("saved-reply").value);
    if (!text) return;
    const box = $("reply-text");
    box.value = box.value.trim() ? `${box.value.trimEnd()}\n\n${text}` : text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  // ---------- pausing new chats ----------

  async function loadPause() {
    const pause = await api("GET", "/api/pause");
    state.paused = pause.paused;
    $("paused-banner").hidden = !pause.paused;
    $("paused-text").textContent = pause.paused
      ? `${pause.paused_by} paused them at ${clock(pause.paused_at)}. People are told: "${pause.message}"` : "";
    $("pause-state").textContent = pause.paused ? "New chats are paused." : "New chats are open.";
    $("pause-message-field").hidden = pause.paused;
    $("pause-button").textContent = pause.paused ? "Take new chats again" : "Pause new chats";
  }

  async function submitPause(event) {
    event.preventDefault();
    $("admin-error").textContent = "";
    try {
      if (state.paused) {
        await api("POST", "/api/pause/resume");
      } else {
        const message = $("pause-message").value.trim();
        if (!message) {
          $("admin-error").textContent = "Write the message people will see while new chats are paused.";
          $("pause-message").focus();
          return;
        }
        await api("POST", "/api/pause", { message });
        $("pause-message").value = "";
      }
      await loadPause();
    } catch (error) {
      $("admin-error").textContent = error.message;
    }
  }

  async function resetPassword(nurse, button) {
    const password = window.prompt(`New password for ${nurse.username} (at least 12 characters). Their sessions will end.`);
    if (password === null) return;
    button.disabled = true;
    $("admin-error").textContent = "";
    try {
      await api("POST", `/api/nurses/${nurse.id}/password`, { password });
      announce(`The password of ${nurse.username} has been reset.`);
    } catch (error) {
      $("admin-error").textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }

  async function changeOwnPassword(event) {
    event.preventDefault();
    $("password-error").textContent = "";
    try {
      await api("POST", "/api/me/password", {
        current_password: $("current-password").value,
        new_password: $("own-new-password").value,
      }, { endSessionOn401: false });
    } catch (error) {
      $("password-error").textContent = error.message;
      return;
    }
    $("current-password").value = "";
    $("own-new-password").value = "";
    $("my-account").open = false;
    disconnect();
    state.me = null;
    clearWorkspace();
    showSignIn("Your password has changed. Please sign in with the new one.", "");
  }

  async function setActive(nurse, active, button) {
    if (!active && !window.confirm(`Deactivate ${nurse.username}? They will be signed out straight away.`)) return;
    button.disabled = true;
    $("admin-error").textContent = "";
    try {
      await api("POST", `/api/nurses/${nurse.id}/${active ? "activate" : "deactivate"}`);
      announce(`${nurse.username} is ${active ? "active again" : "deactivated"}.`);
      await loadAdmin();
    } catch (error) {
      $("admin-error").textContent = error.message;
      button.disabled = false;
    }
  }

  async function addNurse(event) {
    event.preventDefault();
    const form = $("new-nurse-form");
    const body = {
      username: $("new-username").value.trim(),
      display_name: $("new-name").value.trim(),
      password: $("new-password").value,
      role: $("new-role").value,
    };
    $("admin-error").textContent = "";
    if (!body.username || !body.display_name || !body.password) {
      $("admin-error").textContent = "Fill in the username, display name and password.";
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const data = await api("POST", "/api/nurses", body);
      form.reset();
      announce(`Account added: ${data.nurse.username}.`);
      await loadAdmin();
    } catch (error) {
      $("admin-error").textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }

  // ---------- start ----------

  function wire() {
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    $("sound-toggle").addEventListener("click", () => {
      state.soundOn = !state.soundOn;
      localStorage.setItem("helpline-console:sound", state.soundOn ? "on" : "off");
      renderSoundToggle();
      if (state.soundOn) beep();
    });
    $("notice-dismiss").addEventListener("click", () => {
      hideNotice();
      $("queue-title").focus();
    });
    $("claim").addEventListener("click", claim);
    $("reply-form").addEventListener("submit", sendReply);
    $("reply-text").addEventListener("keydown", replyKeys);
    $("hand-back").addEventListener("click", handBack);
    $("release").addEventListener("click", release);
    $("close-form").addEventListener("submit", closeConversation);
    $("new-nurse-form").addEventListener("submit", addNurse);
    $("pause-form").addEventListener("submit", submitPause);
    $("insert-saved-reply").addEventListener("click", insertSavedReply);
    $("password-form").addEventListener("submit", changeOwnPassword);
    document.addEventListener("pointerdown", unlockAudio);
    document.addEventListener("keydown", unlockAudio);
    window.setInterval(tick, TICK_MS);
  }

  async function boot() {
    wire();
    try {
      const data = await api("GET", "/api/me", undefined, { endSessionOn401: false });
      startWorkspace(data.nurse);
    } catch (error) {
      showSignIn("", error.status === 401 ? "" : error.message);
    }
  }

  boot();
})();
