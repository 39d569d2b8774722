// Pyodide の Web Worker（worker.js）との間：起動（start.js が head で起動したものを引き継ぐ）、計算、QR コード、ファイルの作成。
// 受け取ったものは handlers に渡す：progress・ready・failed・result・export。
const LOAD_TIMEOUT_MS = 120000;

export function connectWorker({ xlsx, handlers }) {
  let worker = null;
  let ready = false;
  let watchdog = 0;
  const qrWaiting = new Map();
  let qrCount = 0;

  function onMessage(event) {
    const message = event.data;
    if (message.type === "qr") {
      answerQr(message);
      return;
    }
    if (message.type === "ready") {
      ready = true;
      clearTimeout(watchdog);
    }
    const handler = handlers[message.type];
    if (handler)
      handler(message);
  }

  function start() {
    if (worker)
      worker.terminate();
    ready = false;
    // start.js（head）が先に起動したものを引き継ぐ（「再試行」では新しく作る）
    worker = globalThis.__teichakuWorker || new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    globalThis.__teichakuWorker = null;
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", event => {
      event.preventDefault();
      handlers.failed({ message: "計算用のファイルを読み込めません" });
    });
    worker.postMessage({ type: "init", xlsx });
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (!ready)
        handlers.failed({ message: "読み込みに時間がかかりすぎています" });
    }, LOAD_TIMEOUT_MS);
  }

  // 計算：ファイルの中身は Worker に移す（コピーしない）
  function run(id, kind, inputs, file) {
    worker.postMessage({ type: "run", id, kind, inputs, file }, file ? [file.buffer] : []);
  }

  function exportFile(format, inputs, file) {
    worker.postMessage({ type: "export", format, inputs, file });
  }

  // QR コード：Worker の Python（teichaku.interfaces.web.qr_svg、segno）が作る SVG
  function qr(text) {
    if (!worker || !ready)
      return Promise.reject(new Error("計算の準備ができていません"));
    const id = ++qrCount;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        qrWaiting.delete(id);
        reject(new Error("時間がかかりすぎています"));
      }, 30000);
      qrWaiting.set(id, { resolve, reject, timer });
      worker.postMessage({ type: "qr", id, text });
    });
  }

  function answerQr(message) {
    const waiting = qrWaiting.get(message.id);
    if (!waiting)
      return;
    clearTimeout(waiting.timer);
    qrWaiting.delete(message.id);
    if (message.error)
      waiting.reject(new Error(message.error));
    else
      waiting.resolve(message.svg);
  }

  return { start, run, exportFile, qr, isReady: () => ready };
}
