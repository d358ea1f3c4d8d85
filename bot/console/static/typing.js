// Typing, both ways, in a live chat the nurse has claimed: the person's shown under the transcript for a while after
// each `person_typing` event; the nurse's sent while they type in the reply box, at most every few seconds
// (both times are the server's: GET /api/meta's `typing`).

import { $, reportBackground } from "./dom.js";
import { api } from "./api.js";
import { state } from "./state.js";

let hideTimer = null;
let lastSent = 0;

function seconds(name) {
  return (state.meta && state.meta.typing && state.meta.typing[name]) || 0;
}

export function clearPersonTyping() {
  window.clearTimeout(hideTimer);
  $("person-typing").textContent = "";
}

export function personTyping(id) {
  if (id !== state.openId) return;
  $("person-typing").textContent = "The person is typing…";
  window.clearTimeout(hideTimer);
  hideTimer = window.setTimeout(clearPersonTyping, seconds("shown_seconds") * 1000);
}

// The reply box's input: only for a live chat this nurse has claimed (a left message has nobody waiting).
export function nurseTyping() {
  const open = state.open && state.open.handoff;
  if (!open || open.kind !== "live" || open.state !== "claimed" || open.claimed_by !== state.me.id) return;
  const now = Date.now();
  if (now - lastSent < seconds("every_seconds") * 1000 || !$("reply-text").value.trim()) return;
  lastSent = now;
  api("POST", `/api/handoffs/${open.id}/typing`).catch(reportBackground);
}

export function replySent() {
  lastSent = 0;
}
