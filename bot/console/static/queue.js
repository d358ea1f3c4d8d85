// The lists down the side: people waiting, the nurse's own conversations, and messages left out of hours; and the
// notice for someone new. Choosing an entry is wired once per list (console.js), so entries carry only data-id.

import { $, announce, clock, dateTime, duration, el, shorten } from "./dom.js";
import { api } from "./api.js";
import { channelName, priorityName, state } from "./state.js";

const LONG_WAIT_SECONDS = 10 * 60;

// ---------- notices ----------

export function hideNotice() {
  $("notice").hidden = true;
  $("notice-text").textContent = "";
  state.noticeFor = null;
  window.clearTimeout(state.noticeTimer);
}

// The notice names the conversation it is about (`id`), so that it can go once that person is claimed.
function showNotice(text, id = null) {
  $("notice-text").textContent = text;
  $("notice").hidden = false;
  state.noticeFor = id;
  window.clearTimeout(state.noticeTimer);
  state.noticeTimer = window.setTimeout(hideNotice, 60000);
}

export function notifyNewcomer(id, escalated) {
  const item = state.queue.find((entry) => entry.id === id);
  if (!item) return;
  const urgent = item.priority === "urgent";
  const opening = escalated ? "Now urgent" : urgent ? "Urgent: someone new is waiting" : "Someone new is waiting";
  const text = `${opening}: ${item.reason} (${channelName(item.channel)}).`;
  showNotice(text, id);
  const count = state.queue.length;
  announce(`${text} ${count} ${count === 1 ? "person" : "people"} waiting.`);
}

// An urgent chat left unclaimed (the sweep's `urgent_unclaimed`): the available nurses are alerted again.
export function notifyStillWaiting(id, waitedSeconds) {
  const item = state.queue.find((entry) => entry.id === id);
  if (!item) return;
  const text = `Urgent, still waiting after ${duration(waitedSeconds)}: ${item.reason} (${channelName(item.channel)}).`;
  showNotice(text, id);
  announce(text);
}

// A colleague (or an admin) has passed a conversation to this nurse: it is now in "My conversations".
export function notifyPassed(id) {
  const item = state.mine.get(id);
  if (!item) return;
  const text = `A conversation was passed to you: ${item.reason} (${channelName(item.channel)}). It is in My conversations.`;
  showNotice(text);
  announce(text);
}

// ---------- the queue ----------

function updateTitle() {
  const count = state.queue.length;
  document.title = count ? `(${count}) waiting – Nurse console` : "Nurse console";
}

export async function loadQueue() {
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

// A wait shown as a live figure: the server's seconds when fetched, plus the time since (on the page's own clock).
function waitedText(span) {
  const seconds = Number(span.dataset.base) + (performance.now() - Number(span.dataset.fetched)) / 1000;
  span.textContent = `${span.dataset.words} ${duration(seconds)}`;
  span.classList.toggle("long-wait", seconds >= LONG_WAIT_SECONDS);
}

function waitedSpan(seconds, fetched, words) {
  const span = el("span", { className: "waited", "data-base": seconds, "data-fetched": fetched, "data-words": words });
  waitedText(span);
  return span;
}

export function tick() {
  document.querySelectorAll("#queue .waited, #mine .waited").forEach(waitedText);
}

function queueEntry(item) {
  const urgent = item.priority === "urgent";
  const waited = waitedSpan(item.waiting_seconds, state.queueFetchedAt, "waiting");
  const button = el(
    "button",
    {
      type: "button",
      className: urgent ? "item urgent" : "item",
      "data-id": item.id,
      "aria-current": item.id === state.openId ? "true" : null,
    },
    el("span", { className: "line" }, urgent ? el("span", { className: "badge urgent" }, priorityName("urgent")) : null,
      item.burst ? el("span", { className: "badge burst" }, `Burst: ${item.burst} urgent together`) : null,
      el("span", { className: "reason" }, item.reason)),
    el("span", { className: "line meta" }, `${item.position}. ${channelName(item.channel)} · `, waited,
      item.away_since ? " · away" : ""),
    el("span", { className: "last" }, item.last_message ? `“${shorten(item.last_message, 160)}”` : "No message yet"),
  );
  return el("li", {}, button);
}

export function renderQueue() {
  if (state.noticeFor !== null && !state.queue.some((item) => item.id === state.noticeFor)) {
    const focused = $("notice").contains(document.activeElement);
    hideNotice();  // the person it was about has been claimed, or has left the queue
    if (focused) $("queue-title").focus();
  }
  const list = $("queue");
  keepFocus(list, () => list.replaceChildren(...state.queue.map(queueEntry)));
  $("queue-empty").hidden = state.queue.length > 0;
  $("queue-count").textContent = String(state.queue.length);
  updateTitle();
}

// ---------- my conversations ----------

// An entry from GET /api/mine (the person's last message, their wait for an answer, the unread count), or a
// conversation just claimed here, shown at once until the next refresh brings its figures.
export function addMine(handoff) {
  const known = state.mine.get(handoff.id) || { last_message: null, waiting_seconds: null, unread: 0 };
  const figures = "unread" in handoff ? handoff : known;
  state.mine.set(handoff.id, { id: handoff.id, reason: handoff.reason, channel: handoff.channel, kind: handoff.kind,
    claimed_at: handoff.claimed_at, last_message: figures.last_message, waiting_seconds: figures.waiting_seconds,
    unread: figures.unread, fetched: "unread" in handoff ? performance.now() : known.fetched });
  renderMine();
}

export function removeMine(id) {
  state.mine.delete(id);
  renderMine();
}

export async function refreshMine() {
  const data = await api("GET", "/api/mine");
  const claimed = new Set(data.handoffs.map((handoff) => handoff.id));
  for (const id of [...state.mine.keys()]) if (!claimed.has(id)) state.mine.delete(id);
  for (const handoff of data.handoffs) addMine(handoff);
  renderMine();
}

// The nurse has seen the open conversation up to `messageId` (POST /api/handoffs/{id}/read): its count goes.
export async function markRead(id, messageId) {
  const item = state.mine.get(id);
  if (!item || (item.unread === 0 && state.readUpTo.get(id) >= messageId)) return;
  state.readUpTo.set(id, messageId);
  const { unread } = await api("POST", `/api/handoffs/${id}/read`, { message_id: messageId });
  if (state.mine.has(id)) {
    state.mine.get(id).unread = unread;
    renderMine();
  }
}

function mineEntry(item) {
  const unread = item.unread
    ? el("span", { className: "badge unread" }, `${item.unread} unread`) : null;
  const waited = item.waiting_seconds === null || item.waiting_seconds === undefined
    ? "answered" : waitedSpan(item.waiting_seconds, item.fetched, "waiting for you");
  const button = el(
    "button",
    { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
    el("span", { className: "line" }, unread, el("span", { className: "reason" }, item.reason)),
    el("span", { className: "line meta" }, `${channelName(item.channel)} · `,
      item.claimed_at ? `claimed ${clock(item.claimed_at)} · ` : "", waited),
    el("span", { className: "last" }, item.last_message ? `“${shorten(item.last_message, 160)}”` : "No message yet"),
  );
  return el("li", {}, button);
}

export function renderMine() {
  const list = $("mine");
  const entries = [...state.mine.values()].map(mineEntry);
  keepFocus(list, () => list.replaceChildren(...entries));
  $("mine-empty").hidden = state.mine.size > 0;
}

// ---------- messages left out of hours ----------

export async function loadLeft() {
  const data = await api("GET", "/api/messages");
  state.left = data.messages;
  renderLeft();
}

export function renderLeft() {
  const list = $("left-messages");
  const entries = state.left.map((item) => {
    const who = item.state === "claimed" ? `claimed by ${item.claimed_by_name || "a nurse"}` : "not yet picked up";
    const urgent = item.priority === "urgent";
    const button = el(
      "button",
      { type: "button", className: urgent ? "item urgent" : "item", "data-id": item.id,
        "aria-current": item.id === state.openId ? "true" : null },
      urgent ? el("span", { className: "line" }, el("span", { className: "badge urgent" }, priorityName("urgent"))) : null,
      el("span", { className: "line meta" }, `Left ${dateTime(item.created_at)} · ${channelName(item.channel)} · ${who}`),
      el("span", { className: "last" }, `“${shorten(item.text || "", 240)}”`),
    );
    return el("li", {}, button);
  });
  keepFocus(list, () => list.replaceChildren(...entries));
  $("left-empty").hidden = state.left.length > 0;
  $("left-count").textContent = String(state.left.length);
}
