// オフライン：service worker に計算用の実行環境（pyodide/ と wheels/、約13 MB）の保存を頼む。
// 計算機のページでは読み込みが終わった後に自動で、計算機の一覧のページでは「オフラインでも使えるようにする」で。
import { element } from "./dom.js";

// service worker に実行環境の保存を頼む。onProgress(done, total) で進み具合を受け取る。
export function cacheRuntime(registration, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const active = registration && registration.active;
    if (!active) {
      reject(new Error("service worker が動いていません"));
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = event => {
      const message = event.data || {};
      if (message.type === "runtime-progress")
        onProgress(message.done, message.total);
      else if (message.type === "runtime-cached")
        resolve();
      else if (message.type === "runtime-failed")
        reject(new Error(message.message || "保存できませんでした"));
    };
    active.postMessage({ type: "cache-runtime" }, [channel.port2]);
  });
}

// 計算機のページ：読み込みが終わったら保存を頼む（次からはオフラインでも開ける）。ブラウザの HTTP キャッシュに
// 入った後なので、二重には読み込まない（変わっていないかの確認だけ）。結果は form の data-offline に。
export function keepForOffline(form) {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker)
    return;
  navigator.serviceWorker.ready.then(registration => cacheRuntime(registration)).then(
    () => { form.dataset.offline = "saved"; }, () => { form.dataset.offline = "failed"; });
}

// ---- 計算機の一覧のページ：「オフラインでも使えるようにする」----
// 計算機を開く前に保存しておきたい人のために、明示的に保存させる。
export function mountOfflineAction() {
  const heading = document.querySelector(".md-content article h1");
  if (!heading)
    return;
  const status = element("p", { class: "calc-offline-status", role: "status", "aria-live": "polite" });
  const bar = element("progress", { class: "calc-progress", max: "1", value: "0", "aria-label": "保存の進み具合", hidden: true });
  const button = element("button", { type: "button", class: "md-button calc-offline-button" }, "オフラインでも使えるようにする");
  const box = element("section", { class: "calc-offline", "aria-labelledby": "calc-offline-heading" },
                      element("h2", { id: "calc-offline-heading" }, "オフラインで使う"),
                      element("p", {}, "計算機を一度開くと、計算に使うファイル（約13 MB）がこの端末に保存され、その後はインターネットに",
                              "つながっていなくても使えます。先に保存しておくには、次のボタンを押してください。"),
                      button, bar, status);
  heading.parentElement.insertBefore(box, heading.nextElementSibling ? heading.nextElementSibling.nextElementSibling : null);
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker) {
    button.disabled = true;
    status.textContent = "このブラウザ（またはこの接続）では保存できません。https または localhost で開くと保存できます。";
    return;
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "保存の準備中…";
    const timeout = setTimeout(() => {
      status.textContent = "保存を始められません（service worker が動いていません）。ページを再読み込みしてから押してください。";
      button.disabled = false;
    }, 15000);
    const registration = await navigator.serviceWorker.ready;
    clearTimeout(timeout);
    cacheRuntime(registration, (done, total) => {
      bar.hidden = false;
      bar.max = String(total || 1);
      bar.value = String(done);
      status.textContent = `保存中：${done} / ${total} ファイル`;
    }).then(() => {
      bar.hidden = true;
      status.textContent = "保存しました。この端末では、オフラインでも計算機を使えます。";
    }, error => {
      bar.hidden = true;
      button.disabled = false;
      status.textContent = `保存できませんでした（${error.message}）。もう一度押してください。`;
    });
  });
}
