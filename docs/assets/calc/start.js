/*
 * 計算機のページの head で読む普通のスクリプト（overrides/main.html）：Pyodide の Web Worker（worker.js）を、ページの本文の解析や
 * Material の bundle の実行を待たずに起動する。worker.js はすぐに Pyodide と teichaku の wheel を読み込み始める。
 * app.js は start() で globalThis.__teichakuWorker を引き継ぎ（「再試行」では新しく作る）、init を送る。
 * worker.js は init を受け取るまでに起きた失敗を覚えておき、init のときに知らせる（ここでは何も受け取らない）。
 */
"use strict";
(() => {
  const worker = new Worker(new URL("./worker.js", document.currentScript.src), { type: "module" });
  // 引き継ぐ前に worker のスクリプトを読めなかったら、引き継がせない（app.js が作り直し、その失敗を示す）
  worker.addEventListener("error", () => {
    if (globalThis.__teichakuWorker === worker) {
      globalThis.__teichakuWorker = null;
      worker.terminate();
    }
  });
  globalThis.__teichakuWorker = worker;
})();
