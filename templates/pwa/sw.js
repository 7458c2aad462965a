{% autoescape off %}/* pekka's service worker (rendered by pekka/pwa.py::service_worker; its VERSION is a hash of what it precaches).

   The app shell (our CSS, JS and icons, the vendor files every page loads, the offline page) is precached.
   Pages are asked of the network first and kept in "pekka-pages" as she opens them (static/js/offline.js fills
   the same cache with her whole caseload); without an answer within networkTimeoutSeconds she sees the kept copy,
   and the answer, when it comes, refreshes it. A page never kept shows the offline page. */
"use strict";

const CONFIG = {{ config }};
const VERSION = CONFIG.version;
const PAGES = "pekka-pages";
const STATIC = `pekka-static-${VERSION}`;

importScripts({{ workbox_sw }});
// Each Workbox module comes from our own static files; debug off, so the small production builds are used.
workbox.setConfig({ debug: false, modulePathCb: (name) => CONFIG.modules[name] });
// Touch every module now: a service worker may import scripts only while it is being installed.
const { precaching, routing, strategies, expiration, core } = workbox;

precaching.cleanupOutdatedCaches();
// Static URLs carry a hash in production (and bootstrap-icons asks for its font with a "?hash" query).
precaching.precacheAndRoute(CONFIG.precache, { ignoreURLParametersMatching: [/.*/] });

/** Only a whole HTML page of hers is kept: not a redirect (to the login page when her session ended), not an
    error, not a file download. */
function keepable(response) {
  if (!response || response.status !== 200 || response.redirected || response.type !== "basic") return false;
  const type = response.headers.get("Content-Type") || "";
  return type.startsWith("text/html") && !response.headers.has("Content-Disposition");
}

function neverCached(pathname) {
  return CONFIG.neverCached.some((prefix) => pathname.startsWith(prefix));
}

/* Pages are stored gzipped (her copy of 330 women is some 20 MB of HTML, 2 MB so): static/js/offline.js writes
   them the same way, and the header says which copies to inflate on the way out. */
const STORED = "X-Pekka-Stored";

function rewrap(response, body, headers) {
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function pack(response) {
  if (!self.CompressionStream || !response.body) return response;
  const headers = new Headers(response.headers);
  headers.set(STORED, "gzip");
  headers.delete("Content-Length");
  return rewrap(response, response.body.pipeThrough(new CompressionStream("gzip")), headers);
}

function unpack(response) {
  if (!response || response.headers.get(STORED) !== "gzip") return response;
  const headers = new Headers(response.headers);
  headers.delete(STORED);
  return rewrap(response, response.body.pipeThrough(new DecompressionStream("gzip")), headers);
}

const pages = new strategies.NetworkFirst({
  cacheName: PAGES,
  networkTimeoutSeconds: CONFIG.networkTimeoutSeconds,
  // Django varies pages on Cookie and Accept-Language, which the cache cannot compare: she has one session here.
  matchOptions: { ignoreVary: true },
  plugins: [
    {
      cacheWillUpdate: async ({ response }) => (keepable(response) ? pack(response) : null),
      cachedResponseWillBeUsed: async ({ cachedResponse }) => unpack(cachedResponse),
    },
  ],
});

routing.registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" && url.origin === self.location.origin && !neverCached(url.pathname),
  async (options) => {
    try {
      const response = await pages.handle(options);
      if (response) return response;
    } catch (error) {
      // Neither the network nor the cache has it: the offline page below.
    }
    return (await precaching.matchPrecache(CONFIG.offlineUrl)) || Response.error();
  },
);

routing.registerRoute(
  ({ request, url }) =>
    request.method === "GET" && url.origin === self.location.origin && url.pathname.startsWith(CONFIG.staticPrefix),
  new strategies.CacheFirst({
    cacheName: STATIC,
    plugins: [new expiration.ExpirationPlugin({ maxEntries: 100 })],
  }),
);

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("pekka-static-") && n !== STATIC).map((n) => caches.delete(n))),
      ),
  );
});

// static/js/app.js asks a waiting worker to take over when she taps "reload".
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data && event.data.type === "VERSION" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

core.clientsClaim();
{% endautoescape %}
