/*
 * 計算機のページの head で読む普通のスクリプト（overrides/main.html）：Pyodide の Web Worker（worker.js）を、ページの本文の解析や
 * Material の bundle の実行を待たずに起動する。worker.js はすぐに Pyodide と teichaku の wheel を読み込み始める。
 * app.js は start() で globalThis.__teichakuWorker を引き継ぎ（「再試行」では新しく作る）、init を送る。
 * worker.js は init を受け取るまでに起きた失敗を覚えておき、init のときに知らせる（ここでは何も受け取らない）。
 *
 * 最初の結果まで後回しにするもの（issue 17：2コアの端末で、Pyodide の起動と CPU・回線を取り合わないように）：
 * - Material の検索：索引（search/search_index.json）の取得と解析（主スレッド）と、検索のワーカー（lunr の索引作り）。
 *   bundle は索引を XMLHttpRequest で読み、ワーカーを new Worker で作る：その2つだけを包む
 * - service worker の登録（assets/site.js）：最初の訪問でサイトの保存（約60ファイル）を始める
 * 最初の結果（worker の result、またはページの teichaku:result）、計算の準備の失敗、検索の欄に触れたとき（クリック、
 * フォーカス、Material の検索のキー）、または RELEASE_AFTER_MS の後に、まとめて始める。
 */
"use strict";
(() => {
  const RELEASE_AFTER_MS = 20000;  // 結果が出ないままでも、検索と保存はこの後に始める
  let release;
  const released = new Promise(resolve => { release = resolve; });

  const worker = new Worker(new URL("./worker.js", document.currentScript.src), { type: "module" });
  // 引き継ぐ前に worker のスクリプトを読めなかったら、引き継がせない（app.js が作り直し、その失敗を示す）
  worker.addEventListener("error", () => {
    release();
    if (globalThis.__teichakuWorker === worker) {
      globalThis.__teichakuWorker = null;
      worker.terminate();
    }
  });
  worker.addEventListener("message", event => {
    const type = event.data && event.data.type;
    if (type === "result" || type === "failed")
      release();
  });
  globalThis.__teichakuWorker = worker;
  document.addEventListener("teichaku:result", () => release(), { once: true });
  setTimeout(() => release(), RELEASE_AFTER_MS);
  // 検索を使おうとしたら、すぐに始める
  const wantsSearch = event => {
    const target = event.target;
    if (target && target.closest && target.closest(".md-search, label[for='__search'], #__search"))
      release();
  };
  document.addEventListener("pointerdown", wantsSearch, true);
  document.addEventListener("focusin", wantsSearch, true);
  document.addEventListener("keydown", event => {
    const field = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (!field && ["/", "s", "S", "f", "F"].includes(event.key))
      release();
  }, true);

  // 検索の索引：Material の bundle が XMLHttpRequest で読む。最初の結果まで要求を始めない
  const isSearchIndex = url => /\/search\/search_index\.json$/.test(new URL(String(url), location.href).pathname);
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.__teichakuDefer = isSearchIndex(url);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.__teichakuDefer)
      return send.apply(this, args);
    released.then(() => send.apply(this, args));
    return undefined;
  };

  // 検索のワーカー：作るのを最初の結果まで待つ代わりのもの（Material は addEventListener と postMessage だけを使う）
  const NativeWorker = window.Worker;
  class DeferredWorker extends EventTarget {
    constructor(url, options) {
      super();
      this.queue = [];
      this.real = null;
      this.onmessage = null;
      this.onerror = null;
      released.then(() => {
        if (this.queue === null)
          return;  // その前に terminate された
        const real = new NativeWorker(url, options);
        real.addEventListener("message", event => this.forward(new MessageEvent("message", { data: event.data })));
        real.addEventListener("error", event => this.forward(new ErrorEvent("error", { message: event.message })));
        for (const [message, transfer] of this.queue)
          real.postMessage(message, transfer);
        this.queue = [];
        this.real = real;
      });
    }
    forward(event) {
      const handler = event.type === "message" ? this.onmessage : this.onerror;
      if (handler)
        handler.call(this, event);
      this.dispatchEvent(event);
    }
    postMessage(message, transfer) {
      if (this.real)
        this.real.postMessage(message, transfer);
      else if (this.queue)
        this.queue.push([message, transfer]);
    }
    terminate() {
      if (this.real)
        this.real.terminate();
      this.queue = null;
    }
  }
  window.Worker = function Worker(url, options) {
    const search = /\/workers\/search[^/]*\.js$/.test(new URL(String(url), location.href).pathname);
    return search ? new DeferredWorker(url, options) : new NativeWorker(url, options);
  };
  window.Worker.prototype = NativeWorker.prototype;

  // service worker の登録（assets/site.js が load で呼ぶ）も最初の結果の後に
  const container = navigator.serviceWorker;
  if (container && typeof container.register === "function") {
    const register = container.register.bind(container);
    container.register = (...args) => released.then(() => register(...args));
  }
})();
