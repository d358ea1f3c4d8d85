// Calls to the console's JSON API: a failure becomes an ApiError with the server's message, and a 401 ends the session.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let endSession = () => {};

// What to do when the server says the session is over (session.js signs the nurse out of the page).
export function whenSessionEnds(handler) {
  endSession = handler;
}

export function sessionEnded(message) {
  endSession(message);
}

export async function api(method, path, body, { endSessionOn401 = true } = {}) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError(0, "The console cannot reach the server. Check the connection and try again.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string" ? data.error : `The server answered ${response.status}.`;
    if (response.status === 401 && endSessionOn401) sessionEnded(message);
    throw new ApiError(response.status, message);
  }
  return data;
}
