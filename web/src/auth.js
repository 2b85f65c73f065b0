// The API key: taken from `/?key=…` (the link `make run` prints), kept for this tab
// in sessionStorage, and removed from the address bar at once.

const STORAGE_KEY = "koostoo.apiKey";

export function takeKeyFromUrl() {
  const url = new URL(window.location.href);
  const key = url.searchParams.get("key");
  if (key === null) return;
  url.searchParams.delete("key");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  if (key.trim()) sessionStorage.setItem(STORAGE_KEY, key.trim());
}

export function currentKey() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key) {
  sessionStorage.setItem(STORAGE_KEY, key.trim());
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * The key of the tab that opened this one (the explorer's "API console" link), read
 * from that tab's sessionStorage: the key is handed over inside the browser, never
 * through a URL (which ends up in history and server logs). Only a page of this
 * origin can be read; for any other opener (or none) this is null.
 */
export function keyFromOpener() {
  try {
    const opener = window.opener;
    if (!opener || opener.location.origin !== window.location.origin) return null;
    return opener.sessionStorage.getItem(STORAGE_KEY)?.trim() || null;
  } catch {
    return null; // another origin: its storage is not ours to read
  }
}
