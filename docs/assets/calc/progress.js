// 状態の表示：文（aria-live polite で読み上げる）と、読み込みの進み具合（<progress> とバイト数、読み上げの対象外）。
// 文は段階が変わるとき（と 25% ごと）だけ変え、バイト数の細かい更新で読み上げが続かないようにする。
import { element, megabytes } from "./dom.js";

const PHASES = {
  download: "Python の実行環境を読み込み中",
  boot: "Python を起動中",
  rules: "計算の規則を準備中",
  xlsx: "Excel を読む部品を準備中",
};

// 進み具合の文（純粋な関数）
export function progressText({ phase, loaded, total }, waiting) {
  const tail = waiting ? "（準備ができ次第、計算します）" : "（入力はこのまま続けられます）";
  if (phase === "download" && total) {
    const quarter = Math.min(3, Math.floor(loaded / total * 4)) * 25;
    return `計算の準備：${PHASES.download}…${quarter ? `${quarter}%以上` : ""}${tail}`;
  }
  return `計算の準備：${PHASES[phase] || "読み込み中"}…${tail}`;
}

export function mountStatus(form) {
  const statusBox = form.querySelector(".calc-status");
  const statusText = form.querySelector(".calc-status-text");
  const retry = form.querySelector(".calc-retry");
  statusBox.removeAttribute("role");
  statusBox.removeAttribute("aria-live");
  statusText.setAttribute("role", "status");
  statusText.setAttribute("aria-live", "polite");
  const bar = element("progress", { class: "calc-progress", max: "1", "aria-label": "計算の準備の進み具合", hidden: true });
  const bytes = element("span", { class: "calc-progress-bytes", "aria-hidden": "true", hidden: true });
  statusText.after(bar, bytes);
  let last = "";

  function setStatus(text, state) {
    if (text !== last)
      statusText.textContent = text;
    last = text;
    form.dataset.state = state;
    retry.hidden = state !== "failed";
    if (state !== "loading") {
      bar.hidden = true;
      bytes.hidden = true;
    }
  }

  // message：{ phase, loaded, total }（worker.js）。waiting：計算を待っている入力がある
  function showProgress(message, waiting) {
    const { loaded, total } = message;
    setStatus(progressText(message, waiting), "loading");
    form.dataset.loaded = String(loaded);
    form.dataset.total = String(total);
    if (total) {
      bar.max = String(total);
      bar.value = String(Math.min(loaded, total));
      bytes.textContent = `${megabytes(Math.min(loaded, total))} / ${megabytes(total)} MB`;
    } else {
      bar.removeAttribute("value");  // 合計が分からない：動きだけを示す
      bytes.textContent = `${megabytes(loaded)} MB`;
    }
    bar.hidden = false;
    bytes.hidden = false;
  }

  return { box: statusBox, retry, setStatus, showProgress };
}
