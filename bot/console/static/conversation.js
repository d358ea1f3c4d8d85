// One conversation: its facts, its transcript with the nurses' internal notes, and what the nurse does with it
// (claim, reply, release, hand back, close), one action at a time; and the saved replies offered in the reply box.

import { $, announce, clock, el, fillSelect, reportBackground } from "./dom.js";
import { api } from "./api.js";
import { refreshSoon } from "./feed.js";
import { addMine, markRead, removeMine } from "./queue.js";
import { renderEarlier } from "./earlier.js";
import { authorName, channelName, endedText, outcomes, priorityName, state } from "./state.js";
import { clearPersonTyping, replySent } from "./typing.js";

function markCurrent() {
  document.querySelectorAll(".items button[data-id]").forEach((button) => {
    if (Number(button.dataset.id) === state.openId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  });
}

export function showConversationError(message) {
  $("conversation-error").textContent = message;
}

export async function openConversation(id, { focus = true } = {}) {
  state.openId = id;
  state.open = null;
  state.rendered = new Set();
  $("transcript").replaceChildren();
  clearPersonTyping();
  showConversationError("");
  $("reply-text").value = "";
  $("note-text").value = "";
  $("transfer-form").reset();
  $("close-form").reset();
  markCurrent();
  try {
    await loadDetail(id);
  } catch (error) {
    showConversationError(error.message);
  }
  if (focus) $("conversation-title").focus();
}

export async function loadDetail(id) {
  const request = ++state.detailRequest;
  const data = await api("GET", `/api/handoffs/${id}`);
  if (request !== state.detailRequest || state.openId !== id) return;
  state.open = data;
  renderDetail(data);
  const last = data.messages[data.messages.length - 1];
  if (last && state.mine.has(id)) markRead(id, last.id).catch(reportBackground);  // read as the nurse sees it
}

function messageEntry(message) {
  const { author, who: named } = authorName(message.author);
  let who = named;
  if (author === "nurse" && message.nurse_name) who = `Nurse ${message.nurse_name}`;
  if (message.context) who = `${who} (before the handoff)`;
  return el(
    "li",
    { className: `msg msg-${author}${message.context ? " msg-context" : ""}`, "data-id": message.id },
    el("span", { className: "who" }, who, el("time", { datetime: message.created_at }, clock(message.created_at))),
    el("div", { className: "text" }, message.text),
  );
}

// An internal note: in the transcript where it was written, labelled in words, never part of what the person saw.
function noteEntry(note) {
  return el(
    "li",
    { className: "msg msg-note", "data-note": note.id },
    el("span", { className: "who" }, `Internal note by ${note.nurse_name}`,
      el("time", { datetime: note.created_at }, clock(note.created_at))),
    el("div", { className: "text" }, note.text),
  );
}

// Each transcript entry once: messages by id, notes by "note-" and id.
function entries(messages, notes) {
  const all = [
    ...messages.map((message) => ({ key: message.id, at: message.created_at, message })),
    ...notes.map((note) => ({ key: `note-${note.id}`, at: note.created_at, note })),
  ];
  return all.sort((a, b) => new Date(a.at) - new Date(b.at));  // stable: same-time entries keep their order
}

function addEntry(entry) {
  $("transcript").append(entry.note ? noteEntry(entry.note) : messageEntry(entry.message));
  state.rendered.add(entry.key);
}

// What the nurse has just written: shown at once (the live feed's refresh then skips it), and scrolled to.
function appendEntry(entry) {
  if (state.rendered.has(entry.key)) return;
  addEntry(entry);
  $("transcript").scrollTop = $("transcript").scrollHeight;
}

export function showNote(note) {
  appendEntry({ key: `note-${note.id}`, note });
}

function stateText(handoff, mine) {
  const said = baseStateText(handoff, mine);
  const open = handoff.state === "waiting" || handoff.state === "claimed";
  return handoff.away_since && open && handoff.kind === "live" ? `${said} (the person is away)` : said;
}

function baseStateText(handoff, mine) {
  if (handoff.state === "claimed") return mine ? "You are looking after this" : `Claimed by ${handoff.claimed_by_name || "another nurse"}`;
  if (handoff.state === "waiting" && handoff.kind === "message") return "Message waiting: claim it to reply";
  return endedText(handoff);
}

function renderDetail({ handoff, messages, notes, earlier }) {
  const mine = handoff.state === "claimed" && handoff.claimed_by === state.me.id;
  $("conversation-placeholder").hidden = true;
  $("conversation-body").hidden = false;
  $("conversation-title").textContent = handoff.kind === "message"
    ? `Message left out of hours (${handoff.id})`
    : `Conversation ${handoff.id}`;
  $("fact-reason").textContent = handoff.reason;
  const priority = $("fact-priority");
  priority.textContent = priorityName(handoff.priority);
  priority.classList.toggle("urgent-text", handoff.priority === "urgent");
  $("fact-channel").textContent = channelName(handoff.channel);
  $("fact-state").textContent = stateText(handoff, mine);
  $("fact-conversation").textContent = handoff.conversation_id;
  $("fact-closing-note").textContent = handoff.closing_note || "";
  $("fact-closing-note-row").hidden = !handoff.closing_note;
  renderEarlier(earlier || []);

  const transcript = $("transcript");
  const first = state.rendered.size === 0;
  const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
  const fresh = entries(messages, notes || []).filter((entry) => !state.rendered.has(entry.key));
  for (const entry of fresh) addEntry(entry);
  if (first || atBottom) transcript.scrollTop = transcript.scrollHeight;
  if (!first) {
    const said = fresh.filter((entry) => entry.message && entry.message.author === "person").map((entry) => entry.message);
    if (said.length) announce(`The person wrote: ${said.map((message) => message.text).join(" ")}`);
  }
  if (mine) addMine(handoff);
  else if (state.mine.has(handoff.id)) removeMine(handoff.id);

  $("claim-actions").hidden = handoff.state !== "waiting";
  $("reply-form").hidden = !mine;
  $("reply-label").textContent = handoff.kind === "message"
    ? (handoff.channel === "twilio" ? "Reply to their message (sent as a text)" : "Reply to their message (shown in their chat)")
    : "Reply to the person";
  $("note-form").hidden = !mine;
  $("transfer-form").hidden = !mine;
  $("end-actions").hidden = !mine;
  $("hand-back").hidden = handoff.kind !== "live";
  $("release-actions").hidden = !(handoff.state === "claimed" && (mine || state.me.role === "admin"));
}

export async function act(button, work) {
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

export function claim() {
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
      showConversationError(error.message);  // a lost race is a 409 that says another nurse has claimed it
      refreshSoon("queue");
      await loadDetail(id).catch(reportBackground);
    }
  });
}

export function sendReply(event) {
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
      replySent();
      if (state.openId === id) appendEntry({ key: data.message.id, message: data.message });
      announce("Sent.");
    } catch (error) {
      showConversationError(`Not sent: ${error.message}`);
      await loadDetail(id).catch(reportBackground);
    }
    box.focus();
  });
}

export function replyKeys(event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    $("reply-form").requestSubmit();
  }
}

export function afterEnding(id, message) {
  removeMine(id);
  announce(message);
  refreshSoon("left");
  $("queue-title").focus();
}

// Releasing and handing back: the button, its route and the action share one name.
function endConversation(action, question, done) {
  const id = state.openId;
  if (!window.confirm(question)) return;
  act($(action), async () => {
    showConversationError("");
    try {
      await api("POST", `/api/handoffs/${id}/${action}`);
      await loadDetail(id);
      afterEnding(id, done);
    } catch (error) {
      showConversationError(error.message);
      await loadDetail(id).catch(reportBackground);
    }
  });
}

export function release() {
  endConversation("release", "Put this conversation back in the queue for another nurse?", "Back in the queue.");
}

export function handBack() {
  endConversation("hand-back", "Hand this conversation back to the bot? The person will be told.", "Handed back to the bot.");
}

export function closeConversation(event) {
  event.preventDefault();
  const id = state.openId;
  const outcome = $("close-outcome").value;
  const note = $("close-note").value.trim();
  if (!outcome) {
    showConversationError("Choose an outcome before closing.");
    $("close-outcome").focus();
    return;
  }
  const chosen = outcomes().find((offered) => offered.text === outcome);
  if (chosen && chosen.needs_note && !note) {
    showConversationError("Describe the outcome in the closing note.");
    $("close-note").focus();
    return;
  }
  act($("close"), async () => {
    showConversationError("");
    try {
      await api("POST", `/api/handoffs/${id}/close`, { outcome, note: note || null });
      $("close-form").reset();
      await loadDetail(id);
      afterEnding(id, "Conversation closed.");
    } catch (error) {
      showConversationError(error.message);
      await loadDetail(id).catch(reportBackground);
    }
  });
}

// The outcomes offered when closing, from the server (GET /api/meta).
export function showOutcomeChoices() {
  fillSelect($("close-outcome"), [["", "Choose an outcome…"], ...outcomes().map((offered) => [offered.text, offered.text])]);
}

// ---------- saved replies (data/console/replies.yml: reviewed responses from domain.yml) ----------

export async function loadSavedReplies() {
  const { replies } = await api("GET", "/api/replies");
  state.savedReplies = new Map(replies.map((reply) => [reply.id, reply.text]));
  fillSelect($("saved-reply"), replies.map((reply) => [reply.id, reply.title]));
}

// Read again on each insert: the hours and number come from config/helpline.yml, which may have changed since.
export async function insertSavedReply() {
  try {
    await loadSavedReplies();
  } catch (error) {
    reportBackground(error);  // the text read before is still offered
  }
  const text = state.savedReplies.get($("saved-reply").value);
  if (!text) return;
  const box = $("reply-text");
  box.value = box.value.trim() ? `${box.value.trimEnd()}\n\n${text}` : text;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}
