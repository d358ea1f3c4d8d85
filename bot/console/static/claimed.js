// Admins: every conversation a nurse is looking after, and whether that nurse is signed in now, so that a stuck chat
// (its nurse gone) can be opened and put back in the queue ("Put back in the queue": POST /api/handoffs/{id}/release).
// Choosing an entry opens it (wired in console.js, like the other lists).

import { $, clock, el } from "./dom.js";
import { api } from "./api.js";
import { channelName, state } from "./state.js";

function isAdmin() {
  return Boolean(state.me) && state.me.role === "admin";
}

function entry(item) {
  const gone = item.nurse_signed_in ? null : el("span", { className: "badge urgent" }, "Nurse not signed in");
  const button = el(
    "button",
    { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
    el("span", { className: "line" }, gone, el("span", { className: "reason" }, item.reason)),
    el("span", { className: "line meta" },
      [item.claimed_by_name, `claimed ${clock(item.claimed_at)}`, channelName(item.channel)].join(" · ")),
  );
  return el("li", {}, button);
}

export async function loadClaimed() {
  $("claimed-panel").hidden = !isAdmin();
  if (!isAdmin()) return;
  const { handoffs } = await api("GET", "/api/claimed");
  const list = $("claimed");
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
  list.replaceChildren(...handoffs.map(entry));
  if (focused) {
    const again = list.querySelector(`button[data-id="${CSS.escape(focused)}"]`);
    (again || $("claimed-title")).focus();
  }
  $("claimed-empty").hidden = handoffs.length > 0;
  $("claimed-count").textContent = String(handoffs.length);
}
