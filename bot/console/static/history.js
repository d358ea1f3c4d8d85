// Past conversations: search by the days they ended, the outcome, the nurse and the channel, a page at a time.
// Choosing one opens it in the conversation panel (wired in console.js), with the same transcript as any other.

import { $, dateTime, el, fillSelect } from "./dom.js";
import { api } from "./api.js";
import { channelName, endedText, outcomes, state } from "./state.js";

const FILTERS = [
  ["from", "history-from"],
  ["to", "history-to"],
  ["outcome", "history-outcome"],
  ["nurse_id", "history-nurse"],
  ["channel", "history-channel"],
];

// The choices that come from the server: the outcomes and channels (GET /api/meta), and the team (GET /api/team).
export function showHistoryChoices() {
  fillSelect($("history-outcome"), [["", "Any outcome"], ...outcomes().map((offered) => [offered.text, offered.text])]);
  fillSelect($("history-channel"), [["", "Any channel"],
    ...Object.keys(state.meta.channels).map((channel) => [channel, channelName(channel)])]);
  showNurseChoices();
}

export function showNurseChoices() {
  fillSelect($("history-nurse"), [["", "Any nurse"], ...state.team.map((nurse) => [String(nurse.id), nurse.display_name])]);
}

function entry(item) {
  const who = item.claimed_by_name ? `with ${item.claimed_by_name}` : "";
  const button = el(
    "button",
    { type: "button", className: "item", "data-id": item.id, "aria-current": item.id === state.openId ? "true" : null },
    el("span", { className: "line reason" }, item.reason),
    el("span", { className: "line meta" },
      [`Ended ${dateTime(item.ended_at)}`, channelName(item.channel), who].filter(Boolean).join(" · ")),
    el("span", { className: "line" }, endedText(item)),
    item.closing_note ? el("span", { className: "last" }, `Closing note: ${item.closing_note}`) : null,
  );
  return el("li", {}, button);
}

function render(data) {
  $("history-results").replaceChildren(...data.conversations.map(entry));
  $("history-status").textContent = data.total === 0
    ? "No past conversations match."
    : `${data.total} found. Page ${data.page} of ${data.pages}.`;
  $("history-previous").disabled = data.page <= 1;
  $("history-next").disabled = data.page >= data.pages;
}

// One page of the search last made (state.historyFilters), the latest to end first.
export async function loadHistory(page = state.historyPage) {
  const query = new URLSearchParams(state.historyFilters);
  query.set("page", String(page));
  const data = await api("GET", `/api/history?${query}`);
  state.historyPage = data.page;
  render(data);
}

async function showPage(page) {
  $("history-error").textContent = "";
  try {
    await loadHistory(page);
  } catch (error) {
    $("history-error").textContent = error.message;
  }
}

export async function searchHistory(event) {
  event.preventDefault();
  const query = new URLSearchParams();
  for (const [name, id] of FILTERS) {
    if ($(id).value) query.set(name, $(id).value);
  }
  state.historyFilters = query.toString();
  await showPage(1);
}

// Previous and next page; a button that can go no further is disabled, so the focus moves to the list's heading.
export async function turnPage(step) {
  const button = document.activeElement;
  await showPage(state.historyPage + step);
  if (button && button.disabled) $("history-title").focus();
}

export function clearHistory() {
  $("history-form").reset();
  $("history-results").replaceChildren();
  $("history-status").textContent = "";
  $("history-error").textContent = "";
  state.historyFilters = "";
  state.historyPage = 1;
}
