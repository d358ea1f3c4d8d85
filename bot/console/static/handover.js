// Working on a conversation as a team: internal notes (for nurses only, never sent to the person), and passing it
// to a signed-in colleague or back to the queue with a note for whoever takes it.

import { $, announce, fillSelect, reportBackground } from "./dom.js";
import { api } from "./api.js";
import { act, afterEnding, loadDetail, showConversationError, showNote } from "./conversation.js";
import { showNurseChoices } from "./history.js";
import { state } from "./state.js";

// Everyone in the team, and who is signed in now: the transfer offers signed-in colleagues, the search every nurse.
export async function loadTeam() {
  const { nurses } = await api("GET", "/api/team");
  state.team = nurses;
  const colleagues = nurses.filter((nurse) => nurse.signed_in && nurse.id !== state.me.id);
  fillSelect($("transfer-to"), [
    ["", "Back to the queue"],
    ...colleagues.map((nurse) => [String(nurse.id), nurse.display_name]),
  ]);
  showNurseChoices();
}

export function addNote(event) {
  event.preventDefault();
  const id = state.openId;
  const box = $("note-text");
  const text = box.value.trim();
  if (!text) {
    showConversationError("Type the note before adding it.");
    box.focus();
    return;
  }
  act($("add-note"), async () => {
    showConversationError("");
    try {
      const { note } = await api("POST", `/api/handoffs/${id}/notes`, { text });
      box.value = "";
      if (state.openId === id) showNote(note);
      announce("Internal note added. The person does not see it.");
    } catch (error) {
      showConversationError(`Note not added: ${error.message}`);
      await loadDetail(id).catch(reportBackground);
    }
    box.focus();
  });
}

export function transfer(event) {
  event.preventDefault();
  const id = state.openId;
  const to = $("transfer-to").value;
  const colleague = state.team.find((nurse) => String(nurse.id) === to) || null;
  const note = $("transfer-note").value.trim();
  act($("transfer"), async () => {
    showConversationError("");
    try {
      await api("POST", `/api/handoffs/${id}/transfer`, { nurse_id: colleague ? colleague.id : null, note: note || null });
      $("transfer-form").reset();
      await loadDetail(id);
      afterEnding(id, colleague ? `Transferred to ${colleague.display_name}.` : "Back in the queue.");
    } catch (error) {
      showConversationError(error.message);  // e.g. the colleague has just signed out
      await Promise.all([loadDetail(id), loadTeam()]).catch(reportBackground);
    }
  });
}
