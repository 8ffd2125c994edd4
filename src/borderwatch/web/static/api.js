// Talking to the borderwatch API. Paths are relative to the page, so the dashboard works wherever the
// app is mounted.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function fetchOk(path, signal, accept) {
  const response = await fetch(path, { signal, headers: { Accept: accept } });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && typeof body.detail === "string") detail = body.detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, detail);
  }
  return response;
}

export async function getJson(path, { signal } = {}) {
  return (await fetchOk(path, signal, "application/json")).json();
}

// A binary answer (the points) as an ArrayBuffer.
export async function getBytes(path, { signal } = {}) {
  return (await fetchOk(path, signal, "application/octet-stream")).arrayBuffer();
}

export function apiPath(path, params) {
  const query = params ? params.toString() : "";
  return `api/${path}${query ? `?${query}` : ""}`;
}

export const eventPath = (id) => apiPath(`events/${encodeURIComponent(id)}`);
export const documentPath = (id) => apiPath(`documents/${encodeURIComponent(id)}`);
