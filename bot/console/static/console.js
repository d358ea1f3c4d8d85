// Nurse console: plain JavaScript modules, no build step; this one wires the page and starts it.
// All text from the server is set with textContent or text nodes, never parsed as HTML (dom.js), so nothing
// a person types can run as code here.

import { $, reportBackground } from "./dom.js";
import { whenSessionEnds } from "./api.js";
import { setLoaders } from "./feed.js";
import { hideNotice, loadLeft, loadQueue, refreshMine, tick } from "./queue.js";
import {
  claim, closeConversation, handBack, insertSavedReply, loadDetail, loadSavedReplies, openConversation, release, replyKeys,
  sendReply,
} from "./conversation.js";
import { addNurse, loadAdmin, loadPause, submitPause } from "./admin.js";
import { addNote, loadTeam, transfer } from "./handover.js";
import { loadClaimed } from "./claimed.js";
import { loadHistory, searchHistory, turnPage } from "./history.js";
import { showReport } from "./reports.js";
import { exportLearning, showLearning } from "./learning.js";
import { changeOwnPassword, resumeSession, sessionEnded, signIn, signOut } from "./session.js";
import { toggleSound, unlockAudio } from "./sound.js";
import { toggleAvailability } from "./availability.js";
import { state } from "./state.js";
import { nurseTyping } from "./typing.js";

const TICK_MS = 5000;

function wire() {
  whenSessionEnds(sessionEnded);
  setLoaders({
    queue: () => loadQueue(),
    left: () => loadLeft(),
    mine: () => refreshMine(),
    detail: () => (state.openId ? loadDetail(state.openId) : Promise.resolve()),
    admin: () => (state.me && state.me.role === "admin" ? loadAdmin() : Promise.resolve()),
    pause: () => loadPause(),
    replies: () => loadSavedReplies(),
    team: () => loadTeam(),
    history: () => loadHistory(),
    claimed: () => loadClaimed(),
  });
  // The lists are rebuilt on every change; a click (or Enter) on an entry opens its conversation.
  for (const list of ["queue", "mine", "left-messages", "history-results", "earlier-list", "claimed"]) {
    $(list).addEventListener("click", (event) => {
      const entry = event.target.closest("button[data-id]");
      if (entry) openConversation(Number(entry.dataset.id));
    });
  }
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("sound-toggle").addEventListener("click", toggleSound);
  $("availability").addEventListener("click", toggleAvailability);
  $("notice-dismiss").addEventListener("click", () => {
    hideNotice();
    $("queue-title").focus();
  });
  $("claim").addEventListener("click", claim);
  $("reply-form").addEventListener("submit", sendReply);
  $("reply-text").addEventListener("keydown", replyKeys);
  $("reply-text").addEventListener("input", nurseTyping);
  $("hand-back").addEventListener("click", handBack);
  $("release").addEventListener("click", release);
  $("close-form").addEventListener("submit", closeConversation);
  $("note-form").addEventListener("submit", addNote);
  $("transfer-form").addEventListener("submit", transfer);
  $("transfer-to").addEventListener("focus", () => loadTeam().catch(reportBackground));  // who is signed in now
  $("history-form").addEventListener("submit", searchHistory);
  $("history-previous").addEventListener("click", () => turnPage(-1));
  $("history-next").addEventListener("click", () => turnPage(1));
  $("new-nurse-form").addEventListener("submit", addNurse);
  $("pause-form").addEventListener("submit", submitPause);
  $("report-form").addEventListener("submit", showReport);
  $("learning-form").addEventListener("submit", showLearning);
  $("learning-results").addEventListener("submit", exportLearning);
  $("insert-saved-reply").addEventListener("click", insertSavedReply);
  $("password-form").addEventListener("submit", changeOwnPassword);
  document.addEventListener("pointerdown", unlockAudio);
  document.addEventListener("keydown", unlockAudio);
  window.setInterval(tick, TICK_MS);
}

wire();
resumeSession();
