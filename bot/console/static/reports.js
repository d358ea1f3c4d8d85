// The admins' reports (GET /api/reports): a range of days, each figure in a table, and the same as CSV.

import { $, announce, duration, el } from "./dom.js";
import { api } from "./api.js";
import { channelName, priorityName, stateName } from "./state.js";

function table(caption, headings, rows) {
  return el("table", { className: "report" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...headings.map((heading) => el("th", { scope: "col" }, heading)))),
    el("tbody", {}, ...(rows.length ? rows : [[`None in these days`, ...headings.slice(1).map(() => "")]]).map(
      ([first, ...rest]) => el("tr", {}, el("th", { scope: "row" }, String(first)), ...rest.map((cell) => el("td", {}, String(cell)))))));
}

function rate(value) {
  return value === null ? "–" : `${Math.round(value * 100)}%`;
}

// The range of days chosen in a pair of date fields, as the query the reports and the learning page take.
export function rangeQuery(fromField, toField) {
  const params = new URLSearchParams();
  if ($(fromField).value) params.set("from", $(fromField).value);
  if ($(toField).value) params.set("to", $(toField).value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function query() {
  return rangeQuery("report-from", "report-to");
}

function render(report) {
  const volumes = report.volumes;
  const handoffs = report.handoffs;
  const kindName = (kind) => (kind === "live" ? "Live chats" : "Messages left");
  $("report-range").textContent = `From ${report.from} to ${report.to} (${report.time_zone} dates).`;
  $("report-tables").replaceChildren(
    table("Volumes by day", ["Day", "Conversations", "Messages", "Nurse requests"],
      volumes.by_day.map((d) => [d.day, d.conversations, d.messages, d.handoffs])),
    table("Volumes by channel", ["Channel", "Conversations", "Messages", "Nurse requests"],
      volumes.by_channel.map((c) => [channelName(c.channel), c.conversations, c.messages, c.handoffs])),
    table("Volumes by hour of the day", ["Hour", "Conversations", "Messages"],
      volumes.by_hour.filter((h) => h.conversations || h.messages)
        .map((h) => [`${String(h.hour).padStart(2, "0")}:00`, h.conversations, h.messages])),
    table("Answers by content entry", ["Entry", "Answers given"], report.answers.map((a) => [a.content_id, a.answers])),
    table("Nurse requests by priority", ["Priority", "Requests"],
      handoffs.by_priority.map((p) => [priorityName(p.priority), p.count])),
    table("Nurse requests by how they ended", ["Disposition", "Requests"],
      handoffs.by_disposition.map((d) => [stateName(d.disposition), d.count])),
    table("Abandonment and cancellations (live chats)", ["Live chats requested", "Left the queue (abandoned)", "Cancelled", "Abandonment rate"],
      [[handoffs.live, handoffs.abandoned, handoffs.cancelled, rate(handoffs.abandonment_rate)]]),
    table("Median wait until a nurse claimed it", ["Kind", "Priority", "Claimed", "Median wait"],
      report.waits.map((w) => [kindName(w.kind), priorityName(w.priority), w.claimed, duration(w.median_wait_seconds)])),
    table("Messages left: time to a nurse's reply", ["Answered", "Median time"],
      [[report.left_message_turnaround.answered, duration(report.left_message_turnaround.median_seconds)]]),
    table("Outcomes", ["Outcome", "Conversations"], report.outcomes.map((o) => [o.outcome, o.count])),
    table("Load per nurse", ["Name", "Claimed", "Replies", "Closed or handed back"],
      report.nurses.map((n) => [n.name || `Nurse ${n.nurse_id}`, n.claimed, n.replies, n.ended])),
    table("Was this helpful? by content entry", ["Entry", "Yes", "No"],
      report.helpfulness.map((h) => [h.content_id, h.helpful, h.not_helpful])),
    table("Ratings of nurse chats (1 to 5)", ["Ratings", "Average", ...report.csat.by_rating.map((r) => `${r.rating}`)],
      [[report.csat.ratings, report.csat.average === null ? "–" : report.csat.average, ...report.csat.by_rating.map((r) => r.count)]]),
  );
}

export async function showReport(event) {
  if (event) event.preventDefault();
  $("report-error").textContent = "";
  const button = $("report-show");
  button.disabled = true;
  try {
    const report = await api("GET", `/api/reports${query()}`);
    $("report-csv").href = `/api/reports.csv${query()}`;
    $("report-csv").hidden = false;
    render(report);
    announce(`Report shown, from ${report.from} to ${report.to}.`);
  } catch (error) {
    $("report-error").textContent = error.message;
  } finally {
    button.disabled = false;
  }
}
