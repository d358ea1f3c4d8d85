// The admin panel: waiting times, accounts, pausing new chats and content reviews.

import { $, announce, clock, dateTime, duration, el } from "./dom.js";
import { api } from "./api.js";
import { limit, roleName, state } from "./state.js";

export async function loadAdmin() {
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
      el("td", {}, roleName(nurse.role)),
      el("td", {}, nurse.active ? "Active" : "Deactivated"),
      el("td", {}, nurse.last_signed_in_at ? dateTime(nurse.last_signed_in_at) : "Never"),
      el("td", {}, action, reset));
  }));
}

// The roles a new account can have, in the server's order: the first is the default.
export function showRoleChoices() {
  $("new-role").replaceChildren(...Object.keys(state.meta.roles).map((role) => el("option", { value: role }, roleName(role))));
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
    el("td", {}, item.last_served || "Not in the last year"),
    el("td", {}, `${item.helpful} yes, ${item.not_helpful} no`),
    el("td", {}, item.overdue ? "Overdue" : (item.review_status === "approved" ? "In date" : "Draft")))));
}

// ---------- pausing new chats ----------

export async function loadPause() {
  const pause = await api("GET", "/api/pause");
  state.paused = pause.paused;
  $("paused-banner").hidden = !pause.paused;
  $("paused-text").textContent = pause.paused
    ? `${pause.paused_by} paused them at ${clock(pause.paused_at)}. People are told: "${pause.message}"` : "";
  $("pause-state").textContent = pause.paused ? "New chats are paused." : "New chats are open.";
  $("pause-message-field").hidden = pause.paused;
  $("pause-button").textContent = pause.paused ? "Take new chats again" : "Pause new chats";
}

export async function submitPause(event) {
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

// ---------- accounts ----------

async function resetPassword(nurse, button) {
  const least = limit("password_min");
  const password = window.prompt(`New password for ${nurse.username} (at least ${least} characters). Their sessions will end.`);
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

export async function addNurse(event) {
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
