// Signing in and out: the sign-in form, the workspace with the server's names and limits, and a nurse's own password.

import { $, reportBackground } from "./dom.js";
import { api } from "./api.js";
import { connect, disconnect } from "./feed.js";
import { hideNotice, renderLeft, renderMine, renderQueue } from "./queue.js";
import { renderSoundToggle, unlockAudio } from "./sound.js";
import { renderAvailability } from "./availability.js";
import { showRoleChoices } from "./admin.js";
import { showOutcomeChoices } from "./conversation.js";
import { clearHistory, showHistoryChoices } from "./history.js";
import { limit, roleName, state } from "./state.js";

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
  for (const id of ["queue", "mine", "left-messages", "transcript", "stats-body", "nurses-body", "claimed"]) {
    $(id).replaceChildren();
  }
  state.queue = [];
  state.left = [];
  state.mine = new Map();
  state.readUpTo = new Map();
  state.team = [];
  state.openId = null;
  state.open = null;
  state.rendered = new Set();
  $("conversation-body").hidden = true;
  $("conversation-placeholder").hidden = false;
  $("conversation-title").textContent = "Conversation";
  clearHistory();
  hideNotice();
}

function signedOut(note, error) {
  disconnect();
  state.me = null;
  clearWorkspace();
  showSignIn(note, error);
}

// The server ended the session (a 401, or the live feed's signed-out): console.js has api.js call this.
export function sessionEnded(message) {
  if (!state.me) return;
  signedOut("", message || "Your session has ended. Please sign in again.");
}

async function loadMeta() {
  state.meta = await api("GET", "/api/meta", undefined, { endSessionOn401: false });
}

function showLimits() {
  // index.html names each limit it shows (data-limit) or sets as a field's maxlength (data-max-length).
  document.querySelectorAll("[data-limit]").forEach((node) => { node.textContent = String(limit(node.dataset.limit)); });
  document.querySelectorAll("[data-max-length]").forEach((node) => { node.maxLength = limit(node.dataset.maxLength); });
}

function startWorkspace(nurse) {
  state.me = nurse;
  showLimits();
  showRoleChoices();
  showOutcomeChoices();
  showHistoryChoices();
  $("sign-in").hidden = true;
  $("workspace").hidden = false;
  $("session-bar").hidden = false;
  $("signed-in-as").textContent = `${nurse.display_name} (${roleName(nurse.role).toLowerCase()})`;
  $("admin").hidden = nurse.role !== "admin";
  $("claimed-panel").hidden = nurse.role !== "admin";
  renderSoundToggle();
  renderAvailability();
  state.mine = new Map();
  renderQueue();
  renderMine();
  renderLeft();
  connect();
  $("queue-title").focus();
}

// On page load: straight into the workspace when the session cookie is still good.
export async function resumeSession() {
  try {
    const data = await api("GET", "/api/me", undefined, { endSessionOn401: false });
    await loadMeta();
    startWorkspace(data.nurse);
  } catch (error) {
    showSignIn("", error.status === 401 ? "" : error.message);
  }
}

export async function signIn(event) {
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
    await loadMeta();
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

export async function signOut() {
  try {
    await api("POST", "/api/logout", undefined, { endSessionOn401: false });
  } catch (error) {
    reportBackground(error);
  }
  signedOut("You have signed out.", "");
}

export async function changeOwnPassword(event) {
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
  signedOut("Your password has changed. Please sign in with the new one.", "");
}
