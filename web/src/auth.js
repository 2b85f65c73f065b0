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
