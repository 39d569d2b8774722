/*
 * service worker：最初の訪問でガイドのページ（HTML、CSS、JavaScript、検索の索引）を保存し、以後はオフラインでも
 * 開けるようにする。計算用の実行環境（pyodide/ の Pyodide と wheels/ の wheel、約13 MB）はここでは読み込まない：
 * ガイドのページだけを見る人に 13 MB を読ませないため。実行環境は
 *   - 計算機のページが開いて読み込んだものを、その場で保存する（下の fetch）
 *   - 計算機のページの準備ができたとき、または計算機の一覧のページの「オフラインでも使えるようにする」で、
 *     ページから {type: "cache-runtime"} を受け取ったら、まだ保存していないものを保存する（下の message）
 * __VERSION__ はビルドごとの内容のハッシュ（calculator/teichaku_site/bundle.py）で、新しいビルドは新しいキャッシュに
 * 入れ替わり、古いキャッシュは消える。ただし計算機の Web Worker が置く Pyodide のスナップショット（teichaku-snapshot、
 * issue 17）は消さない：その鍵は Pyodide と wheel のハッシュで、文書だけを変えたビルドでも使える（鍵の変わった
 * 古い項目は、計算機のワーカーが新しい項目を置くときに消す）。自分のオリジンへの GET だけを扱う（外へは何も要求しない）。
 */
"use strict";

const VERSION = "__VERSION__";
const CACHE = `teichaku-${VERSION}`;
const SNAPSHOT_CACHE = "teichaku-snapshot";  // docs/assets/calc/worker.js
const PRECACHE = __PRECACHE__;
const SCOPE = new URL("./", self.location.href);
// 計算用の実行環境：計算機のページを開くまで読み込まない
const isRuntime = path => /^(pyodide|wheels)\//.test(path);
// 配布しないもの（ビルドの後で消す source map など）は保存しない
const isShipped = path => !path.endsWith(".map");
const SHELL = PRECACHE.filter(path => !isRuntime(path) && isShipped(path));
// 計算機が読むもの。Pyodide の標準ライブラリ全体（pyodide/python_stdlib.zip）は保存しない：計算機はサイトの使う
// モジュールだけの python_stdlib_site.zip を読み、全体はそこにないモジュールが要るときだけ読む（そのときは下の
// fetch で保存する）
const RUNTIME = PRECACHE.filter(path => isRuntime(path) && isShipped(path) && !path.endsWith("/package.json")
                                        && path !== "pyodide/python_stdlib.zip");

self.addEventListener("install", event => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map(path => new Request(new URL(path, SCOPE), { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", event => {
  event.waitUntil((async () => {
    for (const key of await caches.keys())
      if (key.startsWith("teichaku-") && key !== CACHE && key !== SNAPSHOT_CACHE)
        await caches.delete(key);
    await self.clients.claim();
  })());
});

// 実行環境をまとめて保存する。すでに保存したものは読み込まない。ブラウザの HTTP キャッシュにあるものは
// そこから（変わっていないかを確かめるだけで）取る。進み具合を port に送る。
let savingRuntime = null;
async function cacheRuntime(port) {
  const cache = await caches.open(CACHE);
  let done = 0;
  const send = message => port && port.postMessage(message);
  for (const path of RUNTIME) {
    const url = new URL(path, SCOPE);
    if (!await cache.match(url)) {
      const response = await fetch(url);
      if (!response.ok)
        throw new Error(`${path} を読み込めません（${response.status}）`);
      await cache.put(url, response);
    }
    done += 1;
    send({ type: "runtime-progress", done, total: RUNTIME.length });
  }
}

self.addEventListener("message", event => {
  const message = event.data || {};
  if (message.type !== "cache-runtime")
    return;
  const port = event.ports && event.ports[0];
  savingRuntime = savingRuntime || cacheRuntime(port).finally(() => { savingRuntime = null; });
  const saving = savingRuntime;
  event.waitUntil(saving.then(
    () => port && port.postMessage({ type: "runtime-cached", total: RUNTIME.length }),
    error => port && port.postMessage({ type: "runtime-failed", message: String(error && error.message || error) })));
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
    // 保存は応答を返した後で（大きな wasm を保存し終えるまでページを待たせない：読み込みの進み具合が見えるように）
    if (response.ok && response.type === "basic")
      event.waitUntil(cache.put(request, response.clone()));
    return response;
  })());
});
