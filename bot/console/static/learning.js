// Learning from use (GET /api/learning): the turns the assistant did not get right, chosen and exported as
// Rasa NLU training data (POST /api/learning/export) for a content lead to review and commit.

import { $, announce, dateTime, el, fillSelect } from "./dom.js";
import { api } from "./api.js";
import { rangeQuery } from "./reports.js";

const REASON_NAMES = {
  fallback: "Not understood",
  clarification: "Asked what was meant",
  unhelpful: "Marked not helpful",
  nurse_after_answer: "Asked for a nurse after the answer",
  safety_override: "Safety net overrode the classifier",
};

function confidence(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`;
}

function row(turn) {
  const box = el("input", { type: "checkbox", value: String(turn.id), id: `learn-${turn.id}` });
  const predicted = turn.classifier_intent ? `${turn.classifier_intent} (safety net: ${turn.intent})` : (turn.intent || "–");
  return el("tr", {},
    el("td", {}, box, el("label", { for: `learn-${turn.id}`, className: "visually-hidden" }, `Choose: ${turn.text}`)),
    el("td", {}, turn.text),
    el("td", {}, turn.reasons.map((reason) => REASON_NAMES[reason] || reason).join("; ")),
    el("td", {}, predicted),
    el("td", {}, confidence(turn.confidence)),
    el("td", {}, turn.entry || "–"),
    el("td", {}, turn.comment || ""),
    el("td", {}, dateTime(turn.at)));
}

export async function showLearning(event) {
  if (event) event.preventDefault();
  $("learning-error").textContent = "";
  try {
    const data = await api("GET", `/api/learning${rangeQuery("learning-from", "learning-to")}`);
    fillSelect($("learning-intent"), data.intents.map((intent) => [intent, intent]));
    $("learning-body").replaceChildren(...data.turns.map(row));
    const turns = `${data.turns.length} ${data.turns.length === 1 ? "turn" : "turns"}`;
    $("learning-count").textContent = `${turns} from ${data.from} to ${data.to}.`;
    $("learning-results").hidden = false;
    announce(`${turns} to learn from, from ${data.from} to ${data.to}.`);
  } catch (error) {
    $("learning-error").textContent = error.message;
  }
}

export async function exportLearning(event) {
  event.preventDefault();
  $("learning-error").textContent = "";
  const turns = [...$("learning-body").querySelectorAll("input[type=checkbox]:checked")].map((box) => Number(box.value));
  if (!turns.length) {
    $("learning-error").textContent = "Choose at least one turn to export.";
    return;
  }
  try {
    const data = await api("POST", "/api/learning/export", { intent: $("learning-intent").value, turns });
    $("learning-yaml").value = data.yaml;
    $("learning-output").hidden = false;
    announce(`${data.examples} examples of ${data.intent} ready to copy into data/nlu.`);
    $("learning-yaml").focus();
  } catch (error) {
    $("learning-error").textContent = error.message;
  }
}
