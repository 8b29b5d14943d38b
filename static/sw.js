// Wegbegleiter service worker. SETTINGS is prepended by the server (app/pwa/routes.py).
// Static assets: cache-first (fingerprinted names, versioned cache).
// HTML: network-first; household pages that the server marks as allowed are kept for offline
// reading (the last SETTINGS.pagesLimit), and only while the session could still be valid.
const STATIC_CACHE = `wb-static-${SETTINGS.version}`;
const PAGES_CACHE = "wb-pages";
const META_CACHE = "wb-meta";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(SETTINGS.precache.map((u) => new Request(u, {credentials: "omit"}))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("wb-static-") && k !== STATIC_CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

async function purgePages() {
  await caches.delete(PAGES_CACHE);
  await caches.delete(META_CACHE);
}

async function touchActivity() {
  const meta = await caches.open(META_CACHE);
  await meta.put("/__last-activity", new Response(String(Date.now())));
}

async function sessionMayBeValid() {
  const meta = await caches.open(META_CACHE);
  const last = await meta.match("/__last-activity");
  if (!last) return false;
  return Date.now() - Number(await last.text()) < SETTINGS.idleSeconds * 1000;
}

async function keepPage(request, response) {
  const cache = await caches.open(PAGES_CACHE);
  const headers = new Headers(response.headers);
  headers.set("X-Cached-At", new Date().toISOString());
  const body = await response.clone().text();
  await cache.put(request.url, new Response(body, {status: 200, headers}));
  const keys = await cache.keys();
  // Each household counts with its contact form: twice the pages for SETTINGS.pagesLimit.
  for (const old of keys.slice(0, Math.max(0, keys.length - 2 * SETTINGS.pagesLimit))) {
    await cache.delete(old);
  }
}

// With a household page, keep its contact form too, so a note can be written without signal.
async function keepContactForm(path) {
  try {
    const url = new URL(path, self.location.origin).href;
    const response = await fetch(url, {credentials: "same-origin"});
    if (response.ok && response.headers.get("X-Offline-Copy") === "allowed") {
      await keepPage(new Request(url), response);
    }
  } catch (error) {
    // best effort only
  }
}

// The kept page brings its own texts (#ui-texts, templates/base.html) in the language it was
// shown in; the worker's SETTINGS (app/pwa/routes.py) are the fallback.
function pageTexts(body) {
  const block = body.match(/<script type="application\/json" id="ui-texts">([\s\S]*?)<\/script>/);
  try {
    return block ? JSON.parse(block[1]) : {};
  } catch (error) {
    return {};
  }
}

function markOffline(body, cachedAt) {
  const lang = (body.match(/<html lang="([\w-]+)"/) || [])[1] || SETTINGS.locale;
  const when = new Date(cachedAt).toLocaleString(lang, {dateStyle: "short", timeStyle: "short"});
  const template = pageTexts(body).offlineCopy || SETTINGS.texts.offlineCopy;
  const text = template.split("%(when)s").join(when);
  const banner = `<p class="flash offline-copy" role="status">${text.replace(/</g, "&lt;")}</p>`;
  return body.replace('<main id="main">', `<main id="main">${banner}`);
}

// The kept copy of a page, marked as such; null when there is none or the session is over.
async function keptCopy(request) {
  if (!(await sessionMayBeValid())) {
    await purgePages();
    return null;
  }
  const cached = await (await caches.open(PAGES_CACHE)).match(request.url);
  if (!cached) return null;
  const body = markOffline(await cached.text(), cached.headers.get("X-Cached-At"));
  return new Response(body, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function networkFirst(request, event) {
  try {
    const response = await fetch(request);
    // The database is restarting (503, app/outage.py): a kept copy is more use than the notice.
    if (response.status === 503) return (await keptCopy(request)) || response;
    if (response.ok && !response.redirected) {
      await touchActivity();
      if (response.headers.get("X-Offline-Copy") === "allowed") {
        // Keep the newest copy; a page opened again moves to the end of the list.
        const cache = await caches.open(PAGES_CACHE);
        await cache.delete(request.url);
        await keepPage(request, response);
        const household = new URL(request.url).pathname.match(/^\/households\/\d+$/);
        if (household) event.waitUntil(keepContactForm(`${household[0]}/contacts/new`));
      }
    } else if (response.redirected && new URL(response.url).pathname === "/login") {
      await purgePages(); // the session is gone: so are the offline copies
    }
    return response;
  } catch (error) {
    return (await keptCopy(request)) || (await caches.match(SETTINGS.offline)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, event));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "purge") event.waitUntil(purgePages());
});

// Background Sync: wake an open page to replay the outbox (it holds the session and token).
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(
    self.clients.matchAll({type: "window"}).then((clients) => {
      clients.forEach((client) => client.postMessage({type: "outbox-sync"}));
    }),
  );
});
