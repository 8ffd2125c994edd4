// Building DOM from data that came from articles. Everything from the store is text: it goes in with
// textContent or as text nodes, never as HTML, and only http(s) URLs ever become an href.

// el("td", {class: "num"}, "12"): strings become text nodes; attributes are set one by one.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "href" || key === "style" || key === "src") throw new Error(`set ${key} explicitly`);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// The URL as an absolute http(s) URL, or null for anything else (javascript:, data:, relative junk).
export function safeHref(url) {
  if (typeof url !== "string" || !url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

// A link to an outside page when the URL is http(s); the URL as plain text otherwise.
export function externalLink(url, label) {
  const href = safeHref(url);
  if (href === null) return el("span", { class: "url-text" }, label && label !== url ? `${label} (${url})` : url);
  const a = el("a", { rel: "noopener noreferrer", target: "_blank" }, label || url);
  a.href = href;
  return a;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function formatCount(n) {
  return n.toLocaleString("en-US");
}
