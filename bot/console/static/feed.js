// The live feed: server-sent events from /api/events, each turned into a refresh of what it changed, in bursts.

import { $, announce, reportBackground } from "./dom.js";
import { api, sessionEnded } from "./api.js";
import { beep } from "./sound.js";
import { state } from "./state.js";
import { notifyNewcomer, notifyPassed, notifyStillWaiting } from "./queue.js";
import { clearPersonTyping, personTyping } from "./typing.js";
import { availabilityChanged, isAvailable } from "./availability.js";

// What each part of the page reloads from, given by console.js: "queue", "left", "mine", "detail", and so on.
const loaders = {};

export function setLoaders(byName) {
  Object.assign(loaders, byName);
}

function setConnection(value) {
  state.connection = value;
  const badge = $("connection");
  badge.dataset.state = value;
  badge.textContent = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…" }[value];
}

export function disconnect() {
  if (state.source) state.source.close();
  state.source = null;
  window.clearTimeout(state.reconnectTimer);
}

export function connect() {
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

export function refreshSoon(what) {
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

// A transfer by a colleague, or an admin's reassignment, to the nurse signed in here.
function passedToMe(event) {
  return (event.kind === "transferred" || event.kind === "reassigned")
    && Boolean(event.detail) && event.detail.to_nurse === state.me.id;
}

function onEvent(event) {
  const id = event.handoff_id;
  const open = id !== null && id === state.openId;
  if (passedToMe(event)) {
    beep();
    refreshSoon("mine").then(() => notifyPassed(id));
  }
  switch (event.kind) {
    case "created":
    case "escalated":
      // Seen, heard and announced by the nurses who are available; the queue changes for everyone.
      if (isAvailable()) beep();
      refreshSoon("queue").then(() => {
        if (isAvailable()) notifyNewcomer(id, event.kind === "escalated");
      });
      if (state.left.some((item) => item.id === id)) refreshSoon("left");
      break;
    case "urgent_unclaimed":
      if (isAvailable()) beep();
      refreshSoon("queue").then(() => {
        if (isAvailable()) notifyStillWaiting(id, event.detail.waited_seconds);
      });
      break;
    case "availability":
      availabilityChanged(event.detail);
      refreshSoon("team");
      break;
    case "message_left":
      refreshSoon("left").then(() => announce(event.detail && event.detail.priority === "urgent"
        ? "An urgent message was left out of hours." : "A new message was left out of hours."));
      break;
    case "person_typing":
      personTyping(id);
      break;
    case "nurse_typing":  // shown in the person's chat, not here
      break;
    case "person_message":
      if (open) {
        clearPersonTyping();
        refreshSoon("detail");
      }
      if (state.queue.some((item) => item.id === id)) refreshSoon("queue");
      if (state.mine.has(id)) refreshSoon("mine");  // its last message, wait and unread count
      if (state.mine.has(id) && !open) {
        beep();
        announce(`New message in your conversation: ${state.mine.get(id).reason}.`);
      }
      break;
    case "nurse_reply":
      if (open) refreshSoon("detail");
      if (state.mine.has(id)) refreshSoon("mine");  // answered: the wait stops
      break;
    case "note_added":
      if (open) refreshSoon("detail");
      break;
    case "handoffs_paused":
    case "handoffs_resumed":
      refreshSoon("pause").then(() => announce(event.kind === "handoffs_paused" ? "New chats are paused." : "New chats are open again."));
      break;
    default:
      refreshSoon("queue");
      if (state.me.role === "admin") refreshSoon("claimed");  // who holds which chat
      if (open) refreshSoon("detail");
      if (state.left.some((item) => item.id === id)) refreshSoon("left");
      if (state.mine.has(id)) {
        if (event.kind === "cancelled") announce(`The person left the conversation: ${state.mine.get(id).reason}.`);
        refreshSoon("mine");
      }
  }
}
