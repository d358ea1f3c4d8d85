// The person's earlier conversations (GET /api/handoffs/{id}'s `earlier`): from the same browser or phone number,
// with how each ended, within the retention period. Choosing one opens it (wired in console.js, like the lists).

import { $, dateTime, el } from "./dom.js";
import { channelName, endedText, state } from "./state.js";

function entry(item) {
  const who = item.claimed_by_name ? `with ${item.claimed_by_name}` : "";
  const button = el(
    "button",
    { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
    el("span", { className: "line" }, endedText(item)),
    el("span", { className: "line meta" },
      [`Ended ${dateTime(item.ended_at)}`, channelName(item.channel), who].filter(Boolean).join(" · ")),
    el("span", { className: "line reason" }, item.reason),
    item.closing_note ? el("span", { className: "last" }, `Closing note: ${item.closing_note}`) : null,
  );
  return el("li", {}, button);
}

export function renderEarlier(earlier) {
  $("earlier-list").replaceChildren(...earlier.map(entry));
  $("earlier-empty").hidden = earlier.length > 0;
  $("earlier-count").textContent = String(earlier.length);
}
