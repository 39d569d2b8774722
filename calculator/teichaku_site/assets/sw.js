/*
 * service worker：最初の訪問でサイト全体（ページ、Pyodide、teichaku の wheel、検索の索引）を保存し、以後はオフラインでも
 * 動くようにする。__VERSION__ はビルドごとの内容のハッシュ（calculator/teichaku_site/bundle.py）で、新しいビルドは新しいキャッシュに
 * 入れ替わり、古いキャッシュは消える。自分のオリジンへの GET だけを扱う（外へは何も要求しない）。
 */
"use strict";

const VERSION = "__VERSION__";
const CACHE = `teichaku-${VERSION}`;
const PRECACHE = __PRECACHE__;
const SCOPE = new URL("./", self.location.href);

self.addEventListener("install", event => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map(path => new Request(new URL(path, SCOPE), { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", event => {
  event.waitUntil((async () => {
    for (const key of await caches.keys())
      if (key.startsWith("teichaku-") && key !== CACHE)
        await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", event => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.href.startsWith(SCOPE.href))
    return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // ページは ?h=（検索語の強調）などの問い合わせを除いて探す
    const hit = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (hit)
      return hit;
    const response = await fetch(request);
    if (response.ok && response.type === "basic")
      await cache.put(request, response.clone());
    return response;
  })());
});
