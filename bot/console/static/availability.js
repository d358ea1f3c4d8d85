// The nurse's own availability (POST /api/me/availability), stored on the account: available nurses are alerted
// (seen, heard and announced) when someone urgent arrives or is still unclaimed; away nurses are not.

import { $, announce, reportBackground } from "./dom.js";
import { api } from "./api.js";
import { availabilityName, state } from "./state.js";

export function isAvailable() {
  return Boolean(state.me) && state.me.availability === "available";
}

export function renderAvailability() {
  const button = $("availability");
  button.setAttribute("aria-pressed", String(isAvailable()));
  button.textContent = `My status: ${availabilityName(state.me.availability)}`;
}

function tell() {
  announce(isAvailable()
    ? "You are available: you will be alerted when someone urgent is waiting."
    : "You are away: you will not be alerted to people waiting.");
}

// Pressing the button (Enter or Space) switches between available and away; the focus stays on it.
export async function toggleAvailability() {
  if (state.availabilityBusy) return;
  state.availabilityBusy = true;
  try {
    const { availability } = await api("POST", "/api/me/availability", { availability: isAvailable() ? "away" : "available" });
    state.me.availability = availability;
    renderAvailability();
    tell();
  } catch (error) {
    announce(`Your status did not change: ${error.message}`);
    reportBackground(error);
  } finally {
    state.availabilityBusy = false;
  }
}

// The live feed's `availability` event: this nurse changed it on another computer, or a colleague changed theirs.
export function availabilityChanged(detail) {
  if (!detail || detail.nurse !== state.me.id || detail.availability === state.me.availability) return;
  state.me.availability = detail.availability;
  renderAvailability();
  tell();
}
