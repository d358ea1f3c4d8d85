// What the page holds between events, shared by every module; and the server's words for the API's names.

export const state = {
  me: null,
  meta: null,  // GET /api/meta: the words for channels, states, authors, priorities and roles, and the limits
  queue: [],
  queueFetchedAt: 0,
  left: [],
  openId: null,
  open: null,
  rendered: new Set(),
  detailRequest: 0,
  mine: new Map(),
  readUpTo: new Map(),  // conversation id -> the last message id marked read from here
  source: null,
  connection: "connecting",
  reconnectTimer: null,
  noticeTimer: null,
  noticeFor: null,  // the conversation the notice is about, if any
  pending: {},
  paused: false,  // new chats paused by an admin (GET /api/pause)
  savedReplies: new Map(),  // id -> text
  team: [],  // GET /api/team: every colleague by name, and who is signed in now
  historyFilters: "",  // the past-conversation search last made, as a query string
  historyPage: 1,
  busy: false,
  availabilityBusy: false,
  soundOn: localStorage.getItem("helpline-console:sound") !== "off",
  audio: null,
};

function names(table) {
  return (state.meta && state.meta[table]) || {};
}

// A name the server sent without words for it is shown as it is.
export function channelName(channel) {
  return names("channels")[channel] || channel;
}

export function stateName(value) {
  return names("states")[value] || value;
}

export function priorityName(priority) {
  return names("priorities")[priority] || priority;
}

export function availabilityName(availability) {
  return names("availability")[availability] || availability;
}

export function roleName(role) {
  return names("roles")[role] || role;
}

// The author's words, or the system's for an author the page has no words for.
export function authorName(author) {
  const authors = names("authors");
  return authors[author] ? { author, who: authors[author] } : { author: "system", who: authors.system };
}

// The outcomes offered when closing, in order: [{text, needs_note}].
export function outcomes() {
  return (state.meta && state.meta.outcomes) || [];
}

// How a conversation stands, with the outcome it was closed with.
export function endedText(handoff) {
  return handoff.state === "closed" && handoff.outcome ? `Closed: ${handoff.outcome}` : stateName(handoff.state);
}

export function limit(name) {
  return state.meta.limits[name];
}
